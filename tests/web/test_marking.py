"""The marked measure text: figures wrapped in <mark>, everything else escaped."""

from __future__ import annotations

from dataclasses import dataclass

from xuncha.web.marking import Span, mark_outcomes, mark_spans, outcome_title


def span(start: int, end: int, title: str = "t") -> Span:
    return Span(start=start, end=end, css_class="outcome outcome-count", title=title)


def test_text_without_spans_is_escaped_and_unchanged_otherwise():
    assert mark_spans("a<b>&c", []) == "a&lt;b&gt;&amp;c"


def test_a_span_is_wrapped_in_a_mark_with_its_class_and_title():
    html = mark_spans("完成12万卷。", [span(2, 6, "档案: 120000 卷")])
    assert html == '完成<mark class="outcome outcome-count" title="档案: 120000 卷">12万卷</mark>。'


def test_special_characters_inside_and_around_a_span_are_escaped():
    html = mark_spans('<x>"5"&', [span(3, 6, 'say "<hi>"')])
    assert html == (
        '&lt;x&gt;<mark class="outcome outcome-count" title="say &quot;&lt;hi&gt;&quot;">'
        "&quot;5&quot;</mark>&amp;"
    )


def test_adjacent_spans_become_two_marks_back_to_back():
    html = mark_spans("3场5期", [span(2, 4, "b"), span(0, 2, "a")])
    assert html == (
        '<mark class="outcome outcome-count" title="a">3场</mark>'
        '<mark class="outcome outcome-count" title="b">5期</mark>'
    )


def test_an_overlapping_span_is_left_unmarked_so_marks_never_nest():
    html = mark_spans("abcdefgh", [span(0, 5, "first"), span(3, 8, "second")])
    assert html == '<mark class="outcome outcome-count" title="first">abcde</mark>fgh'


def test_of_two_spans_starting_together_the_longer_one_is_marked():
    html = mark_spans("abcdef", [span(0, 2, "short"), span(0, 4, "long")])
    assert html == '<mark class="outcome outcome-count" title="long">abcd</mark>ef'


def test_spans_outside_the_text_are_clipped_or_ignored():
    html = mark_spans("abc", [span(-2, 1), span(2, 99), span(5, 9), span(1, 1)])
    assert html == (
        '<mark class="outcome outcome-count" title="t">a</mark>b'
        '<mark class="outcome outcome-count" title="t">c</mark>'
    )


@dataclass
class FakeOutcome:
    kind: str
    value: str
    unit: str
    qualifier: str | None
    subject: str
    start: int
    end: int


def test_an_outcome_title_reads_subject_value_unit_and_qualifier_label():
    outcome = FakeOutcome("money", "340000", "元", "at_least", "资金", 0, 3)
    assert outcome_title(outcome) == "资金: 340000 元 余/多/以上"
    assert outcome_title(FakeOutcome("percent", "97.4", "%", None, "", 0, 3)) == "97.4 %"


def test_outcomes_are_marked_with_their_kind_as_a_class():
    html = mark_outcomes("退回34万元", [FakeOutcome("money", "340000", "元", None, "", 2, 6)])
    assert html == '退回<mark class="outcome outcome-money" title="340000 元">34万元</mark>'
