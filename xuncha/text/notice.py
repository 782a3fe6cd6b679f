"""A notice (通报) of rectification totals: the figures, and the text written from them.

Pure Python, no Django: :mod:`xuncha.reports.selectors` counts the rows and fills a
:class:`NoticeTotals`; this module computes the completion rate, names what each money amount
counts, and writes the notice in the office's words, e.g.

    反馈问题697个，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%

The completion rate counts 完成 (closed) only: 基本完成 is shown beside it, never inside it.
Likewise each person held to account is counted once: a count's parts (其中…) break it down
and are never added to it, and talks (约谈, 提醒谈话) are given beside the 追责问责 total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xuncha.text._numbers import clause_start
from xuncha.text.outcomes import BESIDE_ACCOUNTABILITY, UMBRELLA_KIND

__all__ = [
    "ESTIMATE_QUALIFIERS",
    "LOWER_BOUND_QUALIFIERS",
    "MONEY_CATEGORIES",
    "MONEY_LABELS",
    "MONEY_OTHER",
    "AccountabilityTotal",
    "MoneyTotal",
    "NoticeTotals",
    "UnitTotal",
    "accountability_sentence",
    "beside_accountability_lines",
    "classify_money",
    "common_problems_sentence",
    "completion_rate",
    "format_money",
    "format_rate",
    "held_to_account",
    "money_category_at",
    "money_sentence",
    "render_notice",
    "totals_line",
    "unit_lines",
]

# What a money amount counts, read from the words before it (its subject) or its own text.
# The first category with a keyword in the text wins, so the order matters: a refund of money
# paid out against the rules ("清退违规发放津补贴") is a refund, not a finding, and only
# amounts that name no action of their own fall to "found" through 违规 or 发放.
MONEY_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seized", ("查扣", "扣押", "冻结", "查封", "没收")),
    ("refunded", ("清退", "退还", "退回", "追缴", "收缴", "收回", "追回", "返还", "挽回")),
    ("reduced", ("减免", "节约", "节省", "压减", "降低")),
    ("donated", ("捐款", "捐赠", "捐助", "捐资")),
    ("found", ("查处", "查出", "发现", "违规发放", "违规", "超标", "虚报")),
)
MONEY_OTHER = "other"
MONEY_LABELS: dict[str, str] = {
    "found": "查处违规资金",
    "refunded": "清退追缴资金",
    "seized": "查扣冻结资产",
    "reduced": "减免节约费用",
    "donated": "捐款",
    MONEY_OTHER: "其他资金",
}
# The order the notice names the categories in: what was found, then what came back.
_MONEY_ORDER = ("found", "refunded", "seized", "reduced", "donated", MONEY_OTHER)

# Qualifiers (see xuncha.text.quantities) that make an amount a bound or an estimate.
LOWER_BOUND_QUALIFIERS = frozenset({"at_least", "over"})
ESTIMATE_QUALIFIERS = frozenset({"nearly", "about"})

_CENT = Decimal("0.01")
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)
_TITLES_NAMED = 10


def money_category_at(text: str, start: int, end: int, subject: str = "") -> str:
    """The category of the amount written at ``text[start:end]``: from its subject when that
    names an action, else from the words of its clause before it (a subject may lose its verb
    at a 的: 追回违规使用的医保基金 → 医保基金), else from its own text."""
    for words in (subject, text[clause_start(text, start) : start], text[start:end]):
        category = classify_money(words)
        if category != MONEY_OTHER:
            return category
    return MONEY_OTHER


def classify_money(text: str) -> str:
    """The category of a money amount from its subject (and source text): see the table."""
    for category, keywords in MONEY_CATEGORIES:
        if any(keyword in text for keyword in keywords):
            return category
    return MONEY_OTHER


@dataclass(frozen=True)
class MoneyTotal:
    """The money of one category: the sum in yuan and how many amounts made it.

    ``lower_bounds`` counts amounts stated as a minimum (34亿余元, 超100万元) and ``estimates``
    those stated as near or about (近10万元, 约5万元): the sum is then written 余 or 约.
    """

    category: str
    amount: Decimal
    outcomes: int
    lower_bounds: int = 0
    estimates: int = 0

    @property
    def label(self) -> str:
        return MONEY_LABELS.get(self.category, self.category)

    @property
    def written(self) -> str:
        """The sum as a notice writes it: "154.92万元", "34.06亿余元", "约5万元"."""
        return format_money(
            self.amount, lower_bound=bool(self.lower_bounds), estimate=bool(self.estimates)
        )


@dataclass(frozen=True)
class AccountabilityTotal:
    """People of one kind of sanction, and the facts that gave no number.

    ``kind`` is the kind, or the label of several kinds sharing one count ("提醒谈话、批评教育
    等"); ``kinds`` lists the kinds it names (empty: ``kind`` alone). ``within`` lists the kinds
    of the count these people are a part of (其中…), and is empty for people counted on their
    own: a part breaks its count down and is never added to a total.
    """

    kind: str
    people: int
    unnumbered: int = 0
    kinds: tuple[str, ...] = ()
    within: tuple[str, ...] = ()

    @property
    def named(self) -> tuple[str, ...]:
        """The kinds the count names."""
        return self.kinds or (self.kind,)


def held_to_account(kinds: tuple[str, ...]) -> bool:
    """Whether a count of these kinds belongs in the 追责问责 total: none of them is a talk
    (约谈, 提醒谈话) that a notice gives beside it. A count shared by a talk and a sanction
    cannot be split without guessing, so it is given beside the total as written."""
    return not set(kinds) & BESIDE_ACCOUNTABILITY


def _merged(items: list[AccountabilityTotal]) -> tuple[AccountabilityTotal, ...]:
    """People and unnumbered facts added up by kind, in the order the kinds first appear."""
    by_kind: dict[str, AccountabilityTotal] = {}
    for item in items:
        known = by_kind.get(item.kind)
        by_kind[item.kind] = AccountabilityTotal(
            item.kind,
            item.people + (known.people if known else 0),
            item.unnumbered + (known.unnumbered if known else 0),
            item.named,
        )
    return tuple(by_kind.values())


@dataclass(frozen=True)
class UnitTotal:
    """One unit's problems in a notice's scope, counted as the notice counts them."""

    name: str
    fed_back: int
    closed: int
    basically_done: int
    not_done: int

    @property
    def completion_rate(self) -> Decimal | None:
        return completion_rate(self.closed, self.fed_back)


@dataclass(frozen=True)
class NoticeTotals:
    """Everything a notice states about its scope.

    ``basically_done`` and ``not_done`` are both open problems; ``fed_back`` is always
    ``closed + basically_done + not_done``.
    """

    units: int
    fed_back: int
    closed: int
    basically_done: int
    not_done: int
    money: tuple[MoneyTotal, ...] = ()
    accountability: tuple[AccountabilityTotal, ...] = ()
    regulations: int = 0
    regulation_titles: tuple[str, ...] = field(default=())
    by_unit: tuple[UnitTotal, ...] = ()
    # The rules by what was done to them (制定, 修订 …): its code ("" where no text says) and
    # the rules, summing to ``regulations``. Not compared: a notice states the total only, so
    # a draft stored before the split was kept still has the figures of today's.
    regulations_by_action: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.closed + self.basically_done + self.not_done != self.fed_back:
            raise ValueError("closed, basically done and not done must add up to fed back")

    @property
    def completion_rate(self) -> Decimal | None:
        return completion_rate(self.closed, self.fed_back)

    @property
    def people_held_to_account(self) -> int:
        """共追责问责…人（次）: the counts that stand on their own, of kinds held to account.

        Never their parts (其中…, already inside their count) nor the talks given beside it.
        """
        return sum(item.people for item in self._held())

    @property
    def accountability_unnumbered(self) -> int:
        """Facts of people held to account that state no number."""
        return sum(item.unnumbered for item in self._held())

    @property
    def accountability_by_kind(self) -> tuple[AccountabilityTotal, ...]:
        """The total's breakdown (其中…): people by kind, from the counts of one kind that
        stand on their own and from the parts of counts held to account."""
        return _merged(
            [
                item
                for item in self.accountability
                if (item.within and held_to_account(item.within))
                or (not item.within and held_to_account(item.named) and item.kind != UMBRELLA_KIND)
            ]
        )

    @property
    def beside_accountability(self) -> tuple[AccountabilityTotal, ...]:
        """Talks (约谈, 提醒谈话) counted on their own, given beside the 追责问责 total."""
        return _merged(
            [
                item
                for item in self.accountability
                if not item.within and not held_to_account(item.named)
            ]
        )

    def _held(self) -> list[AccountabilityTotal]:
        return [
            item for item in self.accountability if not item.within and held_to_account(item.named)
        ]

    def money_of(self, category: str) -> Decimal:
        """The sum of one category (zero when the scope has none)."""
        return next((m.amount for m in self.money if m.category == category), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values (decimals as strings), as stored with a published notice."""
        data = asdict(self)
        data["money"] = [{**item, "amount": str(item["amount"])} for item in data["money"]]
        rate = self.completion_rate
        data["completion_rate"] = None if rate is None else str(rate)
        data["accountability"] = list(data["accountability"])
        data["by_unit"] = list(data["by_unit"])
        data["regulation_titles"] = list(self.regulation_titles)
        data["regulations_by_action"] = [list(item) for item in self.regulations_by_action]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoticeTotals:
        return cls(
            units=data["units"],
            fed_back=data["fed_back"],
            closed=data["closed"],
            basically_done=data["basically_done"],
            not_done=data["not_done"],
            money=tuple(
                MoneyTotal(
                    category=item["category"],
                    amount=Decimal(item["amount"]),
                    outcomes=item["outcomes"],
                    lower_bounds=item.get("lower_bounds", 0),
                    estimates=item.get("estimates", 0),
                )
                for item in data.get("money", [])
            ),
            accountability=tuple(
                AccountabilityTotal(
                    kind=item["kind"],
                    people=item["people"],
                    unnumbered=item.get("unnumbered", 0),
                    kinds=tuple(item.get("kinds", ())),
                    within=tuple(item.get("within", ())),
                )
                for item in data.get("accountability", [])
            ),
            regulations=data.get("regulations", 0),
            regulation_titles=tuple(data.get("regulation_titles", ())),
            by_unit=tuple(UnitTotal(**item) for item in data.get("by_unit", [])),
            regulations_by_action=tuple(
                (action, count) for action, count in data.get("regulations_by_action", ())
            ),
        )


def completion_rate(closed: int, fed_back: int) -> Decimal | None:
    """Closed ÷ fed back as a percentage with two places (half up); None when nothing was fed back.

    688 of 697 gives 98.71: problems only basically done do not count as complete.
    """
    if fed_back <= 0:
        return None
    if not 0 <= closed <= fed_back:
        raise ValueError(f"closed ({closed}) must lie between 0 and fed back ({fed_back})")
    return (Decimal(closed) * 100 / Decimal(fed_back)).quantize(_CENT, rounding=ROUND_HALF_UP)


def format_rate(rate: Decimal | None) -> str:
    """ "98.71%", or "—" when there is no rate."""
    return "—" if rate is None else f"{rate}%"


def format_money(amount: Decimal, *, lower_bound: bool = False, estimate: bool = False) -> str:
    """Yuan written as published: 1549200 → "154.92万元", 3.4e9 → "34亿元".

    A sum with an estimate in it is written 约…; else one with a lower bound in it …余元.
    """
    if amount >= _YI:
        number, multiplier = amount / _YI, "亿"
    elif amount >= _WAN:
        number, multiplier = amount / _WAN, "万"
    else:
        number, multiplier = amount, ""
    written = _plain(number.quantize(_CENT, rounding=ROUND_HALF_UP))
    if estimate:
        return f"约{written}{multiplier}元"
    return f"{written}{multiplier}{'余' if lower_bound else ''}元"


def _plain(number: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 34.00 → "34", 154.90 → "154.9"."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def totals_line(totals: NoticeTotals | UnitTotal, *, rate_label: str = "总体完成率") -> str:
    """反馈问题697个，完成整改688个，基本完成4个，未完成5个，总体完成率98.71%."""
    return (
        f"反馈问题{totals.fed_back}个，完成整改{totals.closed}个，"
        f"基本完成{totals.basically_done}个，未完成{totals.not_done}个，"
        f"{rate_label}{format_rate(totals.completion_rate)}"
    )


def unit_lines(totals: NoticeTotals) -> list[str]:
    """One paragraph per unit (市委宣传部：反馈问题2个，…，完成率100.00%。) when several."""
    if len(totals.by_unit) < 2:
        return []
    return ["分单位情况："] + [
        f"{unit.name}：{totals_line(unit, rate_label='完成率')}。" for unit in totals.by_unit
    ]


def money_sentence(totals: NoticeTotals) -> str:
    """整改涉及资金：查处违规资金89.15万元，清退追缴资金224.32万元…; "" when there is none."""
    by_category = {item.category: item for item in totals.money if item.outcomes}
    parts = [
        f"{by_category[c].label}{by_category[c].written}" for c in _MONEY_ORDER if c in by_category
    ]
    return f"整改涉及资金：{'，'.join(parts)}。" if parts else ""


def accountability_sentence(totals: NoticeTotals) -> str:
    """追责问责：共追责问责36人（次），其中诫勉谈话9人（次）、…、未写明方式3人（次）；另有1处
    追责问责未写明人数. "" when there is none.

    The breakdown names the kinds the texts give; people whose kind no text gives are
    未写明方式, never put under a kind. Parts written in 人次 may add up to more than the
    people of their count, and then no remainder is given.
    """
    total = totals.people_held_to_account
    unnumbered = totals.accountability_unnumbered
    if not total and not unnumbered:
        return ""
    sentence = f"追责问责：共追责问责{total}人（次）"
    parts = [item for item in totals.accountability_by_kind if item.people]
    if parts:
        # a count shared by several kinds is quoted, so that its 、 do not read as the list's
        named = [
            f"“{item.kind}”{item.people}人（次）"
            if len(item.named) > 1
            else f"{item.kind}{item.people}人（次）"
            for item in parts
        ]
        rest = total - sum(item.people for item in parts)
        if rest > 0:
            named.append(f"未写明方式{rest}人（次）")
        sentence += "，其中" + "、".join(named)
    if unnumbered:
        sentence += f"；另有{unnumbered}处追责问责未写明人数"
    return sentence + "。"


def beside_accountability_lines(totals: NoticeTotals) -> list[str]:
    """约谈：66人（次），不计入追责问责人数. One line per kind given beside the total."""
    lines = []
    for item in totals.beside_accountability:
        counted = [f"{item.people}人（次）"] if item.people else []
        if item.unnumbered:
            counted.append(f"另有{item.unnumbered}处未写明人数")
        lines.append(f"{item.kind}：{'，'.join(counted)}，不计入追责问责人数。")
    return lines


def regulations_sentence(totals: NoticeTotals) -> str:
    """建章立制：制定修订制度62项，包括《…》《…》等. "" when there is none."""
    if not totals.regulations:
        return ""
    sentence = f"建章立制：制定修订制度{totals.regulations}项"
    titles = totals.regulation_titles
    if titles:
        named = "".join(f"《{title}》" for title in titles[:_TITLES_NAMED])
        sentence += f"，包括{named}" + ("等" if len(titles) > _TITLES_NAMED else "")
    return sentence + "。"


def common_problems_sentence(common: Sequence[tuple[str, int]]) -> str:
    """共性问题：全面从严治党方面问题涉及4家单位；意识形态方面问题涉及2家单位。 from (theme,
    units) pairs, most shared first as given; "" when there is none."""
    if not common:
        return ""
    parts = [f"{theme}方面问题涉及{units}家单位" for theme, units in common]
    return f"共性问题：{'；'.join(parts)}。"


def render_notice(
    totals: NoticeTotals,
    *,
    scope: str,
    as_of: dt.date,
    common: Sequence[tuple[str, int]] = (),
) -> str:
    """The notice's text: the totals line, each unit's (when several), then money,
    accountability (with the talks given beside it), rules and the common problems (共性问题:
    ``common``, the themes several units share with their unit counts) when any.

    ``scope`` names what is counted ("十三届市委第八轮巡察" or "市委第一巡察组巡察的"),
    ``as_of`` the day the figures were read. Paragraphs are separated by a blank line, and
    the text does not end with a newline, like a digest.
    """
    day = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    if totals.fed_back:
        units = f"共涉及{totals.units}家单位，" if totals.units > 1 else ""
        opening = (
            f"截至{day}，{scope}{units}{totals_line(totals)}。"
            "基本完成的问题仍在持续整改，不计入完成率。"
        )
    else:
        opening = f"截至{day}，{scope}暂无反馈问题。"
    paragraphs = [
        opening,
        *unit_lines(totals),
        money_sentence(totals),
        accountability_sentence(totals),
        *beside_accountability_lines(totals),
        regulations_sentence(totals),
        common_problems_sentence(common),
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
