"""A workflow is data: a table of moves, and the one engine that lists and applies them.

Each model with a status declares one :class:`Workflow`: its moves (from, move, to, who may,
guards), how to find the parts a person plays for a record, and the scope its history is
gathered under. :meth:`Workflow.apply` is the only code in xuncha that changes a status: it
refuses an illegal move with its message, sets the status, writes the history row
(:class:`~xuncha.core.models.StatusChange`) and the audit row, runs the workflow's own effects in
the same transaction and tells listeners (:data:`status_changed`). :meth:`Workflow.moves` lists
what a given person may do now, each move available or not and why, so that pages draw their
buttons from the same table the engine enforces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeGuard, TypeVar

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, to_json_value
from xuncha.core.models import StatusChange
from xuncha.core.permissions import SYSTEM, Actor

Subject = TypeVar("Subject", bound=models.Model)
Text = str | Promise

VISITING_GROUP = "visiting_group"
"""The part of a follow-up visit's group when it rules on a problem (回访认定). Nobody holds it
from their roles: a service that has checked the visit's membership vouches for it, so a
verdict's move cannot be made without a recorded visit."""

status_changed = Signal()
"""Sent inside the transaction after every move. Arguments: ``workflow`` (its name),
``subject``, ``move``, ``actor``, ``change`` (the history row). Receivers that mail or do other
outward things defer them with ``transaction.on_commit``."""


class TransitionRefused(Exception):
    """A move the workflow does not allow now, with a message for the user."""


@dataclass(frozen=True)
class Situation:
    """Who asks to move and in what part: the actor, the parts they play for this very record,
    and what the calling service vouched for (the visit a verdict is made at, say)."""

    actor: Actor
    roles: frozenset[str]
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_system(self) -> bool:
        return SYSTEM in self.roles


@dataclass(frozen=True)
class Guard:
    """A condition a move needs beyond its status and roles, with the message when it fails.

    ``holds`` answers for one record in one situation; ``values`` fills the message's
    placeholders from the record (``%(status)s`` …).
    """

    name: str
    message: Text
    holds: Callable[[Any, Situation], bool]
    values: Callable[[Any], Mapping[str, Any]] | None = None

    def refusal(self, subject: Any, situation: Situation) -> str:
        """The message when the guard fails for ``subject``, else an empty string."""
        if self.holds(subject, situation):
            return ""
        text = str(self.message)
        return text % dict(self.values(subject)) if self.values else text


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table: from which statuses, the move, to which status, who may
    make it, the guards it needs and whether it needs a reason.

    ``confirm`` says what the move will do, for a move that cannot be taken back or that
    reaches people outside the record (asking for closing, closing, publishing): a page asks
    the user to confirm it in these words before the move is made.
    """

    move: str
    sources: frozenset[str]
    target: str
    label: Text
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    reason_required: bool = False
    confirm: Text = ""

    def allows_role(self, roles: frozenset[str]) -> bool:
        return SYSTEM in roles or not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class Move:
    """A move a person's part allows from where the record stands: available, or why not."""

    transition: Transition
    refusal: str = ""

    @property
    def available(self) -> bool:
        return not self.refusal

    @property
    def name(self) -> str:
        return self.transition.move

    @property
    def label(self) -> str:
        return str(self.transition.label)

    @property
    def reason_required(self) -> bool:
        return self.transition.reason_required

    @property
    def confirm(self) -> str:
        """What the move will do, to be confirmed first (empty: no confirmation)."""
        return str(self.transition.confirm)


@dataclass(frozen=True)
class Applied:
    """What a move did, for the workflow's effects: the record as it now stands, the row of
    the table, the history row and the situation it was made in."""

    workflow: Workflow[Any]
    subject: Any
    transition: Transition
    change: StatusChange
    situation: Situation
    before: str


RolesOf = Callable[[Actor, Any, Mapping[str, Any]], frozenset[str]]

WORKFLOWS: dict[str, Workflow[Any]] = {}
"""Every workflow by name, for reading history rows (which name their workflow)."""


