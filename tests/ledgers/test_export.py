"""The Excel ledger (整改台账) export: read back with openpyxl, from the function, the page and
the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tests.clocks.builders import assignment_with_feedback, problem_with_measures
from tests.factories import PDF_BYTES, default_rules_replay, make_problem, make_unit, make_upload
from tests.rectification.conftest import problem_at
from tests.web.browser import chromium, log_in, new_page
from xuncha.findings.models import Problem, RectificationKind
from xuncha.findings.services import MeasureInput, problem_create
from xuncha.ledgers import export
from xuncha.ledgers.columns import COLUMNS, Level
from xuncha.ledgers.export import XLSX_CONTENT_TYPE, ledger_xlsx
from xuncha.rectification.services import evidence_add, progress_report_create
from xuncha.rectification.transitions import problem_transition

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
HEADERS = [str(column.header) for column in COLUMNS]
PROBLEM_COLUMNS = [i + 1 for i, c in enumerate(COLUMNS) if c.level == Level.PROBLEM]
MEASURE_COLUMNS = [i + 1 for i, c in enumerate(COLUMNS) if c.level == Level.MEASURE]


def column(name: str) -> int:
    """The 1-based index of a column, as openpyxl counts."""
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.name == name)


@pytest.fixture
def planned(cast: Any) -> Problem:
    """The liaison's unit's problem in rectification: three measures, two progress reports on
    the first, evidence (one file replaced by a newer version) on the first two, and a
    measure whose text looks like a formula."""
    today = timezone.localdate()
    problem = problem_create(
        actor=None,
        assignment=cast.assignment,
        title="公务用车管理不规范",
        category="作风建设",
        rectification_kind=RectificationKind.BY_DEADLINE,
        deadline=today + 60 * DAY,
        measures=[
            MeasureInput("修订公务用车管理办法。", "党组书记 张某", "办公室", today + 30 * DAY),
            MeasureInput("清理超标配备车辆2辆。", "副局长 李某", "机关事务科", today + 40 * DAY),
            MeasureInput("=1+1", "", "", None),
        ],
    )
    problem = problem_transition(actor=None, problem=problem, name="start")
    first, second, _third = problem.measures.order_by("ordinal")
    progress_report_create(actor=cast.liaison, measure=first, text="已召开专题会议研究。")
    progress_report_create(actor=cast.liaison, measure=first, text="办法已修订并印发。")
    old = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload(), measure=first)
    evidence_add(
        actor=cast.liaison,
        problem=problem,
        upload=make_upload("新版.pdf", PDF_BYTES + b"%v2\n"),
        measure=first,
        supersedes=old,
    )
    evidence_add(
        actor=cast.liaison,
        problem=problem,
        upload=make_upload("清理.pdf", PDF_BYTES + b"%car\n"),
        measure=second,
    )
    # evidence of the problem as a whole counts for no measure
    evidence_add(
        actor=cast.liaison, problem=problem, upload=make_upload("总.pdf", PDF_BYTES + b"%all\n")
    )
    return problem


@pytest.fixture
def closed(cast: Any) -> Problem:
    """The other unit's problem, closed (销号)."""
    return problem_at(cast.other_assignment, "closed")


def exported(user: Any, **options: Any) -> tuple[Any, Any]:
    """Export to memory and read back: (workbook, what ledger_xlsx returned)."""
    out = io.BytesIO()
    arguments: dict[str, Any] = {
        "filters": {},
        "warning": None,
        "deadline_kind": None,
        "today": timezone.localdate(),
    }
    result = ledger_xlsx(user, out=out, **(arguments | options))
    return load_workbook(io.BytesIO(out.getvalue())), result


def body(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]


def rows_of(sheet: Worksheet, problem: Problem) -> list[int]:
    """The sheet rows (1-based) of a problem: from its key's row down over its merged rows."""
    key = column("problem_key")
    first = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, key).value == f"P{problem.pk}"
    )
    span = problem.measures.count() or 1
    return list(range(first, first + span))


