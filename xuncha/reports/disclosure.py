"""Disclosure (公开) of a publication: its items, each public or withheld, the names masked
in the public text, and the reads of the public pages and the static export.

The items are read from the draft's wording whenever it is written (drafting, editing,
refreshing), so the office edits one text and decides item by item; a decision stays with the
item of the same kind, unit and title. The public text is built from the public items with
the chosen names masked, and frozen into ``Publication.public_text`` at publishing. Every
decision is one transaction with its audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import TransitionRefused
from xuncha.findings.models import Problem
from xuncha.findings.services import EditRefused
from xuncha.reports.models import (
    ItemKind,
    Publication,
    PublicationItem,
    PublicationKind,
    PublicationStatus,
    WithheldReason,
)
from xuncha.reports.workflow import publication_scope
from xuncha.rounds.models import Round
from xuncha.text.names import FoundName, apply_redactions, find_names, mask_name
from xuncha.text.render import is_label_line, looks_like_unit_name

ITEM_FIELDS = ["kind", "unit_name", "title", "withheld_reason", "withheld_note"]


class DisclosureError(ValueError):
    """A disclosure decision refused; the message says what to correct."""


# ---------------------------------------------------------------------------------------------
# Reading the items of a text (pure)


@dataclass(frozen=True)
class SplitItem:
    """One item as read from a publication's text."""

    kind: str
    unit_name: str
    title: str
    text: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.unit_name, self.title)


def split_items(kind: str, text: str) -> list[SplitItem]:
    """The items of a publication's text: a notice is one; a digest is read line by line
    into its opening, unit lines, problems (the 问题 line and what follows up to the next
    problem or unit) and a closing bracketed byline. Lines before the first unit and lines
    that fit nowhere stay with the opening or the problem they follow."""
    if kind == PublicationKind.NOTICE:
        return [SplitItem(ItemKind.NOTICE, "", "", text.strip())] if text.strip() else []
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    closing = ""
    if len(lines) > 1 and lines[-1][:1] in "(（" and lines[-1][-1:] in ")）":
        closing = lines.pop()
    items: list[SplitItem] = []
    opening: list[str] = []
    unit = ""
    current: list[str] | None = None
    title = ""

    def close_problem() -> None:
        nonlocal current
        if current is not None:
            items.append(SplitItem(ItemKind.PROBLEM, unit, title, "\n\n".join(current)))
        current = None

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if looks_like_unit_name(line, following=following):
            close_problem()
            unit = line
            items.append(SplitItem(ItemKind.UNIT, unit, "", line))
        elif is_label_line(line) == "问题":
            close_problem()
            title = line[2:].lstrip(":： ").strip()
            current = [line]
        elif current is not None:
            current.append(line)
        else:
            opening.append(line)
    close_problem()
    if opening:
        items.insert(0, SplitItem(ItemKind.INTRODUCTION, "", "", "\n\n".join(opening)))
    if closing:
        items.append(SplitItem(ItemKind.CLOSING, "", "", closing))
    return items


def public_text_of(items: list[tuple[SplitItem, bool]], redactions: list[dict[str, Any]]) -> str:
    """The public text from the items with their decisions (True: public): a unit appears
    only when it is public and one of its problems is; the chosen spans are masked."""
    kept: list[str] = []
    pending_unit: str | None = None
    unit_public = True
    for item, public in items:
        if item.kind == ItemKind.UNIT:
            pending_unit, unit_public = (item.text if public else None), public
            continue
        if item.kind == ItemKind.PROBLEM:
            if not (public and unit_public):
                continue
            if pending_unit is not None:
                kept.append(pending_unit)
                pending_unit = None
        elif not public:
            continue
        kept.append(item.text)
    masks = {entry["text"]: entry.get("mask") or mask_name(entry["text"]) for entry in redactions}
    return apply_redactions("\n\n".join(kept), masks, masks)


# ---------------------------------------------------------------------------------------------
# Writing items and decisions


def _require_office(actor: Actor) -> None:
    if actor is not None and not has_role(actor, Role.OFFICE):
        raise EditRefused(_("只有巡察办可以决定公开事项。"))


def _require_draft(publication: Publication) -> None:
    if publication.status != PublicationStatus.DRAFT:
        raise TransitionRefused(
            _("“%(title)s”当前为“%(status)s”，公开事项和隐名处理只能在草稿中修改。")
            % {"title": publication.title, "status": publication.get_status_display()}
        )


def _problem_for(round_: Round, unit_name: str, title: str) -> Problem | None:
    if not title:
        return None
    return (
        Problem.objects.filter(
            assignment__round=round_, assignment__unit__name=unit_name, title=title
        )
        .order_by("id")
        .first()
    )


