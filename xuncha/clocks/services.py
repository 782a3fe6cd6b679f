"""Writes to clocks: every subject's clocks and every holder's nearest deadline kept true.

Other apps call :func:`clocks_changed` in the transaction of whatever a clock counts from or
stops at: a feedback date set, a measure's deadline edited or the measure finished, a problem
asked for closing, closed or reopened, a verdict recorded, a plan submitted. The engine asks the
registered subjects which clocks they want now (``clocks.registry``), creates, updates, stops
or removes the stored ones to match (each change audited under its holder's history), and
rewrites the nearest open deadline of every holder it touched. Nothing is written where nothing
changed, so every call is safe to repeat.

A clock can also be paused and resumed (the paused days are not counted) and extended under an
:class:`~xuncha.clocks.models.ExtensionRule` with the record that approved it.
:func:`clocks_check` recomputes everything from scratch and reports what differs from what is
stored (``xuncha deadlines-refresh --check``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction
from django.utils.translation import gettext as _

from xuncha.clocks.engine import (
    chunks,
    holders_refresh,
    subject_ids,
    sync,
    work_calendar,
)
from xuncha.clocks.models import (
    Clock,
    ClockExtension,
    ClockPause,
    ClockState,
    ExtensionRule,
)
from xuncha.clocks.nearest import stored_candidates, summaries_for, write_summaries
from xuncha.clocks.registry import HOLDERS, SUBJECTS
from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor


class ClockError(ValueError):
    """A pause, resumption or extension the clock does not allow; the message says why."""


_batch = threading.local()


@contextmanager
def clocks_batch(*, actor: Actor) -> Iterator[None]:
    """Within one transaction, gather every :func:`clocks_changed` and bring the clocks up to
    date once at the end, for all the records of each source together.

    An import of many problems then syncs their clocks in a few bulk passes instead of one per
    problem and move. Nothing inside the block may read the clocks it changed. A batch inside
    a batch joins it.
    """
    if getattr(_batch, "changes", None) is not None:
        yield
        return
    changes: dict[str, set[int]] = defaultdict(set)
    _batch.changes = changes
    try:
        yield
    finally:
        _batch.changes = None
    for source, ids in changes.items():
        clocks_changed(actor=actor, source=source, ids=ids)


@transaction.atomic
def clocks_changed(*, actor: Actor, source: str, ids: Iterable[int]) -> None:
    """Something clocks count from or stop at changed on the records ``source``/``ids``:
    bring the clocks it touches, and the nearest deadlines they bear on, up to date.

    ``source`` is what changed ("assignment", "plan", "problem", "measure", "verdict" …);
    each registered subject and holder says which of its records such a change touches.
    Inside :func:`clocks_batch` the change is gathered and synced when the batch ends.
    """
    changed = {int(pk) for pk in ids}
    if not changed:
        return
    pending: dict[str, set[int]] | None = getattr(_batch, "changes", None)
    if pending is not None:
        pending[source] |= changed
        return
    calendar = work_calendar()
    touched: dict[str, set[int]] = defaultdict(set)
    for subject in SUBJECTS.values():
        mapper = subject.depends_on.get(source)
        if mapper is None:
            continue
        subject_ids = set(mapper(changed))
        if subject_ids:
            for holder_type, holder_id in sync(actor, subject, subject_ids, calendar).touched:
                touched[holder_type].add(holder_id)
    for holder in HOLDERS.values():
        mapper = holder.depends_on.get(source)
        if mapper is not None:
            touched[holder.name] |= set(mapper(changed))
    holders_refresh(touched)


# ---------------------------------------------------------------------------------------------
# Pausing, resuming, extending


def _lock(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().select_related("rule").get(pk=clock.pk)


def _resync(actor: Actor, clock: Clock) -> Clock:
    subject = SUBJECTS.get(clock.subject_type)
    if subject is None:
        raise ClockError(_("该时限的对象类型未登记。"))
    touched: dict[str, set[int]] = defaultdict(set)
    touched[clock.holder_type].add(clock.holder_id)
    synced = sync(actor, subject, {clock.subject_id}, work_calendar())
    for holder_type, holder_id in synced.touched:
        touched[holder_type].add(holder_id)
    holders_refresh(touched)
    return Clock.objects.select_related("rule").get(pk=clock.pk)


@transaction.atomic
def clock_pause(*, actor: Actor, clock: Clock, on: dt.date, reason: str) -> Clock:
    """Stop counting from ``on`` (that day is no longer counted) until the clock is resumed.

    Refused for a clock already paused or met, without a reason, and before the clock started.
    """
    clock = _lock(clock)
    if clock.state == ClockState.PAUSED:
        raise ClockError(_("该时限已暂停计时。"))
    if clock.state == ClockState.MET:
        raise ClockError(_("该时限已办结，不能暂停。"))
    if not reason.strip():
        raise ClockError(_("暂停计时须写明理由。"))
    if on <= clock.start:
        raise ClockError(
            _("暂停日须晚于起算日（%(start)s）。") % {"start": clock.start.isoformat()}
        )
    last = clock.pauses.order_by("-start").first()
    if last is not None and last.end is not None and on < last.end:
        raise ClockError(
            _("暂停日不能早于上次恢复计时之日（%(end)s）。") % {"end": last.end.isoformat()}
        )
    pause = ClockPause.objects.create(
        clock=clock, start=on, reason=reason.strip(), paused_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="clock.pause",
        instance=clock,
        before=None,
        after=snapshot(pause),
        scope=clock.holder_scope,
    )
    return _resync(actor, clock)


@transaction.atomic
def clock_resume(*, actor: Actor, clock: Clock, on: dt.date) -> Clock:
    """Count again from ``on`` (that day counts): the days paused are left out of the count."""
    clock = _lock(clock)
    pause = clock.pauses.filter(end__isnull=True).first()
    if pause is None:
        raise ClockError(_("该时限没有暂停计时。"))
    if on < pause.start:
        raise ClockError(
            _("恢复日不能早于暂停日（%(start)s）。") % {"start": pause.start.isoformat()}
        )
    before = snapshot(pause)
    pause.end = on
    pause.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="clock.resume",
        instance=clock,
        before=before,
        after=snapshot(pause),
        scope=clock.holder_scope,
    )
    return _resync(actor, clock)


@transaction.atomic
def clock_extend(
    *,
    actor: Actor,
    clock: Clock,
    rule: ExtensionRule,
    amount: int,
    reason: str,
    approval: models.Model,
) -> Clock:
    """Give a clock more time under ``rule``, on the strength of ``approval`` (the decision that
    granted it), within what the rule allows: its deadline rule, its maximum, its times."""
    clock = _lock(clock)
    if not rule.active or rule.rule_id != clock.rule_id:
        raise ClockError(
            _("“%(rule)s”不适用于“%(clock)s”。") % {"rule": rule.name, "clock": clock.rule.name}
        )
    if clock.state == ClockState.MET:
        raise ClockError(_("该时限已办结，不能延长。"))
    if amount < 1 or amount > rule.amount:
        raise ClockError(
            _("延长期限应在1至%(max)s%(unit)s之间。")
            % {"max": rule.amount, "unit": rule.get_count_unit_display()}
        )
    if not reason.strip():
        raise ClockError(_("延长时限须写明理由。"))
    used = clock.extensions.filter(rule=rule).count()
    if used >= rule.times:
        raise ClockError(
            _("“%(rule)s”最多延长%(times)s次，已用完。") % {"rule": rule.name, "times": rule.times}
        )
    if approval.pk is None:
        raise ClockError(_("延长时限须有批准记录。"))
    extension = ClockExtension.objects.create(
        clock=clock,
        rule=rule,
        amount=amount,
        reason=reason.strip(),
        approved_by=_user(actor),
        approval_type=approval._meta.label_lower,
        approval_id=str(approval.pk),
    )
    audit_record(
        actor=actor,
        action="clock.extend",
        instance=clock,
        before=None,
        after=snapshot(extension),
        scope=clock.holder_scope,
    )
    return _resync(actor, clock)


def _user(actor: Actor) -> Actor:
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def clocks_refresh_all(*, actor: Actor) -> int:
    """Recompute every clock and every nearest deadline; return how many clocks changed.

    For a changed rule, and after upgrading the calendar package (a year it now covers becomes
    authoritative). Safe to run at any time: what did not change is not written.
    """
    calendar = work_calendar()
    changed = 0
    for subject in SUBJECTS.values():
        for chunk in chunks(subject_ids(subject)):
            changed += sync(actor, subject, set(chunk), calendar).changed
    for holder in HOLDERS.values():
        ids = holder.model._default_manager.values_list("pk", flat=True)
        for chunk in chunks(sorted(ids)):
            write_summaries(holder, summaries_for(holder, chunk, stored_candidates))
    return changed


@transaction.atomic
def clocks_refresh_for_year(*, actor: Actor, year: int) -> int:
    """Recompute the clocks whose count ran through ``year``; return how many changed.

    Called whenever that year's holiday schedule is entered, edited or removed.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Clock.objects.filter(start__lte=last)
        .exclude(due__lt=first)
        .order_by()
        .values_list("subject_type", "subject_id")
        .distinct()
    )
    by_subject: dict[str, set[int]] = defaultdict(set)
    for subject_type, subject_id in rows:
        by_subject[subject_type].add(subject_id)
    calendar = work_calendar()
    touched: dict[str, set[int]] = defaultdict(set)
    changed = 0
    for name, ids in by_subject.items():
        subject = SUBJECTS.get(name)
        if subject is None:
            continue
        for chunk in chunks(sorted(ids)):
            synced = sync(actor, subject, set(chunk), calendar)
            changed += synced.changed
            for holder_type, holder_id in synced.touched:
                touched[holder_type].add(holder_id)
    holders_refresh(touched)
    return changed


__all__ = [
    "ClockError",
    "clock_extend",
    "clock_pause",
    "clock_resume",
    "clocks_changed",
    "clocks_refresh_all",
    "clocks_refresh_for_year",
]