class Workflow(Generic[Subject]):
    """The table of one model's status and the engine over it.

    ``roles_of(actor, record, context)`` gives the parts an actor plays for one record (the
    office, the unit's liaison, its group …); ``None`` as the actor is the system. ``scope``
    names the history a record's moves belong to. ``lock`` reads the record again under a lock
    (by default the record alone, with ``related`` joined). ``after`` are the workflow's own
    effects (recomputing clocks, starting what a move starts), run in the move's transaction.
    """

    def __init__(
        self,
        *,
        name: str,
        model: type[Subject],
        statuses: type[models.TextChoices],
        transitions: Iterable[Transition],
        roles_of: RolesOf,
        scope: Callable[[Subject], str],
        related: tuple[str, ...] = (),
        lock: Callable[[Subject], Subject] | None = None,
        after: tuple[Callable[[Applied], None], ...] = (),
        status_field: str = "status",
    ) -> None:
        self.name = name
        self.model = model
        self.statuses = statuses
        self.transitions = tuple(transitions)
        self.table = {transition.move: transition for transition in self.transitions}
        if len(self.table) != len(self.transitions):
            raise ValueError(f"workflow {name} names a move twice")
        self.roles_of = roles_of
        self.scope = scope
        self.related = related
        self._lock = lock
        self.after = after
        self.status_field = status_field
        WORKFLOWS[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    # ------------------------------------------------------------------ reading the table

    def status_label(self, value: str) -> str:
        return str(dict(self.statuses.choices).get(value, value))

    def move_label(self, move: str) -> str:
        transition = self.table.get(move)
        return str(transition.label) if transition else move

    def situation(
        self, subject: Subject, actor: Actor, context: Mapping[str, Any] | None = None
    ) -> Situation:
        context = dict(context or {})
        roles = frozenset({SYSTEM}) if actor is None else self.roles_of(actor, subject, context)
        return Situation(actor, roles, context)

    def refusal(
        self,
        subject: Subject,
        move: str,
        actor: Actor,
        *,
        reason: str = "",
        context: Mapping[str, Any] | None = None,
    ) -> str:
        """Why ``actor`` may not make ``move`` on ``subject`` now, or an empty string.

        In order: an unknown move, a part that may not make it, a status it does not leave
        from, a guard that fails, a missing reason.
        """
        transition = self.table.get(move)
        if transition is None:
            return _("没有名为“%(name)s”的操作。") % {"name": move}
        return self._refusal(transition, subject, self.situation(subject, actor, context), reason)

    def _refusal(
        self, transition: Transition, subject: Subject, situation: Situation, reason: str | None
    ) -> str:
        if not transition.allows_role(situation.roles):
            return _("您没有权限执行“%(action)s”。") % {"action": transition.label}
        current = getattr(subject, self.status_field)
        if current not in transition.sources:
            return _("当前状态为“%(status)s”，不能执行“%(action)s”。") % {
                "status": self.status_label(current),
                "action": transition.label,
            }
        for guard in transition.guards:
            message = guard.refusal(subject, situation)
            if message:
                return message
        if reason is not None and transition.reason_required and not reason.strip():
            return _("“%(action)s”须填写理由。") % {"action": transition.label}
        return ""

    def moves(
        self, subject: Subject, actor: Actor, context: Mapping[str, Any] | None = None
    ) -> list[Move]:
        """The moves ``actor``'s part allows from the record's status, in the table's order,
        each available or with the reason it is not (a guard's message)."""
        situation = self.situation(subject, actor, context)
        current = getattr(subject, self.status_field)
        return [
            Move(transition, self._refusal(transition, subject, situation, None))
            for transition in self.transitions
            if transition.allows_role(situation.roles) and current in transition.sources
        ]

    # ------------------------------------------------------------------ applying a move

    def lock(self, subject: Subject) -> Subject:
        """The record again, locked for the move's transaction."""
        if self._lock is not None:
            return self._lock(subject)
        manager = self.model._default_manager
        return (
            manager.select_for_update(of=("self",)).select_related(*self.related).get(pk=subject.pk)
        )

    @transaction.atomic
    def apply(
        self,
        subject: Subject,
        move: str,
        *,
        actor: Actor,
        reason: str = "",
        context: Mapping[str, Any] | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> Subject:
        """Make ``move`` on ``subject`` or refuse it with :class:`TransitionRefused`.

        The record is locked and read again, so the checks see what is stored. ``changes``
        are other fields the move sets with the status (a publication's published text, a
        visit's record); they are saved, and audited, with it. Returns the record as it now
        stands.
        """
        locked = self.lock(subject)
        transition = self.table.get(move)
        if transition is None:
            raise TransitionRefused(_("没有名为“%(name)s”的操作。") % {"name": move})
        situation = self.situation(locked, actor, context)
        refusal = self._refusal(transition, locked, situation, reason)
        if refusal:
            raise TransitionRefused(refusal)
        before = getattr(locked, self.status_field)
        changed = dict(changes or {})
        old = {name: to_json_value(getattr(locked, _attname(locked, name))) for name in changed}
        for name, value in changed.items():
            setattr(locked, name, value)
        setattr(locked, self.status_field, transition.target)
        update = [self.status_field, *changed]
        for bookkeeping in ("version", "updated_at"):
            if _has_field(locked, bookkeeping):
                update.append(bookkeeping)
        if _versioned(locked):
            locked.version += 1
        locked.save(update_fields=update)
        user = actor if actor is not None and actor.is_authenticated else None
        scope = self.scope(locked)
        change = StatusChange.objects.create(
            workflow=self.name,
            subject_id=locked.pk,
            scope=scope,
            move=transition.move,
            from_status=before,
            to_status=transition.target,
            actor=user,
            reason=reason,
        )
        after = {name: getattr(locked, _attname(locked, name)) for name in changed}
        self._audit(actor, locked, transition, change, {"status": before, **old}, reason, after)
        applied = Applied(self, locked, transition, change, situation, before)
        for effect in self.after:
            effect(applied)
        self._tell(actor, locked, transition, change)
        return locked

    def apply_many(
        self,
        subjects: Sequence[Subject],
        move: str,
        *,
        actor: Actor,
        reason: str = "",
        batch_size: int = 500,
    ) -> list[StatusChange]:
        """Make ``move`` on many records one writer has just created in its own transaction
        (an import), in bulk: the same status, version, history, audit rows and signals as
        :meth:`apply` on each, saved with bulk statements.

        The move is checked against each record's status, and the actor's part on the first
        record (the records of one import stand alike); the guards and the locks of a single
        move are not needed for records no one else can see yet. The workflow's after-effects
        (:attr:`after`: clocks, a parent's version) are the caller's to make in bulk.
        """
        transition = self.table.get(move)
        if transition is None:
            raise TransitionRefused(_("没有名为“%(name)s”的操作。") % {"name": move})
        if not subjects:
            return []
        situation = self.situation(subjects[0], actor, None)
        if not transition.allows_role(situation.roles):
            raise TransitionRefused(
                _("您没有权限执行“%(action)s”。") % {"action": transition.label}
            )
        now = timezone.now()
        befores = []
        for subject in subjects:
            before = getattr(subject, self.status_field)
            if before not in transition.sources:
                raise TransitionRefused(
                    _("当前状态为“%(status)s”，不能执行“%(action)s”。")
                    % {"status": self.status_label(before), "action": transition.label}
                )
            befores.append(before)
            setattr(subject, self.status_field, transition.target)
            if _versioned(subject):
                subject.version += 1
            if _has_field(subject, "updated_at"):
                setattr(subject, "updated_at", now)  # noqa: B010 (not every model has it)
        # Every record moves to the same status (and one version up): one UPDATE a batch.
        values: dict[str, Any] = {self.status_field: transition.target}
        if _has_field(subjects[0], "version"):
            values["version"] = models.F("version") + 1
        if _has_field(subjects[0], "updated_at"):
            values["updated_at"] = now
        manager = self.model._default_manager
        for start in range(0, len(subjects), batch_size):
            batch = [subject.pk for subject in subjects[start : start + batch_size]]
            manager.filter(pk__in=batch).update(**values)
        user = actor if actor is not None and actor.is_authenticated else None
        changes = StatusChange.objects.bulk_create(
            [
                StatusChange(
                    workflow=self.name,
                    subject_id=subject.pk,
                    scope=self.scope(subject),
                    move=transition.move,
                    from_status=before,
                    to_status=transition.target,
                    actor=user,
                    reason=reason,
                    at=now,
                )
                for subject, before in zip(subjects, befores, strict=True)
            ],
            batch_size=batch_size,
        )
        for subject, before, change in zip(subjects, befores, changes, strict=True):
            self._audit(actor, subject, transition, change, {"status": before}, reason, {})
            self._tell(actor, subject, transition, change)
        return changes

    def _audit(
        self,
        actor: Actor,
        subject: Subject,
        transition: Transition,
        change: StatusChange,
        before: dict[str, Any],
        reason: str,
        changed: dict[str, Any],
    ) -> None:
        """The move's audit row: the status before and after, the reason, other fields set."""
        audit_record(
            actor=actor,
            action=f"{self.name}.{transition.move}",
            instance=subject,
            before=before,
            after={"status": transition.target, "reason": reason, **changed},
            scope=change.scope,
        )

    def _tell(
        self, actor: Actor, subject: Subject, transition: Transition, change: StatusChange
    ) -> None:
        """Tell the listeners of :data:`status_changed` (notifications) of the move."""
        status_changed.send(
            sender=self.model,
            workflow=self.name,
            subject=subject,
            move=transition.move,
            actor=actor,
            change=change,
        )


def _has_field(instance: models.Model, name: str) -> bool:
    return any(f.name == name for f in instance._meta.concrete_fields)


class Versioned(Protocol):
    """A record that counts its changes, so that an edit begun before another is refused."""

    version: int


def _versioned(instance: models.Model) -> TypeGuard[Versioned]:
    return _has_field(instance, "version")


def _attname(instance: models.Model, name: str) -> str:
    """A foreign key is audited by its id (``published_by`` → ``published_by_id``)."""
    for f in instance._meta.concrete_fields:
        if f.name == name:
            return f.attname
    return name


def workflow_named(name: str) -> Workflow[Any] | None:
    """The workflow a history row names (None for one no longer defined)."""
    return WORKFLOWS.get(name)


def reached(*names: str) -> frozenset[str]:
    """A set of statuses or roles, written as a table's row reads."""
    return frozenset(names)


__all__ = [
    "VISITING_GROUP",
    "WORKFLOWS",
    "Applied",
    "Guard",
    "Move",
    "Situation",
    "Transition",
    "TransitionRefused",
    "Workflow",
    "reached",
    "status_changed",
    "workflow_named",
]
