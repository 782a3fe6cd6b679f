"""Signals other apps listen to (notifications, clocks) without findings importing them."""

from django.dispatch import Signal

# Sent inside the transaction after a problem changed status; receivers that send mail or
# other side effects must defer them with transaction.on_commit.
# Arguments: problem, transition (its name), actor.
problem_transitioned = Signal()
