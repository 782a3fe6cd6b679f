"""The document readers: forms told apart by structure, the model's spans, the corpus targets."""

from __future__ import annotations

import json

import docx
import pytest

from bench.documents import TARGET, quantity_targets_met, score, score_quantities
from tests.shared import corpus_path, seed_text
from tests.text.test_sources import converted_by_libreoffice, require_libreoffice
from xuncha.text.reading import DocumentError, document_digest, read_document
from xuncha.text.sources import source_read

DISCLOSURE = """中共某县水利局党组关于县委第二轮巡察集中整改进展情况的通报

根据县委统一部署，2025年3月3日至4月30日，县委第二巡察组对县水利局党组开展了常规巡察。2025年5月20日，巡察组向县水利局党组反馈了巡察意见。按照党务公开原则和巡察工作有关要求，现将巡察整改进展情况予以公布。

一、整改工作组织情况

局党组召开专题会议研究部署整改工作，成立整改工作领导小组。截至2025年8月31日，反馈的3个方面12个问题，已完成整改10个，正在整改2个。

二、反馈问题整改落实情况

（一）关于落实主体责任不到位方面

1.关于“河道巡查流于形式”问题

整改情况：一是补齐巡查台账，逐月核对巡查日志。二是更新巡查路线，把沿河排口纳入日常巡查。

完成情况：已完成

2.关于“工程资金拨付滞后”问题

整改情况：清理未拨付工程款，向12家施工单位拨付资金356.5万元。

完成情况：正在整改

问题3：防汛物资台账不全。

整改情况：（无编号）重新盘点仓库物资，建立出入库登记制度。

完成情况：长期坚持
"""


def test_a_disclosure_is_read_with_its_unit_problems_measures_and_statuses() -> None:
    document = read_document(DISCLOSURE)
    assert document.form == "disclosure"
    assert document.title and document.title.endswith("情况的通报")
    assert [unit.name for unit in document.units] == ["县水利局党组"]
    titles = [problem.title for problem in document.problems]
    assert titles == ["河道巡查流于形式", "工程资金拨付滞后", "防汛物资台账不全"]
    first, second, third = document.problems
    assert [m.text for m in first.rectification.measures] == [
        "补齐巡查台账，逐月核对巡查日志。",
        "更新巡查路线，把沿河排口纳入日常巡查。",
    ]
    assert (first.rectification.status_word, first.rectification.status) == ("已完成", "done")
    assert second.rectification.status == "in_progress"
    assert third.rectification.status == "ongoing"
    assert document.sections[first.section or 0].title == "关于落实主体责任不到位方面"
    # Every span points at its own words.
    for problem in document.problems:
        assert DISCLOSURE[problem.span.start : problem.span.end] == problem.title
        for measure in problem.rectification.measures:
            assert DISCLOSURE[measure.span.start : measure.span.end] == measure.text
    assert DISCLOSURE.splitlines()[first.span.line - 1].endswith("河道巡查流于形式”问题")
    # The totals paragraph is kept with its figures.
    (totals,) = document.totals
    assert "12个问题" in totals.text
    assert {document.figures[i].value for i in totals.figures} >= {"12", "10", "2"}
    money = [f for f in document.figures if f.kind == "money"]
    assert money and money[0].value == "3565000"
    assert {"2025-03-03", "2025-05-20"} <= set(document.facts.dates)


def test_a_disclosure_becomes_one_unit_to_import() -> None:
    parsed = document_digest(read_document(DISCLOSURE))
    (unit,) = parsed.units
    assert unit.name == "县水利局党组"
    assert [len(problem.measures) for problem in unit.problems] == [2, 1, 1]
    assert unit.problems[0].completion == "已完成"


def test_a_digest_with_a_long_introduction_full_names_and_variants_is_read() -> None:
    text = "\n".join(
        [
            "根据市委统一部署，5月上中旬，市委第一至第二巡察组对十四届市委第三轮巡察的"
            "3家单位整改落实情况进行了回访督查。",
            "回访督查坚持问题导向，逐项核对整改台账。",
            "现将第二批2家单位巡察整改部分内容摘编如下。",
            "中共某市委网络安全和信息化委员会办公室",
            "压实管网责任，守牢网络阵地",
            "问题1：网络安全责任制落实不到位",
            "整改情况：一是修订责任清单。二是开展攻防演练2次。",
            "完成情况：已完成",
            "某市机关事务管理局",
            "问题：公务用车管理不规范",
            "整改措施：清理超编车辆5辆。",
        ]
    )
    document = read_document(text)
    assert document.form == "digest"
    assert [unit.name for unit in document.units] == [
        "中共某市委网络安全和信息化委员会办公室",
        "某市机关事务管理局",
    ]
    assert document.facts.period == "5月上中旬"
    assert (document.facts.batch, document.facts.batch_size) == ("第二批", 2)
    first, second = document.problems
    assert first.title == "网络安全责任制落实不到位"
    assert document.sections[first.section or 0].title == "压实管网责任，守牢网络阵地"
    assert [m.text for m in first.rectification.measures] == ["修订责任清单。", "开展攻防演练2次。"]
    assert first.rectification.status == "done"
    assert second.rectification.measures[0].text == "清理超编车辆5辆。"
    for problem in document.problems:
        assert text[problem.span.start : problem.span.end] == problem.title