def merged(sheet: Worksheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def test_the_header_is_the_shared_columns_in_order_bold_wrapped_frozen_and_filtered(cast, planned):
    workbook, result = exported(cast.office)
    sheet = workbook.worksheets[0]
    assert sheet.title == "整改台账"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b and cell.alignment.wrap_text for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    last = get_column_letter(len(COLUMNS))
    assert sheet.auto_filter.ref == f"A1:{last}{result.rows + 1}"
    # neighbours of the same width share one <col> element, as openpyxl reads it
    widths = {
        index: dimension.width
        for dimension in sheet.column_dimensions.values()
        for index in range(dimension.min, dimension.max + 1)
    }
    for index, spec in enumerate(COLUMNS, start=1):
        assert spec.width <= widths[index] < spec.width + 1, spec.name


def test_each_measure_has_a_row_with_its_own_cells_and_the_problem_cells_merge_over_them(
    cast, planned
):
    workbook, result = exported(cast.office)
    sheet = workbook.worksheets[0]
    assert (result.problems, result.rows) == (1, 3)
    first, second, third = planned.measures.order_by("ordinal")
    rows = body(sheet)
    today = timezone.localdate()
    by_name = {spec.name: index for index, spec in enumerate(COLUMNS)}
    top = rows[0]
    assert [top[by_name[name]] for name in ("ordinal", "unit", "group", "title", "category")] == [
        planned.ordinal,
        "市测试局",
        "市委第一巡察组",
        "公务用车管理不规范",
        "作风建设",
    ]
    assert top[by_name["rectification_kind"]] == "限期整改"
    assert top[by_name["problem_deadline"]] == dt.datetime.combine(today + 60 * DAY, dt.time())
    assert top[by_name["closed"]] == "否"
    assert top[by_name["problem_key"]] == f"P{planned.pk}"
    measures = [
        [row[by_name[name]] for name in ("measure", "owner", "department", "measure_key")]
        for row in rows
    ]
    assert measures == [
        ["修订公务用车管理办法。", "党组书记 张某", "办公室", f"M{first.pk}"],
        ["清理超标配备车辆2辆。", "副局长 李某", "机关事务科", f"M{second.pk}"],
        ["=1+1", None, None, f"M{third.pk}"],
    ]
    assert [row[by_name["deadline"]] for row in rows] == [
        dt.datetime.combine(today + 30 * DAY, dt.time()),
        dt.datetime.combine(today + 40 * DAY, dt.time()),
        None,
    ]
    # the latest report; the first report started the measure; the current files only
    assert [row[by_name["progress"]] for row in rows] == ["办法已修订并印发。", None, None]
    assert [row[by_name["measure_status"]] for row in rows] == ["推进中", "未开始", "未开始"]
    assert [row[by_name["evidence"]] for row in rows] == [1, 1, 0]
    # the problem's cells stand on its first row alone, merged down over the other two
    assert all(rows[1][index - 1] is None for index in PROBLEM_COLUMNS)
    letters = [get_column_letter(index) for index in PROBLEM_COLUMNS]
    assert merged(sheet) == {f"{letter}2:{letter}4" for letter in letters}


def test_dates_are_excel_dates_and_counts_are_numbers(cast, planned):
    sheet = exported(cast.office)[0].worksheets[0]
    for name in ("problem_deadline", "deadline"):
        cell = sheet.cell(2, column(name))
        assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    for name in ("ordinal", "evidence"):
        assert sheet.cell(2, column(name)).data_type == "n"
    # a text that starts with "=" is written as text, never as a formula
    formula_like = sheet.cell(4, column("measure"))
    assert (formula_like.data_type, formula_like.value) == ("s", "=1+1")


def test_a_problem_without_measures_has_one_row_and_no_merge(cast):
    lone = make_problem(cast.assignment, title="问题无措施", measures=())
    sheet = exported(cast.office)[0].worksheets[0]
    rows = body(sheet)
    assert len(rows) == 1
    assert rows[0][column("title") - 1] == "问题无措施"
    assert rows[0][column("problem_key") - 1] == f"P{lone.pk}"
    assert all(rows[0][index - 1] is None for index in MEASURE_COLUMNS)
    assert merged(sheet) == set()


def test_the_repeat_option_writes_the_problem_cells_on_every_row(cast, planned):
    sheet = exported(cast.office, merge=False)[0].worksheets[0]
    assert merged(sheet) == set()
    rows = body(sheet)
    assert len(rows) == 3
    for index in PROBLEM_COLUMNS:
        assert len({row[index - 1] for row in rows}) == 1  # the same value on each row
    assert {row[column("title") - 1] for row in rows} == {"公务用车管理不规范"}


def test_a_liaison_exports_only_their_units_rows_whatever_the_filter(cast, planned, closed):
    office = exported(cast.office)[0].worksheets[0]
    assert {row[column("unit") - 1] for row in body(office)} - {None} == {"市测试局", "市另一局"}
    other_unit = {"unit_id": cast.other_assignment.unit_id}
    liaison = exported(cast.liaison, filters=other_unit)[0].worksheets[0]
    assert {row[column("unit") - 1] for row in body(liaison)} - {None} == set()
    liaison = exported(cast.liaison)[0].worksheets[0]
    assert {row[column("unit") - 1] for row in body(liaison)} - {None} == {"市测试局"}
    assert exported(cast.outsider)[1].rows == 0


def test_the_status_filter_keeps_only_those_problems(cast, planned, closed):
    workbook, result = exported(cast.office, filters={"status": "closed"})
    rows = body(workbook.worksheets[0])
    assert result.problems == 1
    assert [row[column("problem_key") - 1] for row in rows] == [f"P{closed.pk}"]
    assert rows[0][column("closed") - 1] == "是"
    assert rows[0][column("measure_status") - 1] == "已完成"
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert about["状态"] == "已销号"


def test_the_warning_column_reads_as_the_ledger_page_and_its_filters_apply(cast):
    today = timezone.localdate()
    loose = assignment_with_feedback(
        None, round_=cast.assignment.round, unit=make_unit("无反馈单位")
    )
    soon = problem_with_measures(loose, today + 3 * DAY, title="措施临期")
    late = problem_with_measures(loose, None, today - 3 * DAY, title="措施逾期")
    calm = problem_with_measures(loose, None, title="没有时限")
    sheet = exported(cast.office)[0].worksheets[0]
    warnings = {
        sheet.cell(rows_of(sheet, problem)[0], column("title")).value: sheet.cell(
            rows_of(sheet, problem)[0], column("warning")
        ).value
        for problem in (soon, late, calm)
    }
    assert warnings == {"措施临期": "临期", "措施逾期": "逾期", "没有时限": None}
    yellow = exported(cast.office, warning="yellow")[0].worksheets[0]
    assert {row[column("title") - 1] for row in body(yellow)} - {None} == {"措施临期"}
    red_measures = exported(cast.office, warning="red", deadline_kind="measure")[0]
    assert {row[column("title") - 1] for row in body(red_measures.worksheets[0])} - {None} == {
        "措施逾期"
    }


def test_problems_are_read_in_chunks_with_a_few_queries_each_and_merges_survive(cast, monkeypatch):
    for number in range(4):
        make_problem(cast.assignment, title=f"问题{number}", measures=("一是。", "二是。"))
    monkeypatch.setattr(export, "CHUNK", 2)
    exported(cast.office)  # the user's roles are read once, then kept on the user
    with CaptureQueriesContext(connection) as few:
        sheet = exported(cast.office)[0].worksheets[0]
    assert len(merged(sheet)) == 4 * len(PROBLEM_COLUMNS)  # across every chunk
    keys = [row[column("problem_key") - 1] for row in body(sheet)][::2]
    assert keys == sorted(keys, key=lambda key: int(key[1:]))  # in id order
    for number in range(4, 8):
        make_problem(
            cast.assignment, title=f"问题{number}", measures=("一是。", "二是。", "三是。")
        )
    with CaptureQueriesContext(connection) as more:
        exported(cast.office)
    # two more chunks: each the problems, their measures with reports, their evidence counts
    assert len(more) - len(few) == 2 * 3


def test_the_workbook_says_what_was_exported_when_and_by_whom(cast, planned):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    workbook, _result = exported(cast.office, filters={"round_id": cast.assignment.round_id})
    properties = workbook.properties
    assert properties.title == "整改台账（测试第一轮）"
    assert properties.creator == "巡察办"
    assert before <= properties.created <= before + dt.timedelta(minutes=1)
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert workbook.worksheets[1].title == "导出说明"
    assert (about["轮次"], about["单位"], about["导出人"]) == ("测试第一轮", "全部", "office")
    assert (about["问题数"], about["行数"]) == ("1", "3")


# ---------------------------------------------------------------- the page


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_download_is_an_xlsx_attachment_with_a_chinese_name(cast, planned, closed):
    url = reverse("web:ledger_export")
    response = client_for(cast.office).get(url, {"round": cast.assignment.round_id})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    name = f"整改台账-测试第一轮-{timezone.localdate().isoformat()}.xlsx"
    assert response["Content-Disposition"] == (f"attachment; filename*=utf-8''{quote(name)}")
    assert int(response["Content-Length"]) > 0
    assert len(body(download(response).worksheets[0])) == 4


def test_the_download_takes_the_pages_filters_and_the_repeat_option(cast, planned, closed):
    url = reverse("web:ledger_export")
    office = client_for(cast.office)
    sheet = download(office.get(url, {"status": "closed"})).worksheets[0]
    assert [row[column("problem_key") - 1] for row in body(sheet)] == [f"P{closed.pk}"]
    assert merged(download(office.get(url)).worksheets[0])
    assert not merged(download(office.get(url, {"repeat": "1"})).worksheets[0])
    liaison = client_for(cast.liaison)
    sheet = download(liaison.get(url, {"unit": cast.other_assignment.unit_id})).worksheets[0]
    assert {row[column("unit") - 1] for row in body(sheet)} - {None} == {"市测试局"}


def test_the_ledger_page_links_to_the_download_with_its_filters(cast):
    response = client_for(cast.office).get(reverse("web:ledger"), {"status": "closed", "page": 2})
    content = response.content.decode()
    assert f'href="{reverse("web:ledger_export")}?status=closed"' in content
    assert "导出Excel" in content


@pytest.fixture
def chromium_page(live_server: Any) -> Iterator[Any]:
    """A page of the system's Chromium (the test is skipped without one), with the deadline
    rules back that an earlier live-server test's flush removed."""
    default_rules_replay()
    with chromium() as launched:
        yield new_page(launched)


@pytest.mark.browser
def test_the_button_exports_with_the_filters_chosen_after_the_page_loaded(
    live_server, chromium_page, cast, planned, closed
):
    page = chromium_page
    log_in(page, live_server, "office")
    page.goto(f"{live_server.url}{reverse('web:ledger')}")
    page.get_by_label("状态").select_option(label="已销号")  # htmx swaps the results alone
    page.wait_for_url(re.compile(r"status=closed"))
    page.get_by_text("共 1 个问题").wait_for()
    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    download = info.value
    assert download.suggested_filename.startswith("整改台账-")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    assert [row[column("problem_key") - 1] for row in body(sheet)] == [f"P{closed.pk}"]


# ---------------------------------------------------------------- the command line


def test_the_command_writes_a_rounds_ledger_and_says_how_many_rows(cast, planned, closed, tmp_path):
    path = tmp_path / "台账.xlsx"
    out = io.StringIO()
    call_command("export_ledger", "--round", "测试第一轮", "--xlsx", str(path), stdout=out)
    assert "2 个问题，4 行" in out.getvalue()
    sheet = load_workbook(path).worksheets[0]
    assert len(body(sheet)) == 4 and merged(sheet)


def test_the_command_limits_to_units_and_repeats_cells_when_asked(
    cast, planned, closed, tmp_path, xuncha_cli
):
    path = tmp_path / "ledger.xlsx"
    xuncha_cli(
        ["export-ledger", "--round=测试第一轮", "--unit=市另一局", f"--xlsx={path}", "--repeat"]
    )
    sheet = load_workbook(path).worksheets[0]
    assert [row[column("problem_key") - 1] for row in body(sheet)] == [f"P{closed.pk}"]
    assert not merged(sheet)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--round", "没有的轮次"], "没有名为“没有的轮次”的轮次"),
        (["--round", "测试第一轮", "--unit", "市测试局", "--unit", "虚构局"], "虚构局"),
    ],
)
def test_the_command_names_an_unknown_round_or_unit(cast, tmp_path, arguments, message):
    path: Path = tmp_path / "ledger.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("export_ledger", *arguments, "--xlsx", str(path))
    assert not path.exists()


