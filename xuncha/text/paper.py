"""Rectification on paper only (文字整改, 数字整改, 形式整改): the flags an inspection office
raises on a round's measures before it believes them.

Pure Python, no Django. :func:`paper_flags` takes one :class:`MeasureRecord` per measure (its
text, owner, deadline and the outcomes stored from it) and returns, per measure, the
:class:`Flag` s it earns, each with its reason. The rules are documented in
``docs/paper-flags.md``:

* ``meetings_only`` (形式整改): the measure names meetings, trainings, study or talks (召开会议,
  开展培训, 谈心谈话 …) and nothing done: no clause of a concrete result (清退, 查处, 整治, 建章
  立制 …) and no counted result among its outcomes (money refunded, people held to account, a
  rule issued, a count or rate of something else than those activities);
* ``meetings_counted`` (数字整改): the same, but the measure counts its meetings or trainings
  (召开会议3次, 培训6期): the figures stand in for a result;
* ``documents_only`` (文字整改): the measure only issues documents (印发通知, 下发方案 …);
* ``no_owner`` and ``no_deadline`` (文字整改): the 责任清单 is missing for it, neither a
  responsible leader nor a lead department, or no deadline;
* ``copied`` (文字整改): its text is nearly the text of a measure of another unit of the same
  round, once punctuation, whitespace, ordinals and unit names are stripped
  (:func:`normalise`), with :func:`similarity` at least :data:`COPY_THRESHOLD`, the threshold
  measured by ``bench/paper_similarity.py``.

Messages are marked with :func:`gettext_noop`, so the Django side translates them without this
module importing Django.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import LCSseq

from xuncha.text._i18n import gettext_noop
from xuncha.text.notice import held_to_account

__all__ = [
    "COPY_THRESHOLD",
    "MIN_LENGTH",
    "PAPER_LABELS",
    "REASON_KINDS",
    "REASON_MESSAGES",
    "Activities",
    "Comparable",
    "Flag",
    "MeasureRecord",
    "SimilarPair",
    "Stated",
    "UnitNames",
    "activities_of",
    "candidate_pairs",
    "counted_results",
    "gettext_noop",
    "measure_flags",
    "normalise",
    "paper_flags",
    "similar_pairs",
    "similarity",
]


# The three words inspectors use, and which reason earns which.
FORM, WORDS, NUMBERS = "form", "words", "numbers"
PAPER_LABELS: dict[str, str] = {
    FORM: gettext_noop("形式整改"),
    WORDS: gettext_noop("文字整改"),
    NUMBERS: gettext_noop("数字整改"),
}
MEETINGS_ONLY = "meetings_only"
MEETINGS_COUNTED = "meetings_counted"
DOCUMENTS_ONLY = "documents_only"
NO_OWNER = "no_owner"
NO_DEADLINE = "no_deadline"
COPIED = "copied"
REASON_KINDS: dict[str, str] = {
    MEETINGS_ONLY: FORM,
    MEETINGS_COUNTED: NUMBERS,
    DOCUMENTS_ONLY: WORDS,
    NO_OWNER: WORDS,
    NO_DEADLINE: WORDS,
    COPIED: WORDS,
}
REASON_MESSAGES: dict[str, str] = {
    MEETINGS_ONLY: gettext_noop("措施只有开会、培训、学习或谈话，没有可计数的整改成效"),
    MEETINGS_COUNTED: gettext_noop("措施的数字只是会议、培训等的场次或人次，没有实际整改成效"),
    DOCUMENTS_ONLY: gettext_noop("措施只有印发文件、通知或方案，没有可计数的整改成效"),
    NO_OWNER: gettext_noop("措施未明确责任领导或责任部门"),
    NO_DEADLINE: gettext_noop("措施未明确完成时限"),
    COPIED: gettext_noop("措施与其他单位的措施几乎相同"),
}

# Words of activities that are the form of rectification, not its result, by kind. A clause
# naming one of them is an activity clause, whatever else it says ("召开会议研究解决" is a
# meeting); documents are their own kind, since issuing papers alone is 文字整改.
ACTIVITY_TERMS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "召开",
        "会议",
        "座谈会",
        "专题会",
        "推进会",
        "部署会",
        "动员会",
        "党组会",
        "常委会",
        "民主生活会",
        "组织生活会",
        "研究部署",
        "专题研究",
        "研讨",
    ),
    "training": (
        "培训",
        "学习",
        "宣讲",
        "讲座",
        "党课",
        "读书班",
        "专题教育",
        "警示教育",
        "观看",
    ),
    "talk": ("谈心谈话", "提醒谈话", "集体谈话", "谈话提醒", "约谈"),
    "document": (
        "印发",
        "下发",
        "转发",
        "发文",
        "通知",
        "文件",
        "方案",
        "简报",
        "倡议书",
        "承诺书",
        "签订",
    ),
}
# Words of a concrete result: a clause with one of them (and no activity word) saves the
# measure from the activity flags even when the result is not counted.
RESULT_TERMS: tuple[str, ...] = (
    "清退",
    "退还",
    "退回",
    "追缴",
    "收缴",
    "收回",
    "追回",
    "返还",
    "挽回",
    "补缴",
    "查处",
    "立案",
    "处分",
    "问责",
    "移交",
    "移送",
    "整治",
    "拆除",
    "改造",
    "建成",
    "完工",
    "竣工",
    "上线",
    "投入使用",
    "清理",
    "核查",
    "处置",
    "纠正",
    "撤销",
    "免职",
    "调整",
    "解决",
    "办结",
    "化解",
    "销号",
    "兑现",
    "配备",
    "选拔",
    "招聘",
)
# A rule issued or revised is a result even unnamed and uncounted ("完善学习制度" is not study).
_RULE = re.compile(
    r"(?:建立|制定|修订|完善|出台|健全)[^，,。；;：:]{0,12}?"
    r"(?:制度|机制|办法|规定|细则|规则|规程|流程|台账)"
)
# Titles of papers that a regulation row may name but that are no rule: a 《…通知》 is issued,
# not instituted.
_PAPER_TITLE = re.compile(r"(?:通知|方案|计划|简报|纪要|讲话|报告|清单|函|倡议书?|承诺书)$")
_CLAUSE = re.compile(r"[^，,。；;！!？?\n]+")
# Money categories (``xuncha.text.notice.MONEY_CATEGORIES``) that are a result: money back.
RESULT_MONEY = frozenset({"refunded", "seized", "reduced"})


@dataclass(frozen=True)
class Stated:
    """A quantity stored from a measure's text: its kind (count, money, percent, date), what it
    counts and, for money, its category (refunded, found …)."""

    kind: str
    subject: str = ""
    money_category: str = ""


@dataclass(frozen=True)
class MeasureRecord:
    """One measure as the flags read it: its text, its 责任清单 fields and the outcomes stored
    from its text.

    ``accountability`` holds the kinds of each count of people that stands on its own (its
    parts, 其中…, aside); ``regulations`` the title of each rule, "" for a count of unnamed
    ones. ``unit`` is the key of the measure's unit: measures of one unit are never copies of
    each other.
    """

    key: Hashable
    unit: Hashable
    text: str
    owner: str = ""
    department: str = ""
    has_deadline: bool = False
    quantities: tuple[Stated, ...] = ()
    accountability: tuple[tuple[str, ...], ...] = ()
    regulations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """Why a measure looks like rectification on paper: the reason, the paper word it earns,
    the activity words found (``terms``) and, for a copy, the measures it copies (``others``)
    with the highest similarity (``score``, 0 to 100)."""

    reason: str
    terms: tuple[str, ...] = ()
    others: tuple[Hashable, ...] = ()
    score: float | None = None

    @property
    def kind(self) -> str:
        return REASON_KINDS[self.reason]

    @property
    def label(self) -> str:
        return PAPER_LABELS[self.kind]

    @property
    def message(self) -> str:
        return REASON_MESSAGES[self.reason]


@dataclass(frozen=True)
class Activities:
    """What a text's clauses do: the activity words found by kind, and the result words."""

    activities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for terms in self.activities.values() for t in terms))


