"""Finding accountability (追责问责) and regulations (建章立制) in a measure's text.

Part of :mod:`xuncha.text.quantities`, which re-exports everything public here; split off to
keep modules small. Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from xuncha.text._numbers import (
    CLAUSE_BREAKS,
    NUMBER,
    NUMBER_START,
    SCANNED_NUMBER,
    ClauseStarts,
    Spans,
    clause_start,
    mask_quoted,
    parse_number,
    quoted_regions,
)


@dataclass(frozen=True)
class AccountabilityFact:
    """People held to account by one kind of sanction (or several sharing one count), as stated.

    ``kind`` is the kind ("诫勉谈话"); for a count shared by several kinds ("谈话提醒、批评教育等
    其他处理406人") it is a label naming them all ("提醒谈话、批评教育等", 等 kept when the text
    says the count covers kinds it does not name). ``kinds`` lists every kind the count names,
    only ever kinds written in the text. ``people`` is None when the text names the sanction
    without a count ("对有关人员予以问责"); ``unit`` is the measure word (名, 人, 人次, 位) or "".
    ``part_of`` is the index, in the tuple :func:`find_accountability` returns, of the count
    this one is a part of ("追责问责3人，其中诫勉谈话1人": the 诫勉谈话 fact points at the
    追责问责 one), or None when it stands on its own: a part breaks its parent down by kind and
    is never added to it.
    """

    kind: str
    kinds: tuple[str, ...]
    people: int | None
    unit: str
    text: str
    start: int
    end: int
    part_of: int | None = None


@dataclass(frozen=True)
class RegulationFact:
    """A rule or system issued or revised: one 《title》, or a count of unnamed ones.

    ``title`` is the text between 《 and 》 exactly as written (spaces, nested brackets, damaged
    characters kept), or None for a count ("制度14项" has count 14). ``action`` is issued,
    revised, or "" when the text does not say.
    """

    title: str | None
    count: int
    action: str  # "issued" | "revised" | ""
    text: str
    start: int
    end: int


# ---------------------------------------------------------------------------------------------
# Accountability

# Sanctions as written, mapped to the kind they are filed under. 问责 and 追责 alone mean the
# same as 追责问责; old and short names map to the current ones.
_SANCTIONS: dict[str, str] = {
    "追责问责": "追责问责",
    "问责": "追责问责",
    "追责": "追责问责",
    "批评教育": "批评教育",
    "书面检查": "书面检查",
    "书面检讨": "书面检查",
    "诫勉谈话": "诫勉谈话",
    "诫勉": "诫勉谈话",
    "提醒谈话": "提醒谈话",
    "谈话提醒": "提醒谈话",
    "约谈": "约谈",
    "通报批评": "通报批评",
    "组织处理": "组织处理",
    "党纪政务处分": "党纪政务处分",
    "党纪处分": "党纪处分",
    "政务处分": "政务处分",
    "政纪处分": "政务处分",
}
UMBRELLA_KIND = "追责问责"  # the heading under which the specific kinds are usually listed
# Talks that warn rather than sanction. A notice reports them beside the people held to
# account (追责问责), on their own lines, never inside that total.
BESIDE_ACCOUNTABILITY: frozenset[str] = frozenset({"约谈", "提醒谈话"})
# Kinds reported only with a number of people: 约谈 is also a working method aimed at units
# ("约谈了11家单位", "当日约谈"), and a mention of it alone holds nobody to account.
_COUNTED_ONLY = frozenset({"约谈"})

_SANCTION = re.compile(
    r"(?P<lead>责令(?:作出|写出)?)?(?P<kind>"
    + "|".join(sorted(_SANCTIONS, key=len, reverse=True))
    + ")(?!制|机制|条例|办法|规定|规则)"  # 问责制, 处分条例: the rule, not a sanction
)
# Kinds written as one list ("谈话提醒、批评教育") share the count after or before the list.
_JOINER = re.compile("、|和|及|与|或|以及")
_PERSONS = "责任人|负责人|人员|干部|党员|同志|职工"
_PEOPLE = rf"{NUMBER_START}(?P<num>{NUMBER})(?:余|多)?(?P<unit>人次|名|人|位)"
# After the kind: "等其他处理" (等: the count covers kinds the text does not name), then whom
# ("执法人员", "负有责任的学校负责人", at most a few words ending in a word for people).
_NOT_IN_WHOM = re.escape(CLAUSE_BREAKS) + "、：:（）()后0-9０-９"
_PEOPLE_AFTER = re.compile(
    r"(?P<others>等)?(?:其他|其它)?(?:方式|形式)?(?:处理|处置)?(?:共|了)?"
    rf"(?:[^{_NOT_IN_WHOM}]{{0,10}}?(?:{_PERSONS}))?(?:共|了)?{_PEOPLE}"
)
_PEOPLE_BEFORE = re.compile(_PEOPLE)
_JOINED_COUNTS = re.compile(r"[^0-9０-９]{0,8}(?:和|及|与)")
_PEOPLE_REACH = 30  # how far before a sanction its count may stand (对3名干部予以…)
# "追责问责3人，其中诫勉谈话1人": what follows 其中 breaks the count down. The breakdown runs
# to the end of the sentence, or of the bracket 其中 opened, or to a clause that starts anew.
_BREAKDOWN = re.compile(r"(?:[（(]次[）)])?[，,：:\s]*(?P<bracket>[（(])?其中")
_BREAKDOWN_END = re.compile(r"[。；;！!？?\n]|[，,](?:另|同时|此外|还|并)")


def find_accountability(text: str) -> tuple[AccountabilityFact, ...]:
    """Every sanction the text reports, with its number of people when it states one.

    Deterministic rules: a count right after the sanction (批评教育4人次) wins over one before it
    in the same clause (对3名干部予以追责问责). Kinds written as one list share one count
    ("谈话提醒、批评教育等其他处理406人" is one fact naming both). Counts after 其中 are parts of
    the count before it, which they break down by kind. Mentions without a count are kept once
    per kind, and dropped when the same kind is counted elsewhere in the text; a bare 追责问责
    is also dropped as soon as any sanction is counted, since it is then the heading of those;
    a bare 约谈 is never kept. Nothing inside “…” or 《…》 is read.
    """
    masked = mask_quoted(text)
    facts: list[AccountabilityFact] = []
    for run in _runs(masked):
        # a count before a sanction may not reach back past the previous fact
        shared = _sanctions_counted(text, masked, run, facts[-1].end if facts else 0)
        if shared is not None and len(run) > 1:
            facts.append(shared)
            continue
        for match in run:
            floor = facts[-1].end if facts else 0
            facts.append(
                _sanctions_counted(text, masked, [match], floor) or _mentioned(text, match)
            )
    return _with_parts(masked, _without_repeated_mentions(facts))


def _runs(masked: str) -> list[list[re.Match[str]]]:
    """The sanctions in text order, those written as one list grouped together."""
    runs: list[list[re.Match[str]]] = []
    for match in _SANCTION.finditer(masked):
        if runs and _JOINER.fullmatch(masked, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def _sanctions_counted(
    text: str, masked: str, run: list[re.Match[str]], floor: int
) -> AccountabilityFact | None:
    """The fact of a run of kinds with the count after its last kind or before its first."""
    kinds = tuple(dict.fromkeys(_SANCTIONS[match["kind"]] for match in run))
    first, last = run[0].start(), run[-1].end()
    after = _PEOPLE_AFTER.match(masked, last)
    number = _whole(after["num"]) if after else None
    if after is not None and number is not None:
        return _fact(text, kinds, number, after["unit"], first, after.end(), bool(after["others"]))
    before = _counted_before(masked, first, floor)
    if before is None:
        return None
    number, unit, start = before
    return _fact(text, kinds, number, unit, start, last, masked.startswith("等", last))


def _counted_before(masked: str, position: int, floor: int) -> tuple[int, str, int] | None:
    """(people, unit, start) of the count in the words before ``position``, if any."""
    lowest = max(floor, position - _PEOPLE_REACH)
    window_start = clause_start(masked, position, CLAUSE_BREAKS + "、", lowest)
    candidates = list(_PEOPLE_BEFORE.finditer(masked, window_start, position))
    if not candidates:
        return None
    # 对3名处级干部和5名科级干部进行…: counts joined by 和 add up
    chain = [candidates[-1]]
    for earlier in reversed(candidates[:-1]):
        joined = _JOINED_COUNTS.fullmatch(masked, earlier.end(), chain[0].start())
        if not joined or earlier["unit"] != chain[0]["unit"]:
            break
        chain.insert(0, earlier)
    numbers = [_whole(people["num"]) for people in chain]
    if any(number is None for number in numbers):
        return None
    first = chain[0].start()
    start = first - 1 if masked[first - 1 : first] == "对" else first
    return sum(number for number in numbers if number is not None), chain[0]["unit"], start


def _whole(written: str) -> int | None:
    number = parse_number(written)
    return int(number) if number is not None and number == int(number) else None


def _fact(
    text: str,
    kinds: tuple[str, ...],
    people: int | None,
    unit: str,
    start: int,
    end: int,
    others: bool = False,
) -> AccountabilityFact:
    kind = "、".join(kinds) + ("等" if others else "")
    return AccountabilityFact(kind, kinds, people, unit, text[start:end], start, end)


def _mentioned(text: str, match: re.Match[str]) -> AccountabilityFact:
    return _fact(text, (_SANCTIONS[match["kind"]],), None, "", match.start(), match.end())


def _without_repeated_mentions(facts: list[AccountabilityFact]) -> list[AccountabilityFact]:
    counted = {kind for fact in facts if fact.people is not None for kind in fact.kinds}
    sanctioned = bool(counted - BESIDE_ACCOUNTABILITY)
    kept: list[AccountabilityFact] = []
    mentioned: set[str] = set()
    for fact in facts:
        if fact.people is None:
            if fact.kind in counted or fact.kind in mentioned or fact.kind in _COUNTED_ONLY:
                continue
            if fact.kind == UMBRELLA_KIND and sanctioned:
                continue
            mentioned.add(fact.kind)
        kept.append(fact)
    return kept


def _with_parts(masked: str, facts: list[AccountabilityFact]) -> tuple[AccountabilityFact, ...]:
    """The facts, each one that stands in a counted fact's 其中 pointing at that fact."""
    result: list[AccountabilityFact] = []
    parent: int | None = None
    until = 0
    for fact in facts:
        if parent is not None and fact.start < until:
            result.append(replace(fact, part_of=parent))
            continue
        parent = None
        breakdown = _BREAKDOWN.match(masked, fact.end) if fact.people is not None else None
        if breakdown is not None:
            parent, until = len(result), _breakdown_end(masked, breakdown)
        result.append(fact)
    return tuple(result)


