"""Writes of publications: drafting a digest or a notice, editing, refreshing, approving,
publishing, withdrawing (the disclosure decisions are ``reports.disclosure``'s).

The office drafts, edits, approves (another office user: four eyes), publishes and withdraws;
each service is one transaction with its audit row.
Drafts are written from the data as it is (the ledger's measures, the database's totals) and
only from what the drafting user may see. Publishing freezes the text: ``published_text`` is
never written again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_head_text, audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import TransitionRefused
from xuncha.digests.services import digest_problems_prefetch, digest_unit
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.followups.models import Batch, FollowUpKind, Visit, VisitStatus
from xuncha.reports.disclosure import items_sync, public_text_for
from xuncha.reports.models import Publication, PublicationKind, PublicationStatus
from xuncha.reports.numbering import document_number_assign
from xuncha.reports.selectors import (
    ComposedNotice,
    Scope,
    followup_label,
    notice_compose,
    round_label,
    visible_problems,
)
from xuncha.reports.workflow import PUBLICATION, publication_scope
from xuncha.rounds.models import Group, Round, Unit
from xuncha.text.notice import NoticeTotals
from xuncha.text.render import Digest, DigestMeasure, DigestProblem, DigestUnit, render_digest

AUDITED_FIELDS = [
    "kind",
    "round",
    "batch",
    "group",
    "unit",
    "title",
    "draft_text",
    "status",
    "published_text",
    "published_at",
    "published_by",
    "figures",
    "public_text",
    "redactions",
    "audit_head",
    "edited_by",
    "version",
]
# Written where a problem has no measure recorded yet, so the office sees the gap in the draft.
NO_MEASURE = "（尚未录入整改措施）"


class PublicationError(ValueError):
    """Input a publication service refuses; the message says what to correct."""


class FiguresChanged(PublicationError):
    """The data changed since the notice was drafted: its figures would no longer be true."""


def _require_office(actor: Actor, what: str) -> None:
    """Refuse anyone but the inspection office (and the system, ``None``)."""
    if actor is not None and not has_role(actor, Role.OFFICE):
        raise EditRefused(_("只有巡察办可以%(what)s。") % {"what": what})


def _user(actor: Actor) -> Actor:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(publication: Publication, expected_version: int | None) -> Publication:
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(
            _("该稿件已被他人修改（版本 %(now)s，您编辑时为 %(then)s），请刷新后重新编辑。")
            % {"now": locked.version, "then": expected_version}
        )
    return locked


def _require_draft(publication: Publication, what: str) -> None:
    if publication.status != PublicationStatus.DRAFT:
        raise TransitionRefused(
            _("“%(title)s”当前为“%(status)s”，不能再%(what)s。")
            % {
                "title": publication.title,
                "status": publication.get_status_display(),
                "what": what,
            }
        )


# ---------------------------------------------------------------------------------------------
# The digest of a batch


def batch_digest(actor: Actor, batch: Batch) -> tuple[str, dict[str, Any]]:
    """The digest text of a batch and its figures, from the ledger as it is now.

    The units are those visited in the batch (visits recorded 已回访), in the order of the
    plan; each with every problem ``actor`` may see and the measures recorded for it, in the
    seed's form. The introduction is the office's, from the follow-up's counts; the colon is
    the one of the round's imported digest, if any.
    """
    followup = batch.followup
    round_ = followup.round
    visits = (
        Visit.objects.filter(batch=batch, status=VisitStatus.DONE)
        .select_related("assignment__unit")
        .prefetch_related(
            digest_problems_prefetch(visible_problems(actor), lookup="assignment__problems")
        )
        .order_by(F("planned_on").asc(nulls_last=True), "id")
    )
    units = tuple(
        _with_every_problem_written(digest_unit(visit.assignment))
        for visit in visits
        if visit.assignment.problems.all()
    )
    if not units:
        raise PublicationError(
            _("%(batch)s尚无已回访且有问题的单位，无法生成摘编。") % {"batch": batch.name}
        )
    plan = Visit.objects.filter(batch__followup=followup).aggregate(
        groups=Count("group", distinct=True), units=Count("assignment", distinct=True)
    )
    what = "回访督查" if followup.kind == FollowUpKind.SUPERVISION else "巡察整改“回头看”"
    introduction = (
        f"近日，{plan['groups']}个巡察组对{round_label(round_)}的{plan['units']}家单位"
        f"整改落实情况进行了{what}。现将{batch.name}{len(units)}家单位整改部分内容摘编如下。"
    )
    last_import = round_.digest_imports.order_by("-imported_at", "-id").first()
    text = render_digest(
        Digest(introduction=introduction, units=units),
        colon=last_import.colon if last_import else "：",
    )
    figures = {
        "units": [unit.name for unit in units],
        "problems": sum(len(unit.problems) for unit in units),
    }
    return text, figures


def _with_every_problem_written(unit: DigestUnit) -> DigestUnit:
    problems = tuple(
        problem
        if (problem.lead.strip() or problem.measures)
        else DigestProblem(problem.title, "", (DigestMeasure(None, NO_MEASURE),))
        for problem in unit.problems
    )
    return DigestUnit(unit.name, problems)


@transaction.atomic
def digest_draft_for_batch(*, actor: Actor, batch: Batch) -> Publication:
    """Draft the digest (摘编) of a follow-up batch for the office to edit and publish."""
    _require_office(actor, _("起草摘编"))
    text, figures = batch_digest(actor, batch)
    publication = Publication.objects.create(
        kind=PublicationKind.DIGEST,
        round=batch.followup.round,
        batch=batch,
        title=f"{followup_label(batch.followup)}{batch.name}整改情况摘编",
        draft_text=text,
        figures=figures,
        created_by=_user(actor),
        edited_by=_user(actor),
    )
    items_sync(publication)
    _audit(actor, "publication.draft", publication, None)
    return publication


# ---------------------------------------------------------------------------------------------
# The notice of a scope


@transaction.atomic
def notice_draft(
    *,
    actor: Actor,
    round_: Round,
    batch: Batch | None = None,
    group: Group | None = None,
    unit: Unit | None = None,
) -> Publication:
    """Draft a notice (通报) of a round, narrowed by a batch, a group or a unit, with its totals
    and its common problems (共性问题, last: the themes enough units share, with their counts).

    The totals count only what ``actor`` may see; ``figures`` keeps them and the common
    problems with the day they were read, and publishing checks they still hold.
    """
    _require_office(actor, _("起草通报"))
    scope = Scope(round_, batch, group, unit)
    notice = notice_compose(actor, scope)
    publication = Publication.objects.create(
        kind=PublicationKind.NOTICE,
        round=round_,
        batch=batch,
        group=group,
        unit=unit,
        title=notice.title,
        draft_text=notice.text,
        figures=_notice_figures(notice),
        created_by=_user(actor),
        edited_by=_user(actor),
    )
    items_sync(publication)
    _audit(actor, "publication.draft", publication, None)
    return publication


def _notice_figures(notice: ComposedNotice) -> dict[str, Any]:
    """The figures a notice's text states, kept to check at publishing that they still hold."""
    return {
        "as_of": notice.as_of.isoformat(),
        "totals": notice.totals.as_json(),
        "common_problems": list(notice.common),
    }


