"""Signals of the rectification app (sent inside the transaction; defer side effects)."""

from django.dispatch import Signal

# Arguments: plan, transition (its name), actor.
plan_transitioned = Signal()
