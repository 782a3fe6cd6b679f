"""Common problems (共性问题): a round's problem titles grouped into themes by term lists.

Pure Python, no Django. :data:`THEMES` is the table: each theme with its label and the terms
that put a problem under it (全面从严治党: 从严治党, 主体责任, 两个责任 …). A problem goes under
every theme one of whose terms its title contains, with the terms it matched;
:func:`common_problems` groups a round's problems so and orders the themes by how many units
share them. A theme is common (共性) when at least :func:`common_floor` units share it: two, or
:data:`COMMON_SHARE` of the units with problems when that is more (a province round of 2,000
units is not one of 共性 problems because two of its units share a theme). The table and the
rule are documented in ``docs/paper-flags.md``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from xuncha.text._i18n import gettext_noop

__all__ = [
    "COMMON_MIN_UNITS",
    "COMMON_SHARE",
    "THEMES",
    "ThemeGroup",
    "ThemeMatch",
    "TitledProblem",
    "common_floor",
    "common_problems",
    "gettext_noop",
    "themes_of",
]


COMMON_MIN_UNITS = 2
COMMON_SHARE = 0.2


@dataclass(frozen=True)
class Theme:
    """One theme of common problems: a stable code, its label, the terms that name it."""

    code: str
    label: str
    terms: tuple[str, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "party_discipline",
        gettext_noop("全面从严治党"),
        (
            "从严治党",
            "管党治党",
            "主体责任",
            "监督责任",
            "两个责任",
            "一岗双责",
            "党风廉政",
            "政治规矩",
            "政治纪律",
        ),
    ),
    Theme(
        "conduct",
        gettext_noop("作风建设和中央八项规定精神"),
        (
            "八项规定",
            "作风",
            "四风",
            "享乐主义",
            "奢靡之风",
            "公款",
            "吃喝",
            "公务接待",
            "公务用车",
            "公车",
            "津补贴",
            "慰问费",
            "节日福利",
            "违规发放",
        ),
    ),
    Theme(
        "ideology",
        gettext_noop("意识形态"),
        (
            "意识形态",
            "宣传",
            "舆论",
            "舆情",
            "理论学习",
            "理论研究",
            "理论武装",
            "思想政治",
            "政治引领",
            "宣讲",
            "网络阵地",
        ),
    ),
    Theme(
        "cadres",
        gettext_noop("选人用人"),
        (
            "选人用人",
            "干部选拔",
            "选拔任用",
            "干部任用",
            "干部管理",
            "干部队伍",
            "队伍建设",
            "干部协管",
            "人事档案",
            "人才队伍",
            "编制",
        ),
    ),
    Theme(
        "grassroots",
        gettext_noop("基层党组织建设"),
        (
            "基层党组织",
            "党组织建设",
            "党支部",
            "支部建设",
            "党建",
            "组织生活",
            "三会一课",
            "发展党员",
            "党员教育",
            "党费",
            "换届",
        ),
    ),
    Theme(
        "rectification",
        gettext_noop("落实整改"),
        ("整改", "巡察反馈", "巡视反馈", "反馈问题", "举一反三", "移交不实"),
    ),
    Theme(
        "integrity",
        gettext_noop("廉洁风险和资金管理"),
        (
            "廉洁风险",
            "廉政风险",
            "资金",
            "财务",
            "资产",
            "经费",
            "报销",
            "账目",
            "招投标",
            "招标",
            "政府采购",
            "工程项目",
            "套取",
            "截留",
            "挪用",
            "源头预防",
        ),
    ),
    Theme(
        "formalism",
        gettext_noop("形式主义官僚主义"),
        (
            "形式主义",
            "官僚主义",
            "文山会海",
            "过度留痕",
            "层层加码",
            "不作为",
            "慢作为",
            "乱作为",
            "不落实",
            "不实",
            "推诿",
        ),
    ),
    Theme(
        "decisions",
        gettext_noop("贯彻落实决策部署"),
        (
            "决策部署",
            "重大决策",
            "贯彻",
            "新发展理念",
            "政治站位",
            "服务大局",
            "服务决策",
        ),
    ),
    Theme(
        "service",
        gettext_noop("履行职能和服务群众"),
        (
            "服务群众",
            "为民",
            "群众反映",
            "民生",
            "营商环境",
            "市场主体",
            "主责主业",
            "履职",
            "服务基层",
        ),
    ),
)


@dataclass(frozen=True)
class ThemeMatch:
    """A theme a title falls under, with the terms of the theme it contains."""

    theme: Theme
    terms: tuple[str, ...]


def themes_of(title: str, themes: Sequence[Theme] = THEMES) -> tuple[ThemeMatch, ...]:
    """The themes ``title`` falls under, in the table's order, each with the terms it matched
    (a term inside another matched one, 从严治党 in 全面从严治党 say, is shown once)."""
    folded = unicodedata.normalize("NFKC", title)
    matches = []
    for theme in themes:
        terms = [term for term in theme.terms if term in folded]
        terms = [t for t in terms if not any(t != other and t in other for other in terms)]
        if terms:
            matches.append(ThemeMatch(theme, tuple(terms)))
    return tuple(matches)


@dataclass(frozen=True)
class TitledProblem:
    """A problem as themes read it: its key, its unit's key and its title."""

    key: Hashable
    unit: Hashable
    title: str


@dataclass(frozen=True)
class ThemeGroup:
    """A theme with the problems under it (each with the terms it matched) and the units
    they belong to; ``common`` says whether enough units share it."""

    theme: Theme
    problems: tuple[tuple[TitledProblem, tuple[str, ...]], ...]
    units: frozenset[Hashable]
    common: bool

    @property
    def unit_count(self) -> int:
        return len(self.units)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term matched under the theme, most often matched first."""
        counts: dict[str, int] = {}
        for _problem, terms in self.problems:
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
        return tuple(sorted(counts, key=lambda term: -counts[term]))


def common_floor(units: int) -> int:
    """How many units must share a theme for it to be common, in a scope of ``units`` units
    with problems: :data:`COMMON_MIN_UNITS`, or :data:`COMMON_SHARE` of them if more."""
    return max(COMMON_MIN_UNITS, math.ceil(COMMON_SHARE * units))


def common_problems(
    problems: Iterable[TitledProblem], themes: Sequence[Theme] = THEMES
) -> list[ThemeGroup]:
    """Every theme with at least one problem, most units first (then most problems, then the
    table's order); each problem is listed under every theme it matched."""
    listed = list(problems)
    floor = common_floor(len({problem.unit for problem in listed}))
    under: dict[str, list[tuple[TitledProblem, tuple[str, ...]]]] = {}
    for problem in listed:
        for match in themes_of(problem.title, themes):
            under.setdefault(match.theme.code, []).append((problem, match.terms))
    order = {theme.code: index for index, theme in enumerate(themes)}
    groups = []
    for theme in themes:
        if theme.code not in under:
            continue
        units = frozenset(problem.unit for problem, _terms in under[theme.code])
        groups.append(
            ThemeGroup(theme, tuple(under[theme.code]), units, common=len(units) >= floor)
        )
    groups.sort(key=lambda g: (-g.unit_count, -len(g.problems), order[g.theme.code]))
    return groups