# ---------------------------------------------------------------------------------------------
# Editing, refreshing, publishing


@transaction.atomic
def publication_edit(
    *, actor: Actor, publication: Publication, expected_version: int, draft_text: str
) -> Publication:
    """Change a draft's wording; refused once published, or when someone saved it meanwhile."""
    _require_office(actor, _("修改稿件"))
    publication = _lock(publication, expected_version)
    _require_draft(publication, _("修改"))
    if not draft_text.strip():
        raise PublicationError(_("稿件内容不能为空。"))
    if draft_text == publication.draft_text:
        return publication
    before = snapshot(publication, AUDITED_FIELDS)
    publication.draft_text = draft_text
    publication.edited_by = _user(actor)
    publication.version += 1
    publication.save(update_fields=["draft_text", "edited_by", "version", "updated_at"])
    items_sync(publication)
    _audit(actor, "publication.edit", publication, before)
    return publication


@transaction.atomic
def publication_refresh(
    *, actor: Actor, publication: Publication, expected_version: int
) -> Publication:
    """Write the draft again from the data as it is now; the wording edited so far is replaced."""
    _require_office(actor, _("刷新稿件"))
    publication = _lock(publication, expected_version)
    _require_draft(publication, _("刷新"))
    before = snapshot(publication, AUDITED_FIELDS)
    if publication.kind == PublicationKind.DIGEST:
        if publication.batch is None:
            raise PublicationError(_("该摘编未关联回访批次，无法刷新。"))
        publication.draft_text, publication.figures = batch_digest(actor, publication.batch)
    else:
        scope = Scope.of(publication)
        notice = notice_compose(actor, scope)
        publication.draft_text = notice.text
        publication.figures = _notice_figures(notice)
    publication.edited_by = _user(actor)
    publication.version += 1
    publication.save(update_fields=["draft_text", "figures", "edited_by", "version", "updated_at"])
    items_sync(publication)
    _audit(actor, "publication.refresh", publication, before)
    return publication


