"""The problem search (xuncha/findings/search.py) on the database the suite runs on: SQLite's
FTS5 trigram tables with the short-term LIKE path, or PostgreSQL's pg_trgm indexes.

Two units: 市机关事务局 (the liaison's) and 市交通运输局 (not theirs). Every text is written for
these tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from tests.factories import make_assignment, make_problem, make_round, make_unit, make_user
from xuncha.core.models import Role
from xuncha.findings import search
from xuncha.findings.models import Measure, Problem
from xuncha.findings.search import (
    highlight,
    problem_highlights,
    search_problems,
    search_terms,
    snippet,
)
from xuncha.findings.selectors import ledger_problems, problems_for_user


@dataclass
class Cast:
    office: Any
    liaison: Any
    cars: Problem  # the liaison's unit
    meetings: Problem  # the liaison's unit
    roads: Problem  # the other unit


@pytest.fixture(params=["index", "scan"])
def cast(db: None, request: Any, monkeypatch: pytest.MonkeyPatch) -> Cast:
    """The cast, searched through the indexes (every scope counts as wide) and, on SQLite,
    through the narrow scope's LIKE scan too (the scope of a few problems is narrow)."""
    if request.param == "index":
        monkeypatch.setattr(search, "SCAN_LIMIT", 0)
    elif connection.vendor != "sqlite":
        pytest.skip("only SQLite scans a narrow scope")
    office = make_user("office", Role.OFFICE)
    liaison = make_user("liaison", Role.UNIT)
    round_ = make_round("测试搜索轮次")
    own_unit = make_unit("市机关事务局")
    own_unit.liaisons.add(liaison)
    own = make_assignment(round_, own_unit)
    other = make_assignment(round_, make_unit("市交通运输局"))
    cars = make_problem(
        own,
        title="公车使用管理不规范",
        measures=("建立车辆派遣登记簿，逐车核对行驶里程。", "对两名驾驶员批评教育。"),
    )
    meetings = make_problem(
        own,
        title="会议文件精简不到位",
        measures=("压缩会议数量三成，印发《会议费管理细则》。",),
    )
    roads = make_problem(
        other,
        title="农村公路养护资金拨付滞后",
        measures=("公车改革后车辆处置收入及时上缴。",),
    )
    return Cast(office, liaison, cars, meetings, roads)


def found(user: Any, query: str) -> set[int]:
    return set(search_problems(problems_for_user(user), query).values_list("id", flat=True))


# ---------------------------------------------------------------- the terms, without a database


def test_a_query_splits_on_ascii_and_full_width_spaces_and_keeps_each_term_once() -> None:
    assert search_terms(" 公车\u3000管理  公车\t规范 ") == ["公车", "管理", "规范"]
    assert search_terms("") == []
    assert search_terms(None) == []


def test_a_control_character_in_a_query_separates_terms() -> None:
    # A NUL would otherwise reach PostgreSQL, which refuses it in a query (a server error).
    assert search_terms("公车\x00管理\x1f\x7f") == ["公车", "管理"]
    assert search_terms("\x00") == []


def test_highlighting_escapes_the_text_before_marking_the_matches() -> None:
    shown = highlight('<script>alert("公车")</script> & 公车', ["公车"])

    assert str(shown) == (
        "&lt;script&gt;alert(&quot;<mark>公车</mark>&quot;)&lt;/script&gt; &amp; <mark>公车</mark>"
    )


def test_a_query_made_of_markup_is_marked_as_escaped_text() -> None:
    shown = highlight("见<b>附件</b>", ["<b>"])

    assert str(shown) == "见<mark>&lt;b&gt;</mark>附件&lt;/b&gt;"


def test_overlapping_and_case_different_matches_are_marked_once() -> None:
    assert str(highlight("PPT汇报ppt", ["ppt", "T汇"])) == "<mark>PPT汇</mark>报<mark>ppt</mark>"


def test_a_snippet_shows_the_match_with_the_cut_marked() -> None:
    text = "甲" * 50 + "公车" + "乙" * 100

    shown = str(snippet(text, ["公车"], context=5))

    assert shown == "…甲甲甲甲甲<mark>公车</mark>乙乙乙乙乙乙乙乙乙乙…"
    assert str(snippet(text, ["丙丁"])) == ""


# ---------------------------------------------------------------- the search, on the database


def test_a_two_character_query_finds_the_problems_holding_it(cast: Cast) -> None:
    # 公车 is in one title and in the other unit's measure: the short path reads both.
    assert found(cast.office, "公车") == {cast.cars.pk, cast.roads.pk}


def test_a_one_character_query_finds_the_problems_holding_it(cast: Cast) -> None:
    assert found(cast.office, "簿") == {cast.cars.pk}


def test_a_four_character_query_finds_the_problem_by_its_title(cast: Cast) -> None:
    assert found(cast.office, "使用管理") == {cast.cars.pk}
    assert found(cast.office, "养护资金") == {cast.roads.pk}


def test_a_measure_text_is_found_by_a_long_and_a_short_query(cast: Cast) -> None:
    assert found(cast.office, "行驶里程") == {cast.cars.pk}
    assert found(cast.office, "细则") == {cast.meetings.pk}


