"""Template helpers for deadlines: ``{% load clocks %}``.

``{{ clock|deadline_label }}`` and
``{{ problem.nearest_due|due_label:problem.nearest_holidays_known }}``
show the date with the "holidays not yet known" mark when it applies, or 未设定 when there is
no deadline; ``{{ problem.warning|warning_label }}`` names a colour in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from xuncha.clocks import models as clocks_models
from xuncha.clocks.models import Clock, WarningColour

register = template.Library()


@register.filter
def deadline_label(clock: Clock | None) -> str:
    """A clock's deadline as shown to people (暂停 while paused), or 未设定."""
    return clocks_models.due_label(None) if clock is None else clock.label


@register.filter
def due_label(due: dt.date | None, holidays_known: Any = True) -> str:
    """A date annotated by ``problems_with_warning``, with its mark (None counts as known)."""
    return clocks_models.due_label(due, holidays_known=holidays_known is not False)


@register.filter
def warning_label(colour: str | None) -> str:
    """正常 / 临期 / 逾期, or an empty string for no warning."""
    if not colour:
        return ""
    return str(WarningColour(colour).label)