def _breakdown_end(masked: str, breakdown: re.Match[str]) -> int:
    if breakdown["bracket"]:
        depth = 1
        for index in range(breakdown.end(), len(masked)):
            depth += {"（": 1, "(": 1, "）": -1, ")": -1}.get(masked[index], 0)
            if depth == 0 or masked[index] == "。":
                return index
        return len(masked)
    end = _BREAKDOWN_END.search(masked, breakdown.end())
    return end.start() if end else len(masked)


# ---------------------------------------------------------------------------------------------
# Regulations

_ISSUING = (
    "审议通过",
    "建立健全",
    "出台",
    "制定",
    "印发",
    "建立",
    "起草",
    "发布",
    "下发",
    "颁布",
    "编制",
)
_REVISING = ("修订完善", "修改完善", "健全完善", "修订", "修改", "修正", "完善", "健全")
_VERB = "|".join(sorted(_ISSUING + _REVISING, key=len, reverse=True))
# Verbs chained by 和/并 act together; the first one names the action (建立和修订完善 → issued).
# Such a chain is read backwards from where it must end (:func:`_verb_phrase_start`), never by a
# regular expression: 建立健全 is one verb or two, and a pattern that tried both ways would take
# time doubling with each verb of a long chain.
_JOINING_WORDS = ("和", "并", "及", "与", "、", "并报请", "报请")
_VERB_ENDING = "了"
_FIRST_VERB = re.compile(_VERB)
# A verb written as two verbs (建立健全 = 建立 + 健全) adds no chain: the chains are the same.
_SINGLE_VERBS = tuple(
    verb
    for verb in _ISSUING + _REVISING
    if not any(
        verb[:cut] in _ISSUING + _REVISING and verb[cut:] in _ISSUING + _REVISING
        for cut in range(1, len(verb))
    )
)
# A title right after these is studied, implemented or promoted, not issued by the unit.
_STUDY_BEFORE = re.compile(
    "(?:学习贯彻|贯彻落实|学习|贯彻|落实|解读|宣传|宣讲|研读|依据|根据|按照|对照|遵照|参照"
    "|执行|推介|围绕|(?<![工合操协创运写动])作)了?$"
)
# A title followed by these names a course, a talk, a programme or a publication.
_NOT_A_RULE_AFTER = re.compile(
    "等?(?:课程|报告|讲座|视频|节目|专题片|栏目|一书|杂志|期刊|报纸|摘要|知识竞赛|读本|刊发|播放"
    "|调研报告|学习报告会|[0-9０-９]+(?:篇|期))"
)
_RULE_WORDS = (
    "办法", "规定", "制度", "意见", "方案", "细则", "条例", "规则", "体系", "机制", "清单",
    "准则", "通知", "规程", "规范", "标准", "守则", "决定", "纲要", "要点", "指引", "指南",
)  # fmt: skip
# Titles of documents that report or publish rather than rule, whatever verb precedes them.
_NOT_A_RULE_TITLE = ("报告", "报", "参阅", "内参", "文集", "读本", "教材", "汇编", "选编", "片")
_NOTE_BRACKETS = "()（）"
_TITLE_SEPARATOR = re.compile("(?:、|和|及|与|以及)?")
_RULE_NOUN = "规章制度|制度文件|制度机制|制度|规章|规定|办法|文件|机制"
_GROUP_TOTAL = re.compile(
    rf"等(?P<total>{NUMBER_START}(?P<num>{NUMBER})(?:余|多)?(?:项|个|件|部|条)(?:{_RULE_NOUN}))"
)
# Counts of unnamed rules, each with whether a chain of verbs before it belongs to its span.
# Nothing a count starts with can end or continue such a chain, so the chain right before a
# count is the one a pattern starting with the verbs would have matched.
_COUNTED: tuple[tuple[re.Pattern[str], bool], ...] = (
    (
        re.compile(
            rf"建章立制(?:共计|共|达)?{NUMBER_START}(?P<num>{NUMBER})(?:余|多)?(?:项|个|件|部|条)"
        ),
        False,
    ),
    (
        re.compile(
            r"(?:各项|各类|相关|有关)?(?:规章制度|制度机制|制度文件|制度|规章)"
            rf"(?:共计|共|达)?{NUMBER_START}(?P<num>{NUMBER})(?:余|多)?(?:项|个|件|部|条)"
        ),
        True,
    ),
    (
        re.compile(
            rf"{NUMBER_START}(?P<num>{SCANNED_NUMBER})(?:余|多)?(?:项|个|件|部|条)"
            rf"(?:各项|相关)?(?:{_RULE_NOUN})"
        ),
        True,
    ),
)