def test_a_problem_text_is_found(cast: Cast) -> None:
    Problem.objects.filter(pk=cast.meetings.pk).update(text="部分处室以会议落实会议。")

    assert found(cast.office, "以会议落实") == {cast.meetings.pk}


def test_every_word_of_a_query_must_occur_somewhere_in_the_problem(cast: Cast) -> None:
    # 公车 in the title and 里程 in a measure: both in one problem.
    assert found(cast.office, "公车 里程") == {cast.cars.pk}
    assert found(cast.office, "公车\u3000批评教育") == {cast.cars.pk}
    assert found(cast.office, "公车 会议") == set()


def test_latin_letters_match_whatever_their_case(cast: Cast) -> None:
    Problem.objects.filter(pk=cast.meetings.pk).update(text="汇报多用PPT展示。")

    assert found(cast.office, "ppt") == {cast.meetings.pk}
    assert found(cast.office, "用ppt展") == {cast.meetings.pk}


def test_a_liaison_never_finds_another_units_problem(cast: Cast) -> None:
    assert found(cast.office, "养护资金") == {cast.roads.pk}
    assert found(cast.liaison, "养护资金") == set()
    assert found(cast.liaison, "农村") == set()
    # 公车 is also in the other unit's measure: the liaison finds only their own problem.
    assert found(cast.liaison, "公车") == {cast.cars.pk}
    assert found(cast.liaison, "车辆处置收入") == set()


def test_an_outsider_finds_nothing(cast: Cast) -> None:
    outsider = make_user("outsider")

    assert found(outsider, "公车") == set()
    assert found(outsider, "使用管理") == set()


def test_the_ledger_selector_searches_within_its_filters(cast: Cast) -> None:
    own_unit = cast.cars.assignment.unit_id

    rows = ledger_problems(cast.office, unit_id=own_unit, q="公车")

    assert list(rows.values_list("id", flat=True)) == [cast.cars.pk]


def test_an_edited_title_or_measure_is_found_by_its_new_words_only(cast: Cast) -> None:
    problem = Problem.objects.get(pk=cast.meetings.pk)
    problem.title = "文件印发数量偏多"
    problem.save()
    measure = Measure.objects.get(problem=cast.meetings)
    measure.text = "清理过期文件一百二十件。"
    measure.save()

    assert found(cast.office, "印发数量") == {cast.meetings.pk}
    assert found(cast.office, "精简不到位") == set()
    assert found(cast.office, "过期文件") == {cast.meetings.pk}
    assert found(cast.office, "会议费管理") == set()


def test_a_deleted_measure_is_no_longer_found(cast: Cast) -> None:
    Measure.objects.filter(problem=cast.meetings).delete()

    assert found(cast.office, "会议费管理") == set()
    assert found(cast.office, "精简不到位") == {cast.meetings.pk}


@pytest.mark.parametrize(
    "query", ['"公车', "公车 AND", "NEAR(公车", "title:公车", "*", "%", "_", "\\", "公车%"]
)
def test_search_syntax_and_wildcards_are_taken_literally(cast: Cast, query: str) -> None:
    # No text holds these characters: a wildcard or FTS5 operator read as such would find
    # problems (or fail), taken literally it finds none.
    assert found(cast.office, query) == set()


def test_the_highlights_mark_the_title_and_show_the_measure_that_matched(cast: Cast) -> None:
    shown = problem_highlights([cast.cars], "公车 里程")[cast.cars.pk]

    assert str(shown["title"]) == "<mark>公车</mark>使用管理不规范"
    assert "<mark>里程</mark>" in str(shown["snippet"])
    assert "<mark>" not in str(problem_highlights([cast.cars], "公车")[cast.cars.pk]["snippet"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 tables are SQLite's")
def test_the_sqlite_search_triggers_survive_every_migration(db: None) -> None:
    # Django rebuilds a SQLite table to alter it, which drops its triggers: a migration after
    # 0008 that alters findings_problem or findings_measure must create them again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    wanted = {
        f"{table}_{event}"
        for table in ("findings_problem_fts", "findings_measure_fts")
        for event in ("insert", "delete", "update")
    }
    assert wanted <= triggers, (
        f"the SQLite search triggers {sorted(wanted - triggers)} are gone: a migration after "
        "findings.0008 altered findings_problem or findings_measure (Django rebuilds the table "
        "on SQLite, dropping its triggers). End that migration with a RunPython that, on "
        "SQLite, executes every statement of search_triggers_sql() from "
        "xuncha/findings/migrations/0008_search_sqlite_fts.py (its docstring shows how; "
        "docs/search.md)."
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pg_trgm indexes are PostgreSQL's"
)
def test_the_postgresql_trigram_indexes_exist(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%_trgm'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {
        "findings_problem_title_trgm",
        "findings_problem_text_trgm",
        "findings_measure_text_trgm",
    }
    assert all("gin_trgm_ops" in definition for definition in indexes.values())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite scans a narrow scope")
def test_a_narrow_scope_is_scanned_and_a_wide_one_uses_the_fts_tables(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sql(limit: int) -> str:
        monkeypatch.setattr(search, "SCAN_LIMIT", limit)
        return str(search_problems(problems_for_user(cast.liaison), "里程登记").query)

    assert "findings_problem_fts" not in sql(2_000)
    assert "findings_problem_fts" in sql(0)