# ---------------------------------------------------------------- search and sort


def keys_of(sheet: Worksheet) -> list[str]:
    return [row[column("problem_key") - 1] for row in body(sheet) if row[column("problem_key") - 1]]


def test_the_export_follows_the_pages_sort_and_says_the_search_and_sort(cast):
    made = [
        make_problem(cast.assignment, title=title, measures=("整改公车问题。", "建立台账。"))
        for title in ("B公车超编", "C公车私用", "A公车未登记")
    ]
    make_problem(cast.assignment, title="会议费超标", measures=("退回。",))
    by_title = sorted(made, key=lambda problem: problem.title)

    workbook, result = exported(cast.office, filters={"q": "公车", "sort": "-title"})

    assert keys_of(workbook.worksheets[0]) == [f"P{p.pk}" for p in reversed(by_title)]
    assert result.problems == 3
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert about["搜索"] == "公车"
    assert about["排序"] == "按问题降序，同值按编号"
    ascending, _result = exported(cast.office, filters={"sort": "title"})
    keys = keys_of(ascending.worksheets[0])
    assert [key for key in keys if key in {f"P{p.pk}" for p in made}] == [
        f"P{p.pk}" for p in by_title
    ]


def test_a_sorted_export_reads_its_rows_in_chunks_and_keeps_the_order(cast, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 2)
    made = [
        make_problem(cast.assignment, title=f"排序{letter}", measures=("措施。",))
        for letter in "edcba"
    ]

    workbook, _result = exported(cast.office, filters={"q": "排序", "sort": "title"})

    assert keys_of(workbook.worksheets[0]) == [f"P{p.pk}" for p in reversed(made)]


def test_an_export_without_search_or_sort_says_so(cast, planned):
    workbook, _result = exported(cast.office)

    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert (about["搜索"], about["排序"]) == ("无", "按编号")


def test_the_download_takes_the_pages_search_and_sort(cast):
    for title in ("B公车超编", "C公车私用"):
        make_problem(cast.assignment, title=title, measures=("整改。",))
    make_problem(cast.assignment, title="会议费超标", measures=("退回。",))
    url = reverse("web:ledger_export")

    response = client_for(cast.office).get(url, {"q": "公车", "sort": "-title"})

    workbook = download(response)
    titles = [row[column("title") - 1] for row in body(workbook.worksheets[0])]
    assert [title for title in titles if title] == ["C公车私用", "B公车超编"]
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert about["搜索"] == "公车"