def test_a_unit_listed_twice_is_refused_naming_both_lines() -> None:
    text = "\n".join(
        [
            "市委巡察办对2家单位开展了回访督查，现摘编如下。",
            "市档案馆",
            "问题：档案整理滞后",
            "整改：增加人手。",
            "市文化馆",
            "问题：场馆开放不足",
            "整改：延长开放时间。",
            "市档案馆",
            "问题：库房漏雨",
            "整改：维修库房。",
        ]
    )
    with pytest.raises(DocumentError) as caught:
        read_document(text)
    assert caught.value.line == 8
    assert "第2行" in caught.value.message and "第8行" in caught.value.message


@pytest.mark.parametrize(
    ("text", "form"),
    [
        (
            "市审计局关于2024年度审计查出问题整改情况的报告。审计发现违规资金1200万元，"
            "已整改1100万元；审计建议全部采纳，出台制度5项。",
            "audit",
        ),
        (
            "上月全市信访总量2310件，同比下降8%；信访事项按期受理率100%，按期办结率99.2%。"
            "信访群众满意率96%。",
            "petition",
        ),
        ("人民建议征集活动共收到建议597条，采纳35条。征集建议涉及垃圾分类等领域。", "suggestion"),
        ("12345热线本月受理企业诉求469件，解决457件，解决率97.4%；热线工单按时办结。", "appeal"),
        (
            "县委巡察办近日通报：本轮巡察共发现问题189个，已整改170个，整改率89.9%；"
            "巡察组对整改不力的单位进行了约谈，督促巡察整改落实。",
            "progress",
        ),
    ],
)
def test_the_narrative_forms_are_told_apart_and_give_figures_only(text: str, form: str) -> None:
    document = read_document(text)
    assert document.form == form
    assert not document.problems
    assert document.claims and document.figures
    with pytest.raises(DocumentError, match="没有可导入的单位和问题"):
        document_digest(document)


@pytest.mark.parametrize(
    "text",
    [
        "第一条 为了规范工作，制定本条例。\n第二条 本条例适用于各级机关。\n第三条 坚持党的领导。",
        "今天天气很好，我们去公园散步。",
    ],
)
def test_a_text_of_no_form_gets_a_message_saying_what_was_looked_for(text: str) -> None:
    with pytest.raises(DocumentError, match="无法识别文件类型"):
        read_document(text)


def test_the_model_prints_as_json_with_its_schema_version() -> None:
    data = json.loads(json.dumps(read_document(DISCLOSURE).as_json(), ensure_ascii=False))
    assert data["schema"] == 1
    assert data["form"] == "disclosure"
    problem = data["problems"][0]
    assert set(problem["span"]) == {"start", "end", "line"}
    assert problem["rectification"]["measures"][0]["ordinal"] == 1


def test_the_seed_is_read_as_a_digest_exactly() -> None:
    document = read_document(seed_text())
    assert document.form == "digest"
    assert (len(document.units), len(document.problems)) == (9, 24)


def test_every_corpus_document_is_read_in_its_labelled_form_with_its_structure() -> None:
    scores = score(corpus_path())
    overall = scores["all"]
    assert overall.documents >= 30
    assert overall.right_form == overall.documents, overall.mistakes
    assert overall.precision >= TARGET, overall.mistakes
    assert overall.recall >= TARGET, overall.mistakes
    assert scores["disclosure"].gold > 0 and scores["digest"].gold > 0


def test_every_corpus_document_has_its_quantities_found() -> None:
    scores = score_quantities(corpus_path())
    *each, overall = scores
    assert len(each) == overall_documents(), "every gold file labels its quantities"
    assert overall.gold > 300
    assert quantity_targets_met(scores), [
        (one.name, round(one.precision, 3), round(one.recall, 3)) for one in scores
    ] + overall.mistakes


def overall_documents() -> int:
    return score(corpus_path())["all"].documents


@pytest.fixture(scope="module")
def disclosure_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The test's disclosure as .docx (python-docx), and as .doc and .pdf (LibreOffice)."""
    require_libreoffice()
    document = docx.Document()
    for line in DISCLOSURE.splitlines():
        document.add_paragraph(line)
    source = tmp_path_factory.mktemp("disclosure") / "notice.docx"
    document.save(str(source))
    return {"docx": source.read_bytes()} | converted_by_libreoffice(source, ("doc", "pdf"))


@pytest.mark.parametrize("kind", ["docx", "doc", "pdf"])
def test_a_disclosure_as_word_or_pdf_is_read_like_its_text(
    disclosure_files: dict[str, bytes], kind: str
) -> None:
    source = source_read(disclosure_files[kind], f"notice.{kind}")
    document = read_document(source.text, source_kind=source.kind)
    assert (document.form, document.source_kind) == ("disclosure", kind)
    assert [unit.name for unit in document.units] == ["县水利局党组"]
    assert [problem.title for problem in document.problems] == [
        "河道巡查流于形式",
        "工程资金拨付滞后",
        "防汛物资台账不全",
    ]
    assert [len(p.rectification.measures) for p in document.problems] == [2, 1, 1]
