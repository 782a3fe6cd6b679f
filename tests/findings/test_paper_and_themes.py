"""A round's paper-only flags and common problems read from the database, through the user's
scope, and the common problems in the notice the office drafts."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import docx
import pytest

from tests.factories import make_assignment, make_problem, make_unit
from tests.findings.paper_texts import COPIED, MEETINGS, REWORDED
from tests.reports.publishing import approved
from xuncha.digests.services import digest_import
from xuncha.findings.paper import round_paper_flags
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.findings.themes import round_common_problems
from xuncha.reports.exports import publication_docx
from xuncha.reports.selectors import Scope, notice_compose
from xuncha.reports.services import (
    FiguresChanged,
    notice_draft,
    publication_publish,
    publication_refresh,
    publication_return,
)
from xuncha.rounds.models import Round

pytestmark = pytest.mark.django_db

REFUND = "清退违规发放的津补贴共计12.6万元，已全部上缴国库。"


def planned(assignment: Any, title: str, *texts: str) -> Any:
    """A problem whose measures each have an owner, a department and a deadline."""
    return problem_create(
        actor=None,
        assignment=assignment,
        title=title,
        measures=[
            MeasureInput(
                text=text, owner="党组书记", department="办公室", deadline=dt.date(2025, 6, 30)
            )
            for text in texts
        ],
    )


def flagged(found: Any) -> dict[str, dict[str, list[str]]]:
    """Unit name → measure text → the reasons of its flags, for the flagged measures only."""
    return {
        unit.assignment.unit.name: {
            item.measure.text: [flag.reason for flag in item.flags] for item in unit.measures
        }
        for unit in found.units
        if unit.measures
    }


@pytest.fixture
def round_(cast: Any) -> Round:
    """The cast's round: the liaison's unit and the other unit share a reworded measure; a
    third unit only meets, a fourth refunds money."""
    round_ = cast.assignment.round
    planned(cast.assignment, "违规发放津补贴", COPIED)
    planned(cast.other_assignment, "违规发放津补贴问题整改不彻底", REWORDED)
    planned(make_assignment(round_, make_unit("市商务局")), "工作作风不实", *MEETINGS)
    planned(make_assignment(round_, make_unit("市财政局")), "财务管理不规范", REFUND)
    return round_


def test_reworded_copies_and_meetings_are_flagged_and_a_refund_is_not(
    cast: Any, round_: Round
) -> None:
    """Two units with the same measure text reworded slightly are flagged; a unit whose
    measures are only meetings is flagged; a concrete measure with money refunded is not."""
    found = flagged(round_paper_flags(cast.office, round_))
    assert found == {
        "市测试局": {COPIED: ["copied"]},
        "市另一局": {REWORDED: ["copied"]},
        "市商务局": {MEETINGS[0]: ["meetings_only"], MEETINGS[1]: ["meetings_only"]},
    }


def test_a_copy_names_the_other_units_measure_with_its_score(cast: Any, round_: Round) -> None:
    found = round_paper_flags(cast.office, round_)
    own = next(unit for unit in found.units if unit.assignment == cast.assignment)
    (item,) = own.measures
    (copy,) = item.copies
    assert copy.text == REWORDED
    assert copy.unit_name == cast.other_assignment.unit.name
    assert own.kinds == {"words": 1}
    assert found.reasons["copied"] == 2 and found.reasons["meetings_only"] == 2
    assert found.measures == 5 and found.flagged == 4


def test_a_liaison_sees_their_own_unit_only_and_no_copy_of_another(
    cast: Any, round_: Round
) -> None:
    found = round_paper_flags(cast.liaison, round_)
    assert [unit.assignment for unit in found.units] == [cast.assignment]
    assert flagged(found) == {}  # the other unit's measure is out of their sight
    assert round_paper_flags(cast.outsider, round_).units == []


def test_one_reason_keeps_only_its_measures(cast: Any, round_: Round) -> None:
    found = round_paper_flags(cast.office, round_, reason="meetings_only")
    assert list(flagged(found)) == ["市商务局"]
    assert found.reasons["copied"] == 2  # the counts still cover every flag


def test_measures_without_owner_or_deadline_are_flagged_for_it(cast: Any) -> None:
    make_problem(cast.assignment, measures=("全面清理违规车辆12辆。",))
    found = flagged(round_paper_flags(cast.office, cast.assignment.round))
    assert found == {"市测试局": {"全面清理违规车辆12辆。": ["no_owner", "no_deadline"]}}


def digest(units: int) -> str:
    """An invented digest of ``units`` units, two problems each; every tenth unit copies the
    first unit's measure with its own name in it. The other measures are told apart by a
    passage of random characters (a template with only its numbers changed is a copy)."""
    rng = random.Random(11)
    alphabet = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]

    def passage() -> str:
        return "".join(rng.choices(alphabet, k=30))

    parts = [f"近日，市委巡察组对{units}家单位整改情况进行了回访。"]
    for number in range(1, units + 1):
        name = f"市第{number}局"
        copy = (
            f"一是{name}全面清理2013年以来违规发放的津补贴，逐人逐项核对发放依据。"
            "二是建立津补贴发放审批台账，由分管领导签字后执行。"
        )
        own = f"一是{passage()}。二是清退违规资金{number}.5万元。"
        parts += [
            name,
            f"问题：落实全面从严治党主体责任不到位（第{number}项）",
            f"整改：{copy if number % 10 == 1 else own}",
            f"问题：宣传阵地管理不严（第{number}项）",
            f"整改：{passage()}，召开专题会议研究部署。",
        ]
    return "\n\n".join(parts)


def test_a_bulk_imported_round_is_read_in_a_few_queries(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    digest_import(actor=None, data=digest(31), file_name="批量.txt", round_name="批量轮次")
    round_ = Round.objects.get(name="批量轮次")
    with django_assert_max_num_queries(8):
        found = round_paper_flags(cast.office, round_)
    assert found.measures == 31 * 3
    copied = {
        unit.assignment.unit.name
        for unit in found.units
        for item in unit.measures
        if any(flag.reason == "copied" for flag in item.flags)
    }
    assert copied == {"市第1局", "市第11局", "市第21局", "市第31局"}
    # an imported digest states no owner or deadline: every measure says so
    assert found.reasons["no_owner"] == found.reasons["no_deadline"] == 31 * 3
    assert found.reasons["meetings_only"] == 31
    with django_assert_max_num_queries(2):
        themes = round_common_problems(cast.office, round_)
    assert [(row.group.theme.code, row.unit_count) for row in themes.themes[:2]] == [
        ("party_discipline", 31),
        ("ideology", 31),
    ]


# --- common problems --------------------------------------------------------------------------


@pytest.fixture
def themed(cast: Any) -> Round:
    """Three units of the cast's round: two share 全面从严治党, one has 意识形态 too."""
    round_ = cast.assignment.round
    third = make_assignment(round_, make_unit("市第三局"))
    make_problem(cast.assignment, title="落实全面从严治党主体责任不到位")
    make_problem(cast.assignment, title="网络舆论宣传引领力不够强")
    make_problem(cast.other_assignment, title="履行从严治党两个责任有差距")
    make_problem(third, title="办公楼维修进度慢")
    return round_


