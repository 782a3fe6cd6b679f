"""The search box on the ledger, a unit's page and the audit log; the ledger's sortable
columns; filters, search and sort kept in every link (pages, sort, Excel export).

The world (tests/web/conftest.py): 市档案馆 (the liaison's) with 档案数字化进度偏慢, 市气象局
with 预警信息发布不及时; both have a measure with 清退.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_problem
from tests.web.conftest import client_for
from xuncha.core.selectors import audit_entries_for_user, audit_entries_searched
from xuncha.findings.models import Problem

LEDGER = reverse("web:ledger")


def titles(response: Any) -> list[str]:
    assert response.status_code == 200
    return [problem.title for problem, _progress in response.context["rows"]]


def test_the_ledger_has_a_search_box_that_finds_by_title(office_client, world):
    response = office_client.get(LEDGER, {"q": "数字化进度"})

    content = response.content.decode()
    assert re.search(r'<input type="search" name="q" value="数字化进度"', content)
    assert titles(response) == ["档案数字化进度偏慢"]
    assert "档案<mark>数字化进度</mark>偏慢" in content


def test_a_two_character_query_finds_the_measures_of_both_units_for_the_office(
    office_client, world
):
    response = office_client.get(LEDGER, {"q": "清退"})

    assert sorted(titles(response)) == ["档案数字化进度偏慢", "预警信息发布不及时"]
    # the titles hold no 清退: each row shows the measure that matched
    assert response.content.decode().count("<mark>清退</mark>") == 2


def test_a_liaison_searching_the_ledger_finds_only_their_units_problems(liaison_client, world):
    assert titles(liaison_client.get(LEDGER, {"q": "清退"})) == ["档案数字化进度偏慢"]
    assert titles(liaison_client.get(LEDGER, {"q": "预警信息"})) == []
    assert titles(liaison_client.get(LEDGER, {"q": "预警"})) == []


def test_every_word_must_match(office_client, world):
    assert titles(office_client.get(LEDGER, {"q": "档案 清退"})) == ["档案数字化进度偏慢"]
    assert titles(office_client.get(LEDGER, {"q": "档案 预警"})) == []


def test_a_title_made_of_markup_is_escaped_in_the_highlighted_results(office_client, world):
    make_problem(world.own, title='<img src=x onerror="alert(1)">公车超编', measures=("整改。",))

    content = office_client.get(LEDGER, {"q": "公车"}).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<mark>公车</mark>超编" in content
    assert "<img src=x" not in content


def test_an_htmx_search_gets_the_highlighted_results_alone(office_client, world):
    response = office_client.get(
        LEDGER, {"q": "预警"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-results"
    )

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="ledger-results"')
    assert "<mark>预警</mark>信息发布不及时" in content


def sorted_world(world: Any) -> None:
    for title in ("乙问题", "甲问题", "丙问题"):
        make_problem(world.own, title=title, measures=("整改一项。",))


def test_a_column_header_sorts_and_its_link_keeps_the_filters_and_the_search(office_client, world):
    sorted_world(world)
    query = {"unit": world.own.unit_id, "q": "问题"}

    plain = office_client.get(LEDGER, query)
    by_title = office_client.get(LEDGER, query | {"sort": "title"})
    reverse_title = office_client.get(LEDGER, query | {"sort": "-title"})

    assert titles(plain) == ["乙问题", "甲问题", "丙问题"]  # by id
    ascending = titles(by_title)
    assert ascending == sorted(ascending)
    assert titles(reverse_title) == ascending[::-1]
    content = plain.content.decode()
    unit = world.own.unit_id
    assert f'href="?unit={unit}&amp;q=%E9%97%AE%E9%A2%98&amp;sort=title"' in content
    # sorted ascending, the column's link turns the order round and says how it is sorted
    content = by_title.content.decode()
    assert f'href="?unit={unit}&amp;q=%E9%97%AE%E9%A2%98&amp;sort=-title"' in content
    assert 'aria-sort="ascending"' in content
    # the filter form carries the sort on
    assert '<input type="hidden" name="sort" value="title"' in content


def test_a_sort_breaks_ties_by_id(office_client, world):
    first = make_problem(world.own, title="同名问题", measures=("整改。",))
    second = make_problem(world.other, title="同名问题", measures=("整改。",))

    rows = office_client.get(LEDGER, {"q": "同名问题", "sort": "title"}).context["rows"]
    back = office_client.get(LEDGER, {"q": "同名问题", "sort": "-title"}).context["rows"]

    assert [problem.pk for problem, _ in rows] == [first.pk, second.pk]
    assert [problem.pk for problem, _ in back] == [second.pk, first.pk]


def test_an_unknown_sort_is_ignored(office_client, world):
    response = office_client.get(LEDGER, {"sort": "password"})

    assert titles(response) == ["档案数字化进度偏慢", "预警信息发布不及时"]


def test_page_links_keep_the_search_and_the_sort(office_client, world):
    for number in range(52):
        make_problem(world.own, title=f"补充问题{number:02d}", measures=("整改。",))

    response = office_client.get(LEDGER, {"q": "补充", "sort": "-title"})

    assert len(response.context["rows"]) == 50
    assert titles(response)[0] == "补充问题51"
    content = response.content.decode()
    assert "?q=%E8%A1%A5%E5%85%85&amp;sort=-title&amp;page=2" in content
    second = office_client.get(LEDGER, {"q": "补充", "sort": "-title", "page": 2})
    assert titles(second) == ["补充问题01", "补充问题00"]


def test_the_export_link_keeps_the_search_and_the_export_applies_it(office_client, world):
    content = office_client.get(LEDGER, {"q": "预警", "sort": "title"}).content.decode()
    export = reverse("web:ledger_export")
    assert f'href="{export}?q=%E9%A2%84%E8%AD%A6&amp;sort=title"' in content

    response = office_client.get(export, {"q": "预警", "sort": "title"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert "预警信息发布不及时" in cells
    assert "档案数字化进度偏慢" not in cells


def test_a_liaisons_export_with_a_search_holds_only_their_units(liaison_client, world):
    response = liaison_client.get(reverse("web:ledger_export"), {"q": "清退"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert "档案数字化进度偏慢" in cells
    assert "预警信息发布不及时" not in cells


# ---------------------------------------------------------------- a unit's page


def test_the_unit_page_searches_its_own_problems(office_client, world):
    make_problem(world.own, title="库房温湿度记录不全", measures=("增设温湿度监测设备。",))
    url = reverse("web:assignment", args=[world.own.pk])

    everything = office_client.get(url)
    searched = office_client.get(url, {"q": "温湿度"})

    assert 'name="q"' in everything.content.decode()
    assert [problem.title for problem in searched.context["problems"]] == ["库房温湿度记录不全"]
    content = searched.content.decode()
    assert "库房<mark>温湿度</mark>记录不全" in content
    assert "档案数字化进度偏慢" not in content
    assert searched.context["problem_count"] == 2  # the unit's problems, not the matches


def test_the_unit_page_search_never_reaches_another_units_problem(office_client, world):
    url = reverse("web:assignment", args=[world.own.pk])

    response = office_client.get(url, {"q": "预警信息"})

    assert response.context["problems"] == []
    assert "没有符合搜索条件的问题" in response.content.decode()


# ---------------------------------------------------------------- the audit log


def test_the_audit_log_searches_its_rows_and_marks_the_object(office_client, world):
    url = reverse("web:audit")

    response = office_client.get(url, {"q": "预警信息发布"})

    assert response.status_code == 200
    entries = [row["entry"] for row in response.context["rows"]]
    assert entries
    assert all("预警信息发布" in entry.canonical for entry in entries)
    assert not any("档案数字化" in entry.canonical for entry in entries)
    content = response.content.decode()
    assert re.search(r'<input type="search" name="q" id="audit-q" value="预警信息发布"', content)
    assert "<mark>预警信息发布</mark>" in content


def test_an_audit_search_with_two_words_needs_both(office_client, world):
    url = reverse("web:audit")
    every = office_client.get(url, {"q": "档案数字化"}).context["page"].paginator.count
    both = office_client.get(url, {"q": "档案数字化 不存在的词"}).context["page"].paginator.count

    assert every > 0
    assert both == 0


def test_the_audit_search_is_kept_in_its_page_links(office_client, world):
    for number in range(30):
        make_problem(world.own, title=f"审计翻页{number}", measures=("整改。",))

    content = office_client.get(reverse("web:audit"), {"q": "审计翻页"}).content.decode()

    assert "?q=%E5%AE%A1%E8%AE%A1%E7%BF%BB%E9%A1%B5&amp;page=2" in content


def test_the_audit_log_search_stays_closed_to_a_liaison(world):
    response = client_for(world.own_problem.assignment.unit.liaisons.get()).get(
        reverse("web:audit"), {"q": "档案"}
    )

    assert response.status_code == 404
    assert Problem.objects.count() == 2


def test_an_audit_search_for_a_json_key_matches_no_row_by_its_keys(office_client, world):
    url = reverse("web:audit")
    rows = office_client.get(url).context["page"].paginator.count

    # every row's canonical text holds the keys "before", "after" and "previous_hash"
    for key in ("before", "previous_hash", "object_repr"):
        assert office_client.get(url, {"q": key}).context["page"].paginator.count == 0, key
    assert rows > 0


def test_an_audit_search_finds_a_value_written_before_or_after_a_change(
    office, office_client, world
):
    problem = make_problem(world.own, title="审计值检索样例", measures=("整改。",))
    entries = audit_entries_for_user(office).filter(object_repr=problem.title)
    assert entries.exists()
    entry = entries.first()
    assert entry is not None
    entry_ids = set(
        audit_entries_searched(audit_entries_for_user(office), ["值检索"]).values_list(
            "id", flat=True
        )
    )

    assert entry.pk in entry_ids  # the object's name (and the title in "after")
    valued = [
        entry
        for entry in audit_entries_for_user(office)
        if isinstance(entry.after, dict) and any(isinstance(v, str) for v in entry.after.values())
    ]
    assert valued, "the world wrote no audit row with a text value"
    sample = next(v for v in valued[0].after.values() if isinstance(v, str) and len(v) >= 2)
    found = audit_entries_searched(audit_entries_for_user(office), [sample])
    assert valued[0].pk in set(found.values_list("id", flat=True))
