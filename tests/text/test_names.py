"""Finding people's names for redaction (xuncha.text.names), on the forms official texts use:
a cue after the name, a post before it, a post in brackets, names already masked."""

from __future__ import annotations

import pytest

from xuncha.text.names import apply_redactions, find_names, mask_name


def names_in(text: str) -> list[str]:
    return [name.text for name in find_names(text) if not name.masked]


@pytest.mark.parametrize(
    ("text", "name", "cue"),
    [
        ("会议由陈刚同志主持。", "陈刚", "同志"),
        ("王小红副局长分管财务工作。", "王小红", "副局长"),
        ("经查，赵四等人违规发放津补贴。", "赵四", "等人"),
        ("由欧阳明月副主任牵头整改。", "欧阳明月", "副主任"),
        ("局长李明主持召开专题会议。", "李明", "局长"),
        ("党委书记王小红在会上作表态发言。", "王小红", "党委书记"),
        ("对张三（原财务科科长）进行诫勉谈话。", "张三", "原财务科科长"),
        ("给予李四(科员)党内警告处分。", "李四", "科员"),
    ],
)
def test_a_name_marked_by_its_context_is_found_with_its_cue(text, name, cue):
    [found] = find_names(text)
    assert (found.text, found.cue, found.masked) == (name, cue, False)
    assert text[found.start : found.end] == name


@pytest.mark.parametrize(
    "text", ["对张某进行提醒谈话。", "李某某已退缴违规所得。", "欧阳某被立案审查。"]
)
def test_an_already_masked_name_is_found_and_needs_no_redaction(text):
    [found] = find_names(text)
    assert found.masked and found.mask == found.text


@pytest.mark.parametrize(
    "text",
    [
        "常务副局长出席会议。",  # 常 is a surname, 常务 is not a name
        "全体同志参加学习。",
        "该同志已调离。",
        "市委第一巡察组组长带队进驻。",
        "纪委书记列席会议。",
        "党委书记要履行第一责任人职责。",
        "高度重视整改工作，王局长表示。",  # a surname and a post, no given name: not offered
    ],
)
def test_words_that_only_look_like_names_are_not_found(text):
    assert names_in(text) == []


def test_several_names_of_one_text_are_found_in_order_each_place_once():
    text = "党委书记王小红同志、副局长陈刚和张某参加；王小红同志作总结。"
    found = find_names(text)
    assert [(name.text, name.masked) for name in found] == [
        ("王小红", False),
        ("陈刚", False),
        ("张某", True),
        ("王小红", False),
    ]
    assert len({name.start for name in found}) == len(found)


@pytest.mark.parametrize(
    ("name", "mask"),
    [("张三", "张某"), ("王小红", "王某"), ("欧阳明月", "欧阳某"), ("某单位", "××"), ("张", "××")],
)
def test_a_name_is_masked_to_its_surname_and_mou(name, mask):
    assert mask_name(name) == mask


def test_redaction_replaces_every_occurrence_longest_first():
    text = "张三丰同志和张三同志；张三丰作检查。"
    assert apply_redactions(text, ["张三", "张三丰"]) == "张某同志和张某同志；张某作检查。"
    assert apply_redactions(text, []) == text
    assert apply_redactions("违规单位为甲公司。", ["甲公司"], {"甲公司": "××"}) == "违规单位为××。"
