"""What keeps a unit's plan (整改方案) from being complete: read by the plan's workflow guard
and by the plan page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xuncha.findings.models import RectificationKind
from xuncha.rounds.models import Assignment


def plan_gaps(assignment: Assignment) -> list[str]:
    """Problems without a kind or measures, and measures without owner, department or date."""
    gaps: list[str] = []
    problems = assignment.problems.prefetch_related("measures").order_by("ordinal")
    for problem in problems:
        long_term = problem.rectification_kind == RectificationKind.LONG_TERM
        label = _("问题%(n)s“%(title)s”") % {"n": problem.ordinal, "title": problem.title}
        measures = list(problem.measures.all())
        if not problem.rectification_kind:
            gaps.append(_("%(p)s未确定整改类型") % {"p": label})
        if not measures:
            gaps.append(_("%(p)s没有整改措施") % {"p": label})
        for measure in measures:
            missing = [
                name
                for name, value in (
                    (_("责任领导"), measure.owner),
                    (_("责任部门"), measure.department),
                    (_("完成时限"), measure.deadline),
                )
                # An ongoing (长期坚持) measure may have no end date.
                if not value and not (long_term and name == _("完成时限"))
            ]
            if missing:
                gaps.append(
                    _("%(p)s的措施%(m)s缺少%(fields)s")
                    % {"p": label, "m": measure.ordinal, "fields": "、".join(missing)}
                )
    if not problems:
        gaps.append(_("该单位没有反馈问题"))
    return gaps
