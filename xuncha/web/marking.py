"""Safe HTML for a measure's text with its counted figures (整改成效) marked in place.

The text comes from users and imported files, so every character outside the marks is escaped;
the marks themselves are built with ``format_html``. Figures are located by their character
span in the text, as the quantity finder reported it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from xuncha.findings.models import OutcomeKind, Qualifier


@dataclass(frozen=True)
class Span:
    """A stretch of text ``[start, end)`` to wrap in a ``<mark>`` with a class and a tooltip."""

    start: int
    end: int
    css_class: str
    title: str


def mark_spans(text: str, spans: Iterable[Span]) -> SafeString:
    """Escape ``text`` and wrap each span in ``<mark>``.

    Marks never nest: a span that overlaps one already marked (earlier start, or the same start
    and longer) is left unmarked, since one figure cannot sit inside another in valid markup.
    Spans outside the text are clipped; empty ones are ignored. Adjacent spans stay separate.
    """
    pieces: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda item: (item.start, -item.end)):
        start = max(span.start, 0)
        end = min(span.end, len(text))
        if start < cursor or end <= start:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(
            format_html(
                '<mark class="{}" title="{}">{}</mark>', span.css_class, span.title, text[start:end]
            )
        )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def qualifier_label(qualifier: str | None) -> str:
    """The Chinese label of a qualifier code (近, 余 …), or the code itself when unknown."""
    if not qualifier:
        return ""
    try:
        return str(Qualifier(qualifier).label)
    except ValueError:
        return qualifier


def kind_label(kind: str) -> str:
    """The Chinese label of an outcome kind (数量, 金额 …), or the code itself when unknown."""
    try:
        return str(OutcomeKind(kind).label)
    except ValueError:
        return kind


def outcome_title(outcome: Any) -> str:
    """The tooltip of a marked figure: "subject: value unit qualifier"."""
    figure = " ".join(
        part
        for part in (str(outcome.value), outcome.unit or "", qualifier_label(outcome.qualifier))
        if part
    )
    return f"{outcome.subject}: {figure}" if outcome.subject else figure


def outcome_spans(outcomes: Iterable[Any]) -> list[Span]:
    """Spans for stored outcomes or freshly found quantities (both have kind/start/end …)."""
    return [
        Span(
            start=outcome.start,
            end=outcome.end,
            css_class=f"outcome outcome-{outcome.kind}",
            title=outcome_title(outcome),
        )
        for outcome in outcomes
    ]


def mark_outcomes(text: str, outcomes: Iterable[Any]) -> SafeString:
    """The text as safe HTML with every outcome's figure marked."""
    return mark_spans(text, outcome_spans(outcomes))