def items_sync(publication: Publication) -> list[PublicationItem]:
    """Read the items of the draft's text again, keeping each decision on the item of the same
    kind, unit and title. Called by the services that write the wording, inside their
    transaction (the wording's own audit row covers it)."""
    decided = {
        (item.kind, item.unit_name, item.title): item
        for item in publication.items.all()
        if item.withheld_reason
    }
    publication.items.all().delete()
    rows = []
    for order, split in enumerate(split_items(publication.kind, publication.draft_text), 1):
        earlier = decided.get(split.key)
        rows.append(
            PublicationItem(
                publication=publication,
                order=order,
                kind=split.kind,
                unit_name=split.unit_name[:200],
                title=split.title[:500],
                problem=_problem_for(publication.round, split.unit_name, split.title),
                text=split.text,
                withheld_reason=earlier.withheld_reason if earlier else "",
                withheld_note=earlier.withheld_note if earlier else "",
            )
        )
    return PublicationItem.objects.bulk_create(rows)


@transaction.atomic
def publication_item_decide(
    *, actor: Actor, item: PublicationItem, withheld_reason: str = "", note: str = ""
) -> PublicationItem:
    """Decide one item: public (no reason), or withheld for 涉密, 正在查办, 敏感 or 其他
    (其他 needs a note saying why). Only while the publication is a draft."""
    _require_office(actor)
    publication = Publication.objects.select_for_update().get(pk=item.publication_id)
    _require_draft(publication)
    item = PublicationItem.objects.get(pk=item.pk)
    if not item.decidable:
        raise DisclosureError(_("导语和署名随稿件一并公开，不单独决定。"))
    if withheld_reason and withheld_reason not in WithheldReason.values:
        raise DisclosureError(_("不予公开的理由须为涉密、正在查办、敏感或其他。"))
    note = note.strip()
    if withheld_reason == WithheldReason.OTHER and not note:
        raise DisclosureError(_("选择“其他”时须写明不予公开的理由。"))
    if not withheld_reason:
        note = ""
    if (item.withheld_reason, item.withheld_note) == (withheld_reason, note):
        return item
    before = snapshot(item, ITEM_FIELDS)
    item.withheld_reason, item.withheld_note = withheld_reason, note
    item.save(update_fields=["withheld_reason", "withheld_note"])
    audit_record(
        actor=actor,
        action="publication.item_decide",
        instance=item,
        before=before,
        after=snapshot(item, ITEM_FIELDS),
        scope=publication_scope(publication),
    )
    return item


def name_candidates(publication: Publication) -> list[FoundName]:
    """The names found in the draft's text, each name once, in order of first appearance."""
    seen: dict[str, FoundName] = {}
    for name in find_names(publication.draft_text):
        seen.setdefault(name.text, name)
    return list(seen.values())


@transaction.atomic
def publication_redactions_set(
    *, actor: Actor, publication: Publication, chosen: list[str], added: list[str]
) -> Publication:
    """Set the spans masked in the public text: ``chosen`` among the names found (a name
    not found in the draft is refused), ``added`` spans of the office's own, each of which
    must stand in the draft. The draft keeps the original wording. Audited before and after."""
    _require_office(actor)
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    _require_draft(locked)
    found = {name.text: name for name in name_candidates(locked) if not name.masked}
    entries: list[dict[str, Any]] = []
    for text in dict.fromkeys(span.strip() for span in chosen if span.strip()):
        if text not in found:
            raise DisclosureError(_("“%(name)s”不是稿件中找到的人名。") % {"name": text})
        entries.append({"text": text, "mask": found[text].mask, "found": True})
    for text in dict.fromkeys(span.strip() for span in added if span.strip()):
        if text in found and text in chosen:
            continue
        if text not in locked.draft_text:
            raise DisclosureError(_("稿件中没有“%(span)s”，无法隐名。") % {"span": text})
        entries.append({"text": text, "mask": mask_name(text), "found": False})
    if entries == locked.redactions:
        return locked
    before = snapshot(locked, ["redactions"])
    locked.redactions = entries
    locked.save(update_fields=["redactions", "updated_at"])
    audit_record(
        actor=actor,
        action="publication.redact",
        instance=locked,
        before=before,
        after=snapshot(locked, ["redactions"]),
        scope=publication_scope(locked),
    )
    return locked