def activities_of(text: str) -> Activities:
    """The activity and result words of ``text``, clause by clause.

    A clause with an activity word is an activity clause (its result words, "研究解决", are
    what the meeting was about); a clause without one is a result clause when it has a result
    word or names a rule issued. Words inside 《…》 are the title's, not the measure's.
    """
    found: dict[str, list[str]] = defaultdict(list)
    results: list[str] = []
    for clause in _CLAUSE.findall(re.sub(r"《[^》]*》", "《》", text)):
        named = {
            kind: [term for term in terms if term in clause]
            for kind, terms in ACTIVITY_TERMS.items()
        }
        if rule := _RULE.search(clause):
            results.append(rule.group())
        elif any(named.values()):
            for kind, terms in named.items():
                found[kind].extend(terms)
        else:
            results.extend(term for term in RESULT_TERMS if term in clause)
    return Activities(
        activities={kind: tuple(dict.fromkeys(terms)) for kind, terms in found.items() if terms},
        results=tuple(dict.fromkeys(results)),
    )


def _is_activity(subject: str) -> bool:
    return any(term in subject for terms in ACTIVITY_TERMS.values() for term in terms)


def counted_results(record: MeasureRecord) -> tuple[str, ...]:
    """What the measure's stored outcomes count as a result: money back, people held to
    account, rules, counts and rates of something else than meetings and trainings."""
    found: list[str] = []
    for stated in record.quantities:
        if stated.kind == "money" and stated.money_category in RESULT_MONEY:
            found.append("money")
        elif stated.kind == "percent" or (
            stated.kind == "count" and stated.subject and not _is_activity(stated.subject)
        ):
            found.append("count")
    if any(held_to_account(kinds) for kinds in record.accountability):
        found.append("people")
    if any(not _PAPER_TITLE.search(title.strip()) for title in record.regulations):
        found.append("rule")
    return tuple(dict.fromkeys(found))