def find_regulations(text: str) -> tuple[RegulationFact, ...]:
    """Rules and systems the text says were issued or revised, in text order.

    A 《title》 is a regulation unless a study verb precedes it (学习, 贯彻落实, 解读 …) or a
    course, talk or publication word follows it (课程, 报告, 10篇 …); beyond that it needs an
    issuing or revising verb right before it (出台, 制定, 修订完善 …) or a rule word at its end
    (办法, 规定, 制度, 实施意见, 体系(试行) …). Titles written back to back share that verb.
    "《A》《B》等25项制度" gives one fact per title (count 1) and one fact without a title for the
    remaining 23, so the counts of the span add up to 25. Unnamed counts ("制度14项",
    "修订完善12项规章制度", "建章立制30余项") give one fact with title None; rules named
    neither by a title nor by a count ("建立联席会议机制") are not reported.
    """
    masked = mask_quoted(text)
    clauses = ClauseStarts(text)
    facts: list[RegulationFact] = []
    for group in _title_groups(text):
        facts.extend(_titled(text, clauses, group))
    taken = Spans()
    taken.extend([(fact.start, fact.end) for fact in facts])
    for pattern, after_verbs in _COUNTED:
        # a pattern's own counts never overlap: only the facts found before it can
        found = []
        for start, count_start, end, number in _counts(masked, pattern, after_verbs):
            if taken.overlaps(start, end):
                continue
            fact = _counted(text, masked, (start, count_start, end), number)
            if fact is not None:
                found.append(fact)
        taken.extend([(fact.start, fact.end) for fact in found])
        facts.extend(found)
    return tuple(sorted(facts, key=lambda fact: fact.start))