@transaction.atomic
def publication_disclosure_save(
    *,
    actor: Actor,
    publication: Publication,
    decisions: dict[int, tuple[str, str]],
    chosen: list[str],
    added: list[str],
) -> Publication:
    """Save a draft's disclosure page at once: each item's decision (item id → reason and
    note, no reason for public) and the redactions; all or nothing, each change audited."""
    _require_office(actor)
    items = {item.pk: item for item in publication.items.all()}
    for pk, (reason, note) in decisions.items():
        item = items.get(pk)
        if item is None:
            raise DisclosureError(_("稿件已重新生成，请刷新页面后重新选择。"))
        if item.decidable:
            publication_item_decide(actor=actor, item=item, withheld_reason=reason, note=note)
    return publication_redactions_set(
        actor=actor, publication=publication, chosen=chosen, added=added
    )


def public_text_for(publication: Publication) -> str:
    """The public text as it would be published now (the draft's items and decisions)."""
    items = list(publication.items.order_by("order"))
    pairs = [
        (SplitItem(item.kind, item.unit_name, item.title, item.text), item.is_public)
        for item in items
    ]
    return public_text_of(pairs, list(publication.redactions))


# ---------------------------------------------------------------------------------------------
# The public pages' reads


def public_publications(round_: Round | None = None) -> QuerySet[Publication]:
    """Published, not withdrawn, with a public text: what anyone may read, newest first."""
    publications = (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED)
        .exclude(public_text="")
        .select_related("round")
        .order_by("-published_at", "-id")
    )
    if round_ is not None:
        publications = publications.filter(round=round_)
    return publications


def public_rounds() -> QuerySet[Round]:
    """The rounds with a public notice: the ones with a progress page."""
    notices = public_publications().filter(kind=PublicationKind.NOTICE)
    return Round.objects.filter(pk__in=notices.values("round_id")).order_by("-id")


@dataclass(frozen=True)
class ProgressRow:
    """One public notice's frozen figures, as the round's progress page lists them."""

    publication: Publication
    totals: dict[str, Any]
    rate: str


def round_progress(round_: Round) -> list[ProgressRow]:
    """The frozen figures of the round's public notices, newest first."""
    rows = []
    for publication in public_publications(round_).filter(kind=PublicationKind.NOTICE):
        totals = dict(publication.figures.get("totals") or {})
        fed_back, closed = int(totals.get("fed_back") or 0), int(totals.get("closed") or 0)
        rate = f"{closed * 100 / fed_back:.2f}%" if fed_back else "—"
        rows.append(ProgressRow(publication, totals, rate))
    return rows


@dataclass(frozen=True)
class PublicLinks:
    """Where the public pages link to: the site's URLs, or the files of a static export."""

    index: str
    publication: Callable[[Publication], str]
    round: Callable[[Round], str]
    stylesheet: str


def _paragraphs(text: str) -> list[str]:
    return [piece.strip() for piece in text.split("\n") if piece.strip()]


def public_index_context(links: PublicLinks, round_: Round | None = None) -> dict[str, Any]:
    """What the public index shows: the public publications (of one round, for an export of
    one round) and the rounds with a progress page, each with its link."""
    publications = list(public_publications(round_))
    rounds = list(public_rounds())
    if round_ is not None:
        rounds = [found for found in rounds if found.pk == round_.pk]
    return {
        "publications": [
            (publication, links.publication(publication)) for publication in publications
        ],
        "rounds": [(found, links.round(found)) for found in rounds],
        "links": links,
    }


def public_publication_context(publication: Publication, links: PublicLinks) -> dict[str, Any]:
    """One public publication: its public text by paragraph, "as of" its publishing, a
    notice's frozen totals, and the link to its round's progress."""
    has_progress = publication.kind == PublicationKind.NOTICE
    return {
        "publication": publication,
        "paragraphs": _paragraphs(publication.public_text),
        "totals": publication.figures.get("totals") if has_progress else None,
        "round_link": links.round(publication.round) if has_progress else "",
        "links": links,
    }


def public_round_context(round_: Round, links: PublicLinks) -> dict[str, Any]:
    """A round's published progress: the frozen figures of its public notices."""
    return {
        "round": round_,
        "rows": [(row, links.publication(row.publication)) for row in round_progress(round_)],
        "links": links,
    }


__all__ = [
    "DisclosureError",
    "ProgressRow",
    "PublicLinks",
    "SplitItem",
    "items_sync",
    "name_candidates",
    "public_index_context",
    "public_publication_context",
    "public_publications",
    "public_round_context",
    "public_rounds",
    "public_text_for",
    "public_text_of",
    "publication_disclosure_save",
    "publication_item_decide",
    "publication_redactions_set",
    "round_progress",
    "split_items",
]
