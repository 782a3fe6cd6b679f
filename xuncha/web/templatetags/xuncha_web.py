"""Template helpers of the web pages: marked figures, status badges, empty values."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import cn2an
from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from xuncha.core.models import Role
from xuncha.core.permissions import Viewer, has_role, may_read_audit, role_labels
from xuncha.findings.models import Measure
from xuncha.followups.models import VerdictKind
from xuncha.rectification.models import ProgressReport
from xuncha.rectification.workflow import VERDICT_STEPS
from xuncha.web.history import person_name
from xuncha.web.marking import kind_label, mark_outcomes, qualifier_label

if TYPE_CHECKING:
    from django.contrib.auth.models import User

register = template.Library()


@register.filter
def marked_measure(measure: Measure) -> SafeString:
    """A measure's text with its stored outcomes' figures marked (outcomes prefetched)."""
    return mark_outcomes(measure.text, measure.outcomes.all())


@register.filter
def marked_report(report: ProgressReport) -> SafeString:
    """A progress report's text with the figures read from it marked (outcomes prefetched)."""
    return mark_outcomes(report.text, report.outcomes.all())


@register.filter
def outcome_kind(kind: str) -> str:
    """The Chinese label of an outcome kind code."""
    return kind_label(kind)


@register.filter
def qualifier(code: str | None) -> str:
    """The Chinese label of a qualifier code."""
    return qualifier_label(code)


@register.filter
def or_unset(value: Any) -> Any:
    """The value, or 未设定 when it is empty (dates, groups, names)."""
    if value is None or value == "":
        return format_html('<span class="unset">{}</span>', _("未设定"))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date_format(value, "Y-m-d")
    return value


@register.filter
def figures_summary(measure: Measure) -> str:
    """What was read from a measure's text (3项数字、1项制度), leaving out what is absent."""
    parts = []
    for count, label in (
        (len(measure.outcomes.all()), _("%(n)s项数字")),
        (len(measure.accountabilities.all()), _("%(n)s项追责问责")),
        (len(measure.regulations.all()), _("%(n)s项制度")),
    ):
        if count:
            parts.append(label % {"n": count})
    return "、".join(parts)


@register.filter
def measure_ordinal(number: int) -> str:
    """一是, 二是 … as the digest numbers its measures; in another language, the number."""
    if not (get_language() or "zh-hans").startswith("zh"):
        return _("措施%(n)s") % {"n": number}
    try:
        return _("%(number)s是") % {"number": cn2an.an2cn(number)}
    except ValueError:
        return str(number)


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    """A coloured badge for a problem or measure status."""
    return format_html('<span class="badge badge-{}">{}</span>', status, label)


@register.filter
def may_import_digest(user: Viewer) -> bool:
    """Whether the user may import digests (the inspection office)."""
    return has_role(user, Role.OFFICE)


@register.simple_tag
def user_display(user: User | None) -> str:
    """A user's display name: the signed-in user's, or a record's author (系统 for none, the
    system made the record)."""
    return person_name(user)


@register.simple_tag
def user_role(user: Viewer) -> str:
    """The labels of the user's roles (each function's), or 未分配角色 for a user without any."""
    labels = role_labels(user)
    return "、".join(labels) if labels else _("未分配角色")


@register.filter
def may_browse_audit(user: Viewer) -> bool:
    """Whether the user may browse the audit log (the office and supervisors)."""
    return may_read_audit(user)


@register.simple_tag(takes_context=True)
def nav_counts(context: template.Context) -> dict[str, int | None]:
    """The navigation's badges: items waiting in the user's queue and unread notifications.

    Worked out once per request, however many times a template asks.
    """
    request = context.get("request")
    user: Viewer | None = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"queue": None, "unread": 0}
    cached = getattr(request, "_xuncha_nav_counts", None)
    if cached is None:
        from xuncha.notifications.selectors import unread_count
        from xuncha.web.views.queue import queue_badge

        cached = {"queue": queue_badge(user), "unread": unread_count(user)}
        request._xuncha_nav_counts = cached
    return cached


@register.simple_tag
def warning_badge(colour: str | None, label: str = "") -> SafeString:
    """A coloured badge for a deadline warning (正常/临期/逾期); nothing without a warning."""
    if not colour:
        return format_html("{}", "")
    return format_html('<span class="badge warning-{}">{}</span>', colour, label or colour)


@register.filter
def verdict_label(kind: str | None) -> str:
    """The Chinese label of a verdict kind (整改到位, 基本到位, 未到位, 问题反弹)."""
    return str(dict(VerdictKind.choices).get(kind or "", kind or ""))


@register.filter
def is_verdict_step(transition: str | None) -> bool:
    """Whether a problem's step was made by a follow-up verdict (rule_not_done …)."""
    return transition in VERDICT_STEPS


@register.filter
def among(value: str | None, words: str) -> bool:
    """Whether ``value`` is one of the space-separated ``words`` (a whole word, not a part)."""
    return bool(value) and value in words.split()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (0 when absent): counts keyed by a colour or status."""
    if not mapping:
        return 0
    return mapping.get(key, 0)


@register.filter
def duration_words(value: dt.timedelta | None) -> str:
    """A wait said in words: 15 分钟, 1 小时, 1 小时 30 分钟, 2 天."""
    if not isinstance(value, dt.timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d 天", "%(n)d 天", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d 小时", "%(n)d 小时", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes})
    return " ".join(parts)
