"""What runs on the clocks, registered by the apps that own it; this app imports none of them.

A **subject** is a kind of record rules run on (a measure, a unit's plan, a verdict …). It says
which clocks should exist today and whether each is met (``wanted``), from its own data, and
which of its records a change elsewhere touches (``depends_on``: a changed assignment touches
the plan of that unit). A **holder** is a kind of record that stores its nearest open deadline
(:class:`~xuncha.clocks.models.ClockHolder`): a problem gathers its measures' clocks, its
verdicts' and the clocks of its unit in the round (``parents``).

Apps register in their ``AppConfig.ready``; the engine (``clocks.services``) does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

from xuncha.clocks.models import ClockHolder, DeadlineRule

Text = str | Promise
Ids = Collection[int]
Mapper = Callable[[Ids], Iterable[int]]


@dataclass(frozen=True)
class Wanted:
    """A clock that should exist as its subject's data stands: its rule, when it starts, the
    record it bears on (holder type and id), and whether its subject already did what was due.

    ``due`` is a date someone with the authority set in place of the rule's count (the office
    returning a report sets when it is due again); pauses and extensions then do not apply."""

    rule: DeadlineRule
    subject_id: int
    start: dt.date
    holder: tuple[str, int]
    met: bool = False
    due: dt.date | None = None


@dataclass(frozen=True)
class Subject:
    """A kind of record with deadlines.

    ``anchors`` are the dates its rules may count from ({code: label}). ``wanted(rules, ids)``
    yields the clocks those rules want on the records ``ids`` (every record when ``ids`` is
    None). ``depends_on`` maps the name of something that changed ("assignment", "problem" …)
    to the ids of this subject's records it touches.
    """

    name: str
    label: Text
    anchors: Mapping[str, Text]
    wanted: Callable[[Sequence[DeadlineRule], Ids | None], Iterable[Wanted]]
    depends_on: Mapping[str, Mapper] = field(default_factory=dict)
    describe: Callable[[Ids], Mapping[int, str]] | None = None
    """A short name for each record (a measure's first words), for reminders and pages."""
    on_problems: bool = True
    """Whether its clocks bear on problems, so that the ledger filters by it (a petition's do
    not)."""


@dataclass(frozen=True)
class Holder:
    """A kind of record that stores its nearest open deadline.

    ``open_ids(ids)`` are those of ``ids`` still open (a closed problem has no deadline);
    ``parents(ids)`` gives, per record, the holders above it whose clocks bear on it too (a
    problem's unit in the round); ``children`` maps a parent type to the records under given
    parents; ``depends_on`` maps what changed to the records whose openness it may change.
    """

    name: str
    model: type[ClockHolder]
    open_ids: Callable[[Ids], set[int]]
    parents: Callable[[Ids], Mapping[int, Sequence[tuple[str, int]]]]
    children: Mapping[str, Mapper] = field(default_factory=dict)
    depends_on: Mapping[str, Mapper] = field(default_factory=dict)


SUBJECTS: dict[str, Subject] = {}
HOLDERS: dict[str, Holder] = {}


def register_subject(subject: Subject) -> None:
    SUBJECTS[subject.name] = subject


def register_holder(holder: Holder) -> None:
    HOLDERS[holder.name] = holder


def subject_named(name: str) -> Subject | None:
    return SUBJECTS.get(name)


def subject_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered subject, for a rule's form."""
    return [(subject.name, str(subject.label)) for subject in SUBJECTS.values()]


def problem_subject_choices() -> list[tuple[str, str]]:
    """(name, label) of the subjects whose clocks bear on problems, for the ledger's filter."""
    return [
        (subject.name, str(subject.label)) for subject in SUBJECTS.values() if subject.on_problems
    ]


def anchor_choices(subject: str) -> list[tuple[str, str]]:
    found = SUBJECTS.get(subject)
    return [(code, str(label)) for code, label in (found.anchors.items() if found else ())]


def same(ids: Ids) -> Iterable[int]:
    """A change to a record touches that record (for ``depends_on``)."""
    return ids


def kind_label(name: str) -> str:
    found = SUBJECTS.get(name)
    return str(found.label) if found else name


__all__ = [
    "HOLDERS",
    "SUBJECTS",
    "Holder",
    "Subject",
    "Wanted",
    "anchor_choices",
    "kind_label",
    "problem_subject_choices",
    "register_holder",
    "register_subject",
    "same",
    "subject_choices",
    "subject_named",
]