def _activity_counts(record: MeasureRecord) -> bool:
    return any(
        stated.kind == "count" and _is_activity(stated.subject) for stated in record.quantities
    )


def measure_flags(record: MeasureRecord) -> tuple[Flag, ...]:
    """The flags of one measure by itself: its activities, its owner, its deadline."""
    flags: list[Flag] = []
    done = activities_of(record.text)
    if done.activities and not done.results and not counted_results(record):
        if set(done.activities) == {"document"}:
            reason = DOCUMENTS_ONLY
        elif _activity_counts(record):
            reason = MEETINGS_COUNTED
        else:
            reason = MEETINGS_ONLY
        flags.append(Flag(reason, terms=done.terms))
    if not record.owner.strip() and not record.department.strip():
        flags.append(Flag(NO_OWNER))
    if not record.has_deadline:
        flags.append(Flag(NO_DEADLINE))
    return tuple(flags)


def paper_flags(
    records: Sequence[MeasureRecord],
    unit_names: Iterable[str] = (),
    *,
    threshold: float | None = None,
) -> dict[Hashable, tuple[Flag, ...]]:
    """Every flag of every measure of one round (measures without any flag left out).

    Copies are looked for across units only, on texts with ``unit_names`` removed; a measure
    copied by several gets one ``copied`` flag naming them all, with the highest score.
    """
    names = UnitNames(unit_names)
    items = [Comparable(r.key, r.unit, normalise(r.text, names)) for r in records]
    copies: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for pair in similar_pairs(items, threshold=threshold):
        copies[pair.first][pair.second] = pair.score
        copies[pair.second][pair.first] = pair.score
    result: dict[Hashable, tuple[Flag, ...]] = {}
    for record in records:
        flags = list(measure_flags(record))
        if others := copies.get(record.key):
            flags.append(Flag(COPIED, others=tuple(others), score=max(others.values())))
        if flags:
            result[record.key] = tuple(flags)
    return result


# ---------------------------------------------------------------------------------------------
# Near-identical texts across units

# Measured by bench/paper_similarity.py on the seed and the corpus against reworded copies
# (docs/paper-flags.md): of 2,207 pairs of measures of different units none scores above 41.0;
# of 246 reworded copies none below 86.5. The threshold sits in the middle of that gap.
COPY_THRESHOLD = 64.0
# Shorter normalised texts ("严肃追责问责") coincide between units without being copied.
MIN_LENGTH = 12
# Blocking: winnowed character trigrams; a fingerprint in more measures than this (of a large
# round) says nothing about copying and is not counted; candidates share this part of the
# smaller text's counted fingerprints, and at least this many.
SHINGLE = 3
WINDOW = 5
SHORT = 60
COMMON_SHARE = 0.002
COMMON_FLOOR = 20
SHARED_PART = 0.3
SHARED_FLOOR = 2
# The longer of two copies is at most this many times the shorter (a sentence dropped).
LENGTH_RATIO = 2.5

_ORDINAL = re.compile(
    r"(?:^|(?<=[。；;，,\s]))(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])"
)


class UnitNames:
    """Unit names to strip from texts, as one pattern built from the names' trie, so that a text
    is scanned once whatever the number of names (a province round names thousands); the
    longest name starting at a place wins."""

    def __init__(self, names: Iterable[str]) -> None:
        trie: dict[str, Any] = {}
        for name in {unicodedata.normalize("NFKC", n).strip() for n in names}:
            if len(name) >= 2:
                node = trie
                for character in name:
                    node = node.setdefault(character, {})
                node[""] = {}
        self.pattern = re.compile(_trie_pattern(trie)) if trie else None

    def remove(self, text: str) -> str:
        return self.pattern.sub("", text) if self.pattern else text


def _trie_pattern(node: dict[str, Any]) -> str:
    """A regular expression matching the words of a trie, longest first: each branch is tried
    in turn and the end of a word ("") last, so 市委宣传部 wins over 市委."""
    branches = [re.escape(key) + _trie_pattern(child) for key, child in node.items() if key]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
    return f"{group}?" if "" in node else group


