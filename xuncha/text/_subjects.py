"""What a quantity is about: its subject (the words before it) and what it counts.

Private to :mod:`xuncha.text.quantities`. Works on the simplified copy of the text the
finders read, after dates are given their years and from/to pairs are marked.
"""

from __future__ import annotations

import re

from xuncha.text._numbers import CHINESE_NUMERALS, CLAUSE_BREAKS, ClauseStarts, Found

__all__ = ["counted", "find_subjects"]

# Words that open or close a clause without saying what is counted. Longest first. Single
# characters are guarded: 对, 在, 自, 共 … also start real words (对接, 自愿, 共建).
_LEADING_FILLER = re.compile(
    "(?:[一二三四五六七八九十]+是|帮助申请|共计|累计|总计|目前|已经|共有|先后|及时|其中"
    "|同时|分别|全年|全市|完成|帮助|组织|推动|已|并|和|将|向|由"
    "|对(?![接照标口话外象])|共(?![建享同商治识青])|在(?![线职编岗])|为(?!民)"
    "|从(?![严业事])|自(?![愿主发查学我身治]))"
)
_LEADING_FILLERS = re.compile("^" + _LEADING_FILLER.pattern)
_TRAILING_FILLERS = re.compile(
    "(?:共计|累计|总计|累积|增加|达到|分别|共|达|为|了|约|到|至|从|由|自|已)$"
)
# Openers that end a clause's preamble wherever they stand ("年内帮助申请减免…").
_OPENERS = re.compile("帮助申请|帮助|完成|共计|累计|总计|目前|已经|其中|先后")
_CLOSING_MARKS = re.compile("[”’》」』〉]")
_QUOTE_MARKS = re.compile("[“”‘’《》「」『』〈〉]")
_SUBJECT_CHARACTERS = 8
_NO_SUBJECT = frozenset({"date", "period", "ordinal"})
_NUMBER_CHARACTERS = frozenset("0123456789０１２３４５６７８９.．" + CHINESE_NUMERALS)
# Where the noun after a measure word ends: a verb or particle that starts the predicate.
_NOUN_END = re.compile(
    "清退|追回|收回|退还|退回|进行|开展|予以|给予|实施|完成|参加|参与|提出|整改|落实|办结|处理"
    "|签订|建立|制定|修订|出台|涉及|共计|累计|合计|同比|环比|占比|上升|下降|增长|增加|减少|提高"
    "|降低|达到|自愿|通过|得到|实现|接受|受到|获得|进入|开始|已|均|都|共|和|及|与|等|中|的|为|是"
    "|在|被|并|内|以|来|后|前|里|上|下|左右|次|余|多|[^一-鿿]"
)
_NOUN_CHARACTERS = 10


def _whole_numbers(words: str, cut: int) -> str:
    """``words[cut:]``, moved left so that it does not start inside a number."""
    cut = max(cut, 0)
    while 0 < cut < len(words) and words[cut] in _NUMBER_CHARACTERS:
        if words[cut - 1] not in _NUMBER_CHARACTERS:
            break
        cut -= 1
    return words[cut:]


def counted(text: str, item: Found, subject: str) -> str:
    """What a count counts: the noun right after its measure word (42家建设单位), else the
    subject; a date or period counts nothing."""
    if item.kind in _NO_SUBJECT:
        return ""
    follows = text[item.end : item.end + 1]
    if item.kind == "count" and item.unit and "\u4e00" <= follows <= "\u9fff":
        noun_end = _NOUN_END.search(text, item.end, item.end + _NOUN_CHARACTERS)
        noun = text[item.end : noun_end.start() if noun_end else item.end + _NOUN_CHARACTERS]
        if len(noun) >= 2:
            return noun
    return subject


def find_subjects(text: str, found: list[Found]) -> list[str]:
    """A short subject per quantity: the words between the clause start and the number.

    Heuristic by design (the gold list does not score it): drop enumerations up to the last
    等 and quoted names followed by a verb, drop filler words at both ends, keep at most eight
    characters from the right, cutting after a 和 or 的 that would start them and never inside
    a number (35岁以下处级干部 stays whole). A
    quantity that directly follows another in its clause takes the words after that one (less
    its two-character noun, 党员 in "1200名党员自愿捐款…"), or its subject when nothing is left.
    """
    subjects: list[str] = []
    clauses = ClauseStarts(text, CLAUSE_BREAKS + "、:：")
    partner = -1  # the latest "from" so far
    for index, item in enumerate(found):
        if item.qualifier == "from":
            partner = index
        if item.kind in _NO_SUBJECT:
            subjects.append("")
            continue
        if item.qualifier == "to":
            # the pair's start is the nearest earlier "from"; both count the same thing
            subjects.append(subjects[partner])
            continue
        start = clauses.at(item.start)
        follows_previous = index > 0 and found[index - 1].end > start
        if follows_previous:
            start = found[index - 1].end
        words = text[start : item.start]
        if follows_previous and len(words) > 2:
            words = words[2:]
        subject = ""
        if len(words) > 1:  # one character never says what is counted
            # after a quoted name, the words that follow it say what was done with it
            tail = _CLOSING_MARKS.split(words)[-1]
            words = _QUOTE_MARKS.sub("", tail if len(tail) >= 2 else words)
            subject = _trim(words.rsplit("等", 1)[-1])
        if not subject and follows_previous:
            subject = subjects[-1]
        subjects.append(subject)
    return subjects


def _trim(words: str) -> str:
    openers = [m.end() for m in _OPENERS.finditer(words) if len(words) - m.end() >= 2]
    if openers:
        words = words[openers[-1] :]
    words = _strip_fillers(words)
    if len(words) > _SUBJECT_CHARACTERS:
        words = _whole_numbers(words, len(words) - _SUBJECT_CHARACTERS - 2)
        # cut at a word joint rather than inside a word, when the joint leaves enough words
        joint = max(words.find(mark) for mark in "和的到")
        if 0 <= joint < len(words) - 2:
            words = words[joint + 1 :]
        else:
            words = _whole_numbers(words, len(words) - _SUBJECT_CHARACTERS)
    words = _LEADING_FILLERS.sub("", words)
    return words if len(words) > 1 else ""  # one character never says what is counted


def _strip_fillers(words: str) -> str:
    """Drop filler words at both ends, in turn, until none is left at either end.

    Works on offsets, so a long run of fillers is not copied once per word dropped. A filler
    that was not at ``low`` stays absent while at least two characters remain: the fillers are
    fixed words, a run of numerals before 是, or one character before a one-character guard.
    """
    low, high = 0, len(words)
    no_filler_at = -1
    while True:
        new_low = low
        if low != no_filler_at or high - low < 2:
            leading = _LEADING_FILLER.match(words, low, high)
            if leading:
                new_low = leading.end()
            else:
                no_filler_at = low
        # every trailing filler is one or two characters long
        trailing = _TRAILING_FILLERS.search(words, max(new_low, high - 2), high)
        new_high = trailing.start() if trailing else high
        if (new_low, new_high) == (low, high):
            return words[low:high]
        low, high = new_low, new_high
