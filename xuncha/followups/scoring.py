"""Scoring a unit's rectification at a visit (验收评分) against the follow-up's rubric."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.permissions import Actor
from xuncha.followups.access import (
    FollowUpError,
    lock_visit,
    require_visit_member,
    require_visited,
    user_or_none,
    visit_scope,
)
from xuncha.followups.models import Score, Visit
from xuncha.followups.scales import rubric_maxima, score_problems, to_decimal


@transaction.atomic
def score_record(*, actor: Actor, visit: Visit, item_scores: Mapping[str, Any]) -> Score:
    """Score the unit item by item; the total passes at the rubric's pass mark (e.g. 90).

    Every item of the rubric must be scored, each between 0 and its maximum. Scoring again
    replaces the earlier score (the audit log keeps both).
    """
    visit = lock_visit(visit)
    require_visit_member(actor, visit, _("评分"))
    require_visited(visit, _("评分"))
    rubric = visit.batch.followup.rubric
    if rubric is None:
        raise FollowUpError(_("本次回访督查没有设置评分标准，请巡察办先设置。"))
    maxima = rubric_maxima(rubric.items)
    problems = score_problems(item_scores, maxima, _)
    if problems:
        raise FollowUpError(_("评分未保存：%(problems)s。") % {"problems": _("；").join(problems)})
    points = {name: to_decimal(item_scores[name]) or Decimal(0) for name in maxima}
    total = sum(points.values(), Decimal(0)).quantize(Decimal("0.01"))
    existing = Score.objects.select_for_update().filter(visit=visit).first()
    before = snapshot(existing) if existing is not None else None
    score = existing or Score(visit=visit)
    score.rubric = rubric
    score.item_scores = {name: str(value) for name, value in points.items()}
    score.total = total
    score.passed = total >= rubric.passing
    score.scored_by = user_or_none(actor)
    score.save()
    audit_record(
        actor=actor,
        action="score.update" if before else "score.record",
        instance=score,
        before=before,
        after=snapshot(score),
        scope=visit_scope(visit),
    )
    return score


__all__ = ["score_record"]