def normalise(text: str, unit_names: Iterable[str] | UnitNames = ()) -> str:
    """The text as copies are compared: full-width forms folded (NFKC), ordinals (一是,
    （二）, 3.) and the units' names removed, then every character that is no letter or digit
    (punctuation, symbols, whitespace) stripped."""
    names = unit_names if isinstance(unit_names, UnitNames) else UnitNames(unit_names)
    folded = names.remove(_ORDINAL.sub("", unicodedata.normalize("NFKC", text)))
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def similarity(first: str, second: str) -> float:
    """How much of the shorter text is in the longer, 0 to 100: their longest common
    subsequence over the shorter's length. A copy with words changed keeps most of it, and
    one with a sentence dropped all of it; texts far apart in length (beyond
    :data:`LENGTH_RATIO`) score 0."""
    short, long_ = sorted((len(first), len(second)))
    if not short or long_ > short * LENGTH_RATIO:
        return 0.0
    return 100.0 * LCSseq.similarity(first, second) / short


@dataclass(frozen=True)
class Comparable:
    """A measure's normalised text with its key and its unit's."""

    key: Hashable
    unit: Hashable
    text: str


@dataclass(frozen=True)
class SimilarPair:
    """Two measures of different units whose texts score ``score`` (≥ the threshold)."""

    first: Hashable
    second: Hashable
    score: float


def _fingerprints(text: str) -> set[int]:
    """The text's winnowed trigram hashes (Schleimer et al., 2003): the smallest hash of each
    window of :data:`WINDOW` consecutive trigrams. Two texts sharing a run of
    ``WINDOW + SHINGLE - 1`` characters share a fingerprint, with about a third of the
    trigrams kept. A short text keeps every trigram: a word or two changed in it leaves no
    long run."""
    data = text.encode("utf-32-le")  # four bytes a character: a trigram is twelve
    size = 4 * SHINGLE
    hashes = [zlib.crc32(data[i : i + size]) for i in range(0, len(data) - size + 1, 4)]
    if len(text) < SHORT:
        return set(hashes)
    return {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}


def candidate_pairs(items: Sequence[Comparable]) -> set[tuple[int, int]]:
    """Index pairs (i < j, different units) worth scoring, without scoring every pair.

    Identical texts always pair. Otherwise two texts pair when they share enough fingerprints
    (:func:`_fingerprints`; :data:`SHARED_PART` of the smaller's counted ones, at least
    :data:`SHARED_FLOOR`), counting only fingerprints found in few measures: a phrase every
    unit writes (进一步加强) is no sign of copying, and counting it would make the index
    quadratic again.
    """
    pairs: set[tuple[int, int]] = set()
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if len(item.text) >= MIN_LENGTH:
            by_text[item.text].append(index)
    for same in by_text.values():
        pairs.update((i, j) for i in same for j in same if i < j and items[i].unit != items[j].unit)
    prints = [_fingerprints(item.text) if len(item.text) >= MIN_LENGTH else set() for item in items]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, found in enumerate(prints):
        for value in found:
            postings[value].append(index)
    common = max(COMMON_FLOOR, math.ceil(COMMON_SHARE * len(items)))
    rare = [[value for value in found if len(postings[value]) <= common] for found in prints]
    for index, own in enumerate(rare):
        if not own:
            continue
        shared: Counter[int] = Counter()
        for value in own:
            shared.update(postings[value])
        unit = items[index].unit
        for other, count in shared.items():
            if other <= index or count < SHARED_FLOOR or items[other].unit == unit:
                continue
            if count >= SHARED_PART * min(len(own), len(rare[other])):
                pairs.add((index, other))
    return pairs


def similar_pairs(
    items: Sequence[Comparable], *, threshold: float | None = None
) -> list[SimilarPair]:
    """The pairs of measures of different units scoring at least ``threshold`` (by default
    :data:`COPY_THRESHOLD`), among the candidates of :func:`candidate_pairs`, best first."""
    cutoff = COPY_THRESHOLD if threshold is None else threshold
    found = []
    for i, j in candidate_pairs(items):
        score = similarity(items[i].text, items[j].text)
        if score >= cutoff:
            found.append(SimilarPair(items[i].key, items[j].key, round(score, 1)))
    return sorted(found, key=lambda pair: (-pair.score, str(pair.first), str(pair.second)))


def flags_as_json(flags: Mapping[Hashable, Sequence[Flag]]) -> dict[str, Any]:
    """Plain JSON of the flags, keyed by the measure keys as strings (for the bench)."""
    return {
        str(key): [
            {"reason": f.reason, "kind": f.kind, "terms": list(f.terms), "score": f.score}
            for f in items
        ]
        for key, items in flags.items()
    }
