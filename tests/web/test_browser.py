"""Acceptance in a real browser: log in, import the seed digest, find a unit's problems.

Drives the system's Chromium headless through Playwright against pytest-django's live server.
Screenshots land in test-results/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.factories import make_problem, make_user
from tests.shared import seed_path, seed_text
from tests.web.browser import log_in as browser_log_in
from tests.web.browser import screenshot
from xuncha.core.models import Role
from xuncha.findings.services import measure_update

pytestmark = pytest.mark.browser


def log_in(page: Any, live_server: Any, username: str) -> None:
    if username == "office":
        page.goto(f"{live_server.url}/accounts/login/")
        screenshot(page, "login.png", full_page=False)
    browser_log_in(page, live_server, username)


def problem_titles_after(text: str, unit_name: str, count: int) -> list[str]:
    """The first ``count`` problem titles after a unit's line in a digest."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(unit_name)
    titles = [
        re.sub(r"^问题\s*[:：]\s*", "", line)
        for line in lines[start + 1 :]
        if re.match(r"^问题\s*[:：]", line)
    ]
    return titles[:count]


@pytest.mark.shared
def test_the_office_imports_the_seed_and_finds_a_units_problems(live_server, page):
    expected = problem_titles_after(seed_text(), "市委统战部", 3)
    assert len(expected) == 3
    make_user("office", Role.OFFICE)
    log_in(page, live_server, "office")

    page.get_by_role("link", name="导入摘编", exact=True).click()
    page.get_by_label("文件", exact=True).set_input_files(str(seed_path()))
    page.get_by_label("导入到轮次").fill("第八轮")
    page.get_by_role("button", name="预览").click()
    page.get_by_role("heading", name="导入预览").wait_for()
    assert page.locator(".warning-list li").count() >= 1
    screenshot(page, "import-preview.png", full_page=False)
    page.locator(".warning-list a").first.click()
    screenshot(page, "import-warning.png", full_page=False)

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    assert "已导入" in page.locator(".messages").inner_text()
    screenshot(page, "round.png")
    page.get_by_role("link", name="市委统战部", exact=True).click()
    page.wait_for_url(re.compile(r"/assignments/\d+/$"))
    headings = page.locator(".problem-head h2").all_inner_texts()
    assert headings == expected
    assert page.locator("mark.outcome").count() > 0
    screenshot(page, "unit.png")

    page.get_by_role("link", name="整改台账", exact=True).click()
    page.get_by_role("heading", name="整改台账").wait_for()
    assert page.locator(".ledger-table tbody tr").count() == 24
    screenshot(page, "ledger.png")

    page.get_by_label("单位").select_option(label="市委统战部")
    page.wait_for_url(re.compile(r"/ledger/\?.*unit=\d+"))
    page.get_by_text("共 3 个问题").wait_for()
    assert page.locator(".ledger-table tbody tr").count() == 3


def test_a_liaison_edits_a_measure_in_place_and_sees_the_new_figures(live_server, page):
    # 待整改, the plan not yet submitted: the unit still proposes it and edits it in place.
    liaison = make_user("liaison", Role.UNIT)
    problem = make_problem(title="资产清理不到位", measures=("清理闲置资产8处。",), start=False)
    problem.assignment.unit.liaisons.add(liaison)
    log_in(page, live_server, "liaison")

    page.goto(f"{live_server.url}/problems/{problem.pk}/")
    measure = page.locator("article.measure").first
    measure.get_by_role("link", name=re.compile("编辑")).click()
    editing = page.locator("article.measure-editing")
    textarea = editing.get_by_label("措施内容")
    textarea.wait_for()
    screenshot(page, "measure-form.png", full_page=False)
    textarea.fill("清退违规资金共计12.5万元。")
    editing.get_by_label("责任部门").fill("财务科")
    editing.get_by_role("button", name="保存").click()
    page.locator("article.measure mark.outcome-money").wait_for()
    assert "12.5万元" in page.locator("article.measure mark.outcome-money").inner_text()
    assert "财务科" in page.locator("article.measure").inner_text()
    assert "修改整改措施" in page.locator("#history").inner_text()
    assert page.url.endswith(f"/problems/{problem.pk}/")  # swapped in place, no navigation
    screenshot(page, "problem.png")
    # The other forms were refreshed with the new version: the user's next save is no conflict.
    page.get_by_label("整改类型", exact=True).select_option("immediate")
    page.get_by_role("button", name="更新整改类型与时限").click()
    page.get_by_text("整改类型与时限已保存").wait_for()

    # Someone else saves while the form is open: the save answers 409 and htmx shows why.
    page.locator("article.measure").first.get_by_role("link", name=re.compile("编辑")).click()
    editing.get_by_label("措施内容").wait_for()
    problem.refresh_from_db()
    measure_update(
        actor=None,
        measure=problem.measures.get(),
        expected_version=problem.version,
        text="他人同时修改了这一项。",
    )
    editing.get_by_label("责任领导").fill("王局长")
    editing.get_by_role("button", name="保存").click()
    page.get_by_text("已被他人修改").wait_for()
    assert editing.get_by_label("责任领导").input_value() == "王局长"