def _counts(
    masked: str, pattern: re.Pattern[str], after_verbs: bool
) -> list[tuple[int, int, int, str]]:
    """(start, count start, end, number as written) of each count, with its verbs if asked.

    The counts are those a search for the verbs and the count together would find: each starts
    at the first verb of the chain right before it, never before the end of the previous one.
    """
    counts = []
    position = 0
    while (match := pattern.search(masked, position)) is not None:
        start = count_start = match.start()
        if after_verbs:
            chain = _verb_phrase_start(masked, position, count_start)
            start = count_start if chain is None else chain
        counts.append((start, count_start, match.end(), match["num"]))
        position = match.end()
    return counts


def _verb_phrase_start(text: str, lowest: int, end: int) -> int | None:
    """Where the longest chain of verbs ending at ``end`` starts (not before ``lowest``).

    A chain is verbs, each joined to the one before by nothing or one joining word, and may end
    in 了. Read backwards from ``end``: each place a verb must end at, the verbs that end
    there, and the places the verb before them may end at; the earliest verb start wins.
    """
    stop = end - 1 if end > lowest and text[end - 1] == _VERB_ENDING else end
    earliest: int | None = None
    ends = {stop}
    while ends:
        verb_end = max(ends)
        ends.discard(verb_end)
        for verb in _VERBS_ENDING_IN.get(text[verb_end - 1 : verb_end], ()):
            verb_start = verb_end - len(verb)
            if verb_start < lowest or not text.startswith(verb, verb_start):
                continue
            earliest = verb_start if earliest is None else min(earliest, verb_start)
            ends.add(verb_start)
            for word in _JOINING_WORDS:
                if verb_start - len(word) >= lowest and text.startswith(
                    word, verb_start - len(word)
                ):
                    ends.add(verb_start - len(word))
    return earliest