@transaction.atomic
def publication_approve(
    *, actor: Actor, publication: Publication, expected_version: int | None = None
) -> Publication:
    """审核通过: another office user than the one who drafted or last wrote the wording
    approves the draft with its disclosure decisions and redactions (four eyes); the wording
    and the decisions are fixed from here, until it is returned or published."""
    _require_office(actor, _("审核"))
    publication = _lock(publication, expected_version)
    return PUBLICATION.apply(publication, "approve", actor=actor)


@transaction.atomic
def publication_return(
    *, actor: Actor, publication: Publication, reason: str, expected_version: int | None = None
) -> Publication:
    """退回修改: an approved publication goes back to draft, with the reason, to be edited."""
    _require_office(actor, _("退回"))
    publication = _lock(publication, expected_version)
    return PUBLICATION.apply(publication, "return", actor=actor, reason=reason)


@transaction.atomic
def publication_publish(
    *, actor: Actor, publication: Publication, expected_version: int | None = None
) -> Publication:
    """Publish an approved draft: its text is copied to ``published_text`` and never changes
    after; its public text (the public items, names masked) is frozen into ``public_text``.

    The audit chain's head is frozen with it (``audit_head``) and printed on the document, and
    it is given the next 发文字号 of the office's register (``numbering``).

    A notice is refused when its totals no longer hold (the data changed since drafting):
    refresh it first, so that no published figure is known to be wrong on the day.
    """
    _require_office(actor, _("发布"))
    # With the version the page showed, nobody publishes wording they have not seen.
    publication = _lock(publication, expected_version)
    refusal = PUBLICATION.refusal(publication, "publish", actor)
    if refusal:
        raise TransitionRefused(refusal)
    if publication.kind == PublicationKind.NOTICE:
        now = notice_compose(actor, Scope.of(publication))
        # A draft written before notices had a 共性问题 section has no such figures to check.
        common = publication.figures.get("common_problems")
        if now.totals != NoticeTotals.from_json(publication.figures["totals"]) or (
            common is not None and common != list(now.common)
        ):
            raise FiguresChanged(
                _("起草后数据已有变化，通报中的数字已不准确，请先刷新稿件再发布。")
            )
    published = PUBLICATION.apply(
        publication,
        "publish",
        actor=actor,
        changes={
            "published_text": publication.draft_text,
            "public_text": public_text_for(publication),
            "published_at": timezone.now(),
            "published_by": _user(actor),
            # The chain as it stood before this move's own rows: committed, so anchored.
            "audit_head": audit_head_text(),
        },
    )
    # Issued, it is a 公文 of the office: the next 发文字号 of the year, in this transaction.
    document_number_assign(actor=actor, publication=published)
    return published


@transaction.atomic
def publication_withdraw(*, actor: Actor, publication: Publication, reason: str) -> Publication:
    """撤回 a published publication, with the reason: the public pages and the export stop
    showing it; its texts, number and history stay as they were."""
    _require_office(actor, _("撤回"))
    return PUBLICATION.apply(publication, "withdraw", actor=actor, reason=reason)


def _audit(
    actor: Actor, action: str, publication: Publication, before: dict[str, Any] | None
) -> None:
    audit_record(
        actor=actor,
        action=action,
        instance=publication,
        before=before,
        after=snapshot(publication, AUDITED_FIELDS),
        scope=publication_scope(publication),
    )


__all__ = [
    "FiguresChanged",
    "PublicationError",
    "batch_digest",
    "digest_draft_for_batch",
    "notice_draft",
    "publication_approve",
    "publication_edit",
    "publication_publish",
    "publication_refresh",
    "publication_return",
    "publication_withdraw",
]
