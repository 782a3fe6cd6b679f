"""The percentage rules of the claims check: a rate against its parts, and at most 100.

A percentage named as a share (占比, 比例, 完成率, 解决率 …) is checked against the two counts
of its sentence: the part, the last count before it whose words name the rate's stem without
negating it, and the whole, the first earlier count of the same measure word not smaller than
it; part / whole is rounded half-up to the decimals written, with 近, 约 and 超过 read as the
bounds they set. A percentage above 100 that is not a growth (增长, 同比 …) fails on its own.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xuncha.text.claims._view import Placed, View, plain, same_unit
from xuncha.text.claims.model import APPROXIMATE, FAILS, HOLDS, UNCHECKED, Check, gettext_noop

__all__ = [
    "percent_checks",
    "rate_checks",
]


# The words that name a percentage as a share: 占比, 比例, 完成率, 解决率 … (率 with its stem).
_RATE = re.compile(
    r"(?P<share>占比|所占比例|比例|比重|占)[^，,；;]{0,6}?(?:为|达到|达|是|约)?$"
    r"|(?P<stem>[\u4e00-\u9fff]{1,2})率(?:为|达到|达|是|分别为)?$"
)
_GROWTH = re.compile(
    r"增长|增加|提高|提升|上升|下降|降低|减少|同比|环比|增幅|降幅|增速|超出|高出|多出|翻|"
    r"比上年|较上年|比去年|较去年|比上一年"
)
_NEGATED = re.compile(r"未|没有|尚未|无法|不能|不予|基本|正在|阶段性")


def rate_checks(view: View) -> list[Check]:
    checks = []
    for percent in view.of_kind("percent"):
        before = view.before(percent)
        rate = _RATE.search(before)
        if rate is None or _GROWTH.search(before):
            continue
        stem = rate["stem"]
        counts = [item for item in view.of_kind("count") if item.end <= percent.start]
        part = _rate_part(view, counts, stem)
        whole = _rate_whole(counts, part)
        if part is None or whole is None:
            reason = (
                gettext_noop("句中没有写明“%(stem)s”的数和总数，无法核算比例")
                if stem
                else gettext_noop("句中没有可相除的两个同类数字，无法核算比例")
            )
            checks.append(view.check("rate", UNCHECKED, [percent], reason, stem=stem or ""))
            continue
        checks.append(_rate_check(view, percent, part, whole))
    return checks


def _rate_part(view: View, counts: list[Placed], stem: str | None) -> Placed | None:
    """The count a rate is the share of: the last one before it whose clause names the rate's
    stem (完成 for 完成率) without negating it; for 占比, the last count before it."""
    for item in reversed(counts):
        clause = view.segment(item)
        if stem is None:
            return item
        if stem in clause and not _NEGATED.search(clause.split(stem)[0][-4:]):
            return item
    return None


def _rate_whole(counts: list[Placed], part: Placed | None) -> Placed | None:
    """The total a part is a share of: the first count before it of the same measure word
    that is not smaller than it."""
    if part is None or part.figure.number is None:
        return None
    for item in counts:
        if item.start >= part.start:
            break
        number = item.figure.number
        if number is not None and number >= part.figure.number and same_unit(item, part):
            return item
    return None


def _rate_check(view: View, percent: Placed, part: Placed, whole: Placed) -> Check:
    items = [part, whole, percent]
    stated = percent.figure.number
    numerator, denominator = part.figure.number, whole.figure.number
    assert numerator is not None and denominator is not None and stated is not None
    places = _decimals(percent.figure.text)
    common: dict[str, Any] = {
        "part": part.figure.text,
        "whole": whole.figure.text,
        "places": places,
        "written": percent.figure.text,
    }
    if denominator == 0:
        reason = gettext_noop("总数%(whole)s为零，无法核算比例")
        return view.check("rate", UNCHECKED, items, reason, **common)
    if part.figure.approximate or whole.figure.approximate:
        reason = gettext_noop("%(part)s或%(whole)s是约数，无法按所写精度核算")
        return view.check("rate", UNCHECKED, items, reason, **common)
    exact = numerator * 100 / denominator
    expected = _round(exact, places)
    holds = _rate_holds(exact, expected, stated, percent.figure.qualifier, places)
    details: dict[str, Any] = common | {
        "numerator": plain(numerator),
        "denominator": plain(denominator),
        "exact": _short(exact),
        "rounded": plain(expected),
    }
    difference = None if holds else plain(_round(stated - exact, max(places, 2)))
    reason = gettext_noop(
        "%(numerator)s/%(denominator)s = %(exact)s%%，按%(places)s位小数四舍五入为%(rounded)s%%，"
        "文中为%(written)s"
    )
    if percent.figure.qualifier in APPROXIMATE:
        reason = gettext_noop(
            "%(numerator)s/%(denominator)s = %(exact)s%%，文中为%(written)s（约数，按其所限核对）"
        )
    return view.check(
        "rate",
        HOLDS if holds else FAILS,
        items,
        reason,
        expected=plain(expected),
        stated=plain(stated),
        difference=difference,
        **details,
    )


def _rate_holds(
    exact: Decimal, expected: Decimal, stated: Decimal, qualifier: str | None, places: int
) -> bool:
    """Rounded half-up at the stated decimals; 近 within 10% below, 约 within one last digit,
    超过/以上 at least."""
    if qualifier == "nearly":
        return stated * Decimal("0.9") <= exact <= stated
    if qualifier in ("over", "at_least"):
        return exact >= stated
    if qualifier == "about":
        return abs(expected - stated) <= Decimal(1).scaleb(-places)
    return expected == stated


def _decimals(text: str) -> int:
    """The decimals a figure is written with (97.4% → 1, 98.70% → 2, 百分之九十 → 0)."""
    match = re.search(r"[0-9０-９][.．]([0-9０-９]+)", text)
    return len(match.group(1)) if match else 0


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _short(value: Decimal) -> str:
    """At most four decimals, without trailing zeros (97.4414, 98.7088, 100)."""
    text = plain(_round(value, 4))
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_checks(view: View) -> list[Check]:
    checks = []
    for item in view.of_kind("percent"):
        number = item.figure.number
        if number is None or number <= 100 or _GROWTH.search(view.before(item)):
            continue
        reason = gettext_noop("%(written)s超过100%%，又不是增长或同比")
        checks.append(
            view.check(
                "percent",
                FAILS,
                [item],
                reason,
                expected="100",
                stated=plain(number),
                difference=plain(number - 100),
                written=item.figure.text,
            )
        )
    return checks