_VERBS_ENDING_IN: dict[str, tuple[str, ...]] = {
    last: tuple(verb for verb in _SINGLE_VERBS if verb[-1] == last)
    for last in {verb[-1] for verb in _SINGLE_VERBS}
}


def _title_groups(text: str) -> list[list[tuple[int, int]]]:
    """Outermost 《…》 spans (including the brackets), grouped when written back to back."""
    titles = [
        (start - 1, end + 1) for start, end in quoted_regions(text) if text[start - 1] == "《"
    ]
    groups: list[list[tuple[int, int]]] = []
    for title in titles:
        if groups and _TITLE_SEPARATOR.fullmatch(text[groups[-1][-1][1] : title[0]]):
            groups[-1].append(title)
        else:
            groups.append([title])
    return groups


def _titled(text: str, clauses: ClauseStarts, group: list[tuple[int, int]]) -> list[RegulationFact]:
    first, last = group[0][0], group[-1][1]
    clause = clauses.at(first)
    # a study word is at most five characters, one more is read for 作's guard
    if _STUDY_BEFORE.search(text, max(clause, first - 6), first):
        return []
    if _NOT_A_RULE_AFTER.match(text, last):
        return []
    chain = _verb_phrase_start(text, clause, first)
    verb = None if chain is None else text[chain:first]
    action = _action(verb) if verb else ""
    total = _GROUP_TOTAL.match(text, last)
    facts = [
        RegulationFact(text[start + 1 : end - 1], 1, action, text[start:end], start, end)
        for start, end in group
        if _may_be_rule(text[start + 1 : end - 1], verb is not None or total is not None)
    ]
    if total:
        number = parse_number(total["num"])
        rest = int(number) - len(facts) if number is not None else 0
        if rest > 0:
            start, end = total.start("total"), total.end("total")
            facts.append(RegulationFact(None, rest, action, text[start:end], start, end))
    return facts


def _may_be_rule(title: str, stated: bool) -> bool:
    """Whether a title names a rule; ``stated`` when the text says one was issued or revised."""
    ending = _without_trailing_notes(title)
    if ending.endswith(_NOT_A_RULE_TITLE):
        return False
    return stated or ending.endswith(_RULE_WORDS)


def _without_trailing_notes(title: str) -> str:
    """The title without the notes it ends with: (试行), （修订）, nested <…> endings.

    Read backwards, so a long title is read once: a note is a bracket pair with no bracket
    inside, or one > or 〉. A final line break stays after the notes, as ``$`` leaves it.
    """
    end = len(title) - 1 if title.endswith("\n") else len(title)
    start = end
    while start > 0:
        if title[start - 1] in ">〉":
            start -= 1
            continue
        if title[start - 1] not in ")）":
            break
        opening = start - 2
        while opening >= 0 and title[opening] not in _NOTE_BRACKETS:
            opening -= 1
        if opening < 0 or title[opening] not in "(（":
            break
        start = opening
    return title[:start] + title[end:]


def _counted(
    text: str, masked: str, span: tuple[int, int, int], written: str
) -> RegulationFact | None:
    """The fact of a count spanning (start, count start, end): its verbs before the count."""
    number = parse_number(written)
    if number is None or number != int(number) or number < 1:
        return None
    start, count_start, end = span
    issued = masked.startswith("建章立制", start)
    action = "issued" if issued else _action(masked[start:count_start])
    return RegulationFact(None, int(number), action, text[start:end], start, end)


def _action(verb_phrase: str) -> str:
    first = _FIRST_VERB.search(verb_phrase)
    if first is None:
        return ""
    return "revised" if first.group() in _REVISING else "issued"