def test_problems_are_grouped_into_themes_most_shared_first(cast: Any, themed: Round) -> None:
    found = round_common_problems(cast.office, themed)
    rows = [(row.group.theme.code, row.unit_count, row.common) for row in found.themes]
    assert rows == [("party_discipline", 2, True), ("ideology", 1, False)]
    assert [item.terms for item in found.themes[0].problems] == [
        ("从严治党", "主体责任"),
        ("从严治党", "两个责任"),
    ]
    assert [problem.title for problem in found.unmatched] == ["办公楼维修进度慢"]
    assert (found.units, found.floor) == (3, 2)


def test_a_liaison_sees_the_themes_of_their_own_unit_only(cast: Any, themed: Round) -> None:
    found = round_common_problems(cast.liaison, themed)
    assert [(row.group.theme.code, row.unit_count) for row in found.themes] == [
        ("party_discipline", 1),
        ("ideology", 1),
    ]
    assert found.common == ()


def test_the_notice_holds_the_common_problems_section(cast: Any, themed: Round) -> None:
    publication = notice_draft(actor=cast.office, round_=themed)
    paragraphs = publication.draft_text.split("\n\n")
    assert paragraphs[-1] == "共性问题：全面从严治党方面问题涉及2家单位。"
    assert publication.figures["common_problems"] == [
        {"theme": "party_discipline", "label": "全面从严治党", "units": 2}
    ]
    document = docx.Document(io.BytesIO(publication_docx(publication)))
    assert paragraphs[-1] in [paragraph.text for paragraph in document.paragraphs]


def test_the_notice_composed_on_the_page_holds_the_same_section(cast: Any, themed: Round) -> None:
    composed = notice_compose(cast.office, Scope(themed))
    assert composed.text.split("\n\n")[-1] == "共性问题：全面从严治党方面问题涉及2家单位。"
    assert composed.text == notice_draft(actor=cast.office, round_=themed).draft_text


def test_a_notice_of_one_unit_has_no_common_problems(cast: Any, themed: Round) -> None:
    publication = notice_draft(actor=cast.office, round_=themed, unit=cast.assignment.unit)
    assert "共性问题" not in publication.draft_text
    assert publication.figures["common_problems"] == []


def test_a_notice_whose_common_problems_changed_is_published_only_after_refresh(
    cast: Any, themed: Round
) -> None:
    publication = notice_draft(actor=cast.office, round_=themed)
    third = themed.assignments.get(unit__name="市第三局")
    problem = third.problems.get()
    # A title corrected by hand (no service edits titles): the totals stay, the themes do not.
    problem.title = "选人用人把关不严，落实从严治党要求不到位"
    problem.save(update_fields=["title"])
    publication = approved(publication, cast.office2)
    with pytest.raises(FiguresChanged):
        publication_publish(actor=cast.office, publication=publication)
    # Approved, the wording is fixed: back to draft to be written again, then approved again.
    publication = publication_return(actor=cast.office2, publication=publication, reason="刷新")
    publication = publication_refresh(
        actor=cast.office, publication=publication, expected_version=publication.version
    )
    assert publication.draft_text.endswith("共性问题：全面从严治党方面问题涉及3家单位。")
    publication = approved(publication, cast.office2)
    publication = publication_publish(actor=cast.office, publication=publication)
    assert publication.published_text == publication.draft_text
