"""Finding people's names in Chinese text, to offer them for redaction before publishing.

Pure text, no Django. A name is a surname from :data:`SURNAMES` followed by one or two given
characters, and is only taken where the text itself says a person is meant:

- a cue after it: 张三同志, 李明书记, 王小红副局长, 赵四等人;
- a title before it: 局长李明, 党委书记王小红, 原主任陈刚;
- a post in brackets after it: 张三（原局长）, 李四(科员);
- already masked: 张某, 李某某, 欧阳某 (found, marked ``masked``: nothing to redact).

The finder prefers to miss a name rather than to mask a word: a candidate holding a character
that names offices, places or grammar (局, 委, 的 …) is no name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "COMPOUND_SURNAMES",
    "SURNAMES",
    "FoundName",
    "apply_redactions",
    "find_names",
    "mask_name",
]

# Common single surnames, without those that are mostly other words in official prose
# (党, 区, 全, 相, 年, 时, 都 …), which would turn 党委书记 or 全体同志 into names.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔汤易常温康施牛樊葛邢安齐伍庞颜倪纪欧殷詹申耿关兰焦俞左柳甘祝"
    "包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶"
    "解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岳景党翟"
) - frozenset("党时")
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "令狐",
    "夏侯",
    "慕容",
    "尉迟",
    "长孙",
    "宇文",
    "司徒",
    "公孙",
    "端木",
    "西门",
)
# Posts and forms of address that follow a name (longest first, so 副局长 wins over 局长).
_AFTER = sorted(
    (
        "同志",
        "书记",
        "副书记",
        "主任",
        "副主任",
        "局长",
        "副局长",
        "处长",
        "副处长",
        "科长",
        "副科长",
        "部长",
        "副部长",
        "厅长",
        "县长",
        "副县长",
        "市长",
        "副市长",
        "区长",
        "镇长",
        "乡长",
        "村长",
        "组长",
        "副组长",
        "队长",
        "院长",
        "校长",
        "所长",
        "站长",
        "经理",
        "董事长",
        "主席",
        "厂长",
        "等人",
        "等同志",
    ),
    key=len,
    reverse=True,
)
# Posts written before a name (局长李明): the same posts, with the prefixes offices use.
_BEFORE = sorted(
    {post for post in _AFTER if post not in {"同志", "等人", "等同志"}}
    | {"党委书记", "支部书记", "纪委书记", "负责人", "科员", "干部", "职工", "党员", "村民"},
    key=len,
    reverse=True,
)
# Characters that do not stand in a given name in these texts: offices, places, grammar.
_NOT_IN_NAME = frozenset(
    "的了在和与及是为对把被将等局委部厅处科室所站院校会组队办党副总务市县区镇乡村省支纪书记"
    "长主任员工作人领导干班子单位分管该其各个全体这那此某以于从向由因就并或及也都还要会议"
    "同志原现前任职务经理事董席厂，。、；：！？,.;:!?（）()《》“”\"' \n\t"
)
_MASKED = re.compile(
    "(?P<name>(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])某{1,2})"
)
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
_GIVEN = r"[\u4e00-\u9fff]"
_CUE_AFTER = re.compile(
    f"(?P<name>{_SURNAME}{_GIVEN}{{1,2}}?)(?P<cue>" + "|".join(map(re.escape, _AFTER)) + ")"
)
_TITLE_BEFORE = re.compile(
    "(?P<cue>"
    + "|".join(map(re.escape, _BEFORE))
    + f")(?P<name>{_SURNAME}{_GIVEN}{{1,2}})(?=[同等在的和与、，。；：（(）)强表指说主带为\\s]|$)"
)
_POST_IN_BRACKETS = re.compile(
    f"(?P<name>{_SURNAME}{_GIVEN}{{1,2}})(?P<cue>[（(][^（）()\\n]{{0,20}}?"
    "(?:" + "|".join(map(re.escape, _BEFORE)) + r"|员)[）)])"
)


@dataclass(frozen=True)
class FoundName:
    """A name found at ``start``–``end`` of the text, with the words that marked it a name.

    ``masked`` is a name already written masked (张某): it needs no redaction.
    """

    text: str
    start: int
    end: int
    cue: str
    masked: bool = False

    @property
    def mask(self) -> str:
        """How the public text writes it: 张三丰 → 张某 (a masked one stays as it is)."""
        return self.text if self.masked else mask_name(self.text)


def _surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _plausible(name: str) -> bool:
    given = name[len(_surname_of(name)) :]
    return 1 <= len(given) <= 2 and not any(char in _NOT_IN_NAME for char in given)


def mask_name(name: str) -> str:
    """The masked form of a name: its surname and 某 (张三 → 张某, 欧阳明月 → 欧阳某).

    Anything that does not start with a known surname (a span the office chose itself) is
    written ×× whatever its length, so that its length says nothing either.
    """
    name = name.strip()
    surname = _surname_of(name)
    if (surname in COMPOUND_SURNAMES or surname in SURNAMES) and len(name) > len(surname):
        return f"{surname}某"
    return "××"


def find_names(text: str) -> tuple[FoundName, ...]:
    """Every name the text marks as a person's, in order of place, each place once."""
    found: dict[int, FoundName] = {}
    taken: list[tuple[int, int]] = []

    def add(name: FoundName) -> None:
        if any(start < name.end and name.start < end for start, end in taken):
            return
        taken.append((name.start, name.end))
        found[name.start] = name

    for match in _MASKED.finditer(text):
        add(FoundName(match["name"], match.start("name"), match.end("name"), "某", masked=True))
    for pattern in (_TITLE_BEFORE, _POST_IN_BRACKETS, _CUE_AFTER):
        for match in pattern.finditer(text):
            name = match["name"]
            if pattern is _CUE_AFTER:
                name = _shortest_plausible(text, match.start("name"), match.end("name"))
                if name is None:
                    continue
            elif not _plausible(name):
                continue
            start = match.start("name")
            add(FoundName(name, start, start + len(name), match["cue"].strip("（）()")))
    return tuple(found[start] for start in sorted(found))


def _shortest_plausible(text: str, start: int, end: int) -> str | None:
    """The name just before a cue: the regex took one or two given characters; a candidate
    whose given part holds a non-name character is refused."""
    name = text[start:end]
    return name if _plausible(name) else None


def apply_redactions(text: str, spans: Iterable[str], masks: dict[str, str] | None = None) -> str:
    """``text`` with every occurrence of each span replaced by its mask (longest span first,
    so that 张三丰 is masked whole before 张三 is looked for)."""
    chosen = sorted({span for span in spans if span.strip()}, key=len, reverse=True)
    if not chosen:
        return text
    masks = masks or {}
    pattern = re.compile("|".join(re.escape(span) for span in chosen))
    return pattern.sub(lambda match: masks.get(match[0]) or mask_name(match[0]), text)