DISCLOSURE = """中共某区文化旅游局党组关于区委第四轮巡察集中整改进展情况的通报
根据区委统一部署，2025年4月1日至5月30日，区委第三巡察组对区文化旅游局党组开展了常规巡察。2025年6月18日，巡察组向区文化旅游局党组反馈了巡察意见。现将巡察整改进展情况予以公布。
一、整改工作组织情况
局党组成立整改工作领导小组，逐项制定整改措施。截至2025年9月30日，反馈的2个方面3个问题，已完成整改2个，正在整改1个。
二、反馈问题整改落实情况
（一）关于落实全面从严治党责任不到位方面
1.关于“景区门票收入管理不规范”问题
整改情况：一是清查门票收入台账，追回截留收入8.6万元。二是建立门票收入日结制度。
完成情况：已完成
2.关于“文物安全巡查不到位”问题
整改情况：对全区23处文物点开展安全巡查，整改隐患11处。
完成情况：已完成
问题3：公共文化场馆开放时间不足。
整改情况：延长图书馆、文化馆开放时间，每周开放不少于56小时。
完成情况：正在整改
"""


def test_the_office_imports_a_disclosure_as_a_word_file_and_finds_its_problems(
    live_server, page, tmp_path
):
    import docx

    document = docx.Document()
    for line in DISCLOSURE.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "区文化旅游局整改进展情况通报.docx"
    document.save(str(path))
    make_user("office", Role.OFFICE)
    log_in(page, live_server, "office")

    page.get_by_role("link", name="导入摘编", exact=True).click()
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_label("导入到轮次").fill("区委第四轮巡察")
    page.get_by_role("button", name="预览").click()
    page.get_by_role("heading", name="导入预览").wait_for()
    assert "被巡察单位整改情况通报" in page.locator("[data-form]").inner_text()
    assert "反馈的2个方面3个问题" in page.locator(".claims").inner_text()
    screenshot(page, "import-disclosure-preview.png", full_page=False)

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    page.get_by_role("link", name="区文化旅游局党组", exact=True).click()
    page.wait_for_url(re.compile(r"/assignments/\d+/$"))
    headings = page.locator(".problem-head h2").all_inner_texts()
    assert headings == ["景区门票收入管理不规范", "文物安全巡查不到位", "公共文化场馆开放时间不足"]
    assert page.locator("mark.outcome").count() > 0
    screenshot(page, "unit-from-disclosure.png")


def test_the_import_preview_shows_the_claims_check_with_a_verdict_per_line(
    live_server, page, tmp_path
):
    # Written for the test: the parts (2 + 2) exceed the total of 3; 2/3 is 66.7%; the
    # refund of 2.4万元 exceeds the 2万元 found.
    digest = (
        "近日，市委第一巡察组对两家单位整改情况进行了回访。"
        "本轮反馈问题3个，已完成整改2个，正在整改2个，完成率66.7%。\n\n"
        "市档案馆\n\n问题：档案数字化进度偏慢\n\n"
        "整改：制定档案数字化工作方案。共查出违规发放补贴2万元，已清退2.4万元。\n\n"
        "市气象局\n\n问题：预警信息发布不及时\n\n整改：建成预警发布平台，开展演练4次。\n"
    )
    path = tmp_path / "回访摘编.txt"
    path.write_text(digest, encoding="utf-8")
    make_user("office", Role.OFFICE)
    log_in(page, live_server, "office")

    page.get_by_role("link", name="导入摘编", exact=True).click()
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_label("导入到轮次").fill("市委第九轮巡察")
    page.get_by_role("button", name="预览").click()
    page.get_by_role("heading", name="数字核对（整改质量体检）").wait_for()
    rows = page.locator("table.claim-checks tbody tr")
    verdicts = {
        (
            row.get_attribute("data-kind"),
            row.get_attribute("data-verdict"),
            row.get_attribute("data-line"),
        )
        for row in rows.all()
    }
    assert verdicts == {("sum", "fails", "1"), ("rate", "holds", "1"), ("refund", "fails", "7")}
    failing = page.locator('.claim-checks tr[data-verdict="fails"]')
    assert failing.count() == 2
    assert "2个+2个 = 4" in failing.first.inner_text()
    assert "第1行" in failing.first.inner_text()
    assert failing.first.locator(".verdict").inner_text() == "不符"
    assert "2.4万元" in failing.nth(1).inner_text()
    screenshot(page, "import-claims-check.png", full_page=False)
