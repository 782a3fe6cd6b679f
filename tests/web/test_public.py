"""The public pages (公开) and their static export (issue 14, acceptance 3): without log-in,
only published and not withdrawn publications, only their public items, names masked, each
"as of" its publishing; the export holds the same; every other URL refuses an anonymous visitor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.followups.conftest import problem_in
from tests.reports.publishing import approved
from tests.web.browser import chromium, new_page, screenshot
from xuncha.reports.disclosure import publication_item_decide, publication_redactions_set
from xuncha.reports.models import ItemKind, Publication
from xuncha.reports.services import (
    digest_draft_for_batch,
    notice_draft,
    publication_edit,
    publication_publish,
    publication_withdraw,
)

NAME = "张建国"
NAMED = f"由办公室主任{NAME}同志牵头，修订完善相关制度2项。"
PUBLIC_PROBLEM = "制度执行不严"
WITHHELD_PROBLEM = "线索正在核查"


@dataclass
class Disclosed:
    digest: Publication
    notice: Publication
    withdrawn: Publication
    draft: Publication


def disclose(cast: Any, plan: Any) -> Disclosed:
    """A published digest with one problem withheld (正在查办) and a name masked, a published
    notice, a withdrawn notice and a draft: the last two must stay off the public pages."""
    problem_in(cast.assignment, "in_progress", title=PUBLIC_PROBLEM)
    problem_in(cast.assignment, "in_progress", title=WITHHELD_PROBLEM)
    draft = digest_draft_for_batch(actor=cast.office, batch=plan.batch)
    text = draft.draft_text.replace("修订完善相关制度2项。", NAMED, 1)
    digest = publication_edit(
        actor=cast.office, publication=draft, expected_version=draft.version, draft_text=text
    )
    withheld = digest.items.get(kind=ItemKind.PROBLEM, title=WITHHELD_PROBLEM)
    publication_item_decide(actor=cast.office, item=withheld, withheld_reason="open_case")
    digest = publication_redactions_set(
        actor=cast.office, publication=digest, chosen=[NAME], added=[]
    )
    digest = publication_publish(actor=cast.office, publication=approved(digest, cast.office2))
    round_ = cast.assignment.round
    notice = notice_draft(actor=cast.office, round_=round_, unit=cast.assignment.unit)
    notice = publication_publish(actor=cast.office, publication=approved(notice, cast.office2))
    withdrawn = notice_draft(actor=cast.office, round_=round_, unit=cast.other_assignment.unit)
    withdrawn = publication_publish(
        actor=cast.office, publication=approved(withdrawn, cast.office2)
    )
    withdrawn = publication_withdraw(actor=cast.office, publication=withdrawn, reason="数字有误")
    later = notice_draft(actor=cast.office, round_=round_)
    return Disclosed(digest, notice, withdrawn, later)


@pytest.fixture
def disclosed(cast, plan) -> Disclosed:
    return disclose(cast, plan)


def assert_public_content(html: str) -> None:
    """What acceptance 3 asks of a page showing the digest: the public problem is there, the
    withheld one and the masked name are not, the mask is."""
    assert PUBLIC_PROBLEM in html
    assert WITHHELD_PROBLEM not in html
    assert NAME not in html and "张某同志" in html


def as_of(publication: Publication) -> str:
    return f"截至 {timezone.localtime(publication.published_at):%Y-%m-%d %H:%M}"


@pytest.mark.django_db
def test_the_index_lists_only_what_is_published_and_not_withdrawn(disclosed):
    page = Client().get(reverse("public:index")).content.decode()
    assert disclosed.digest.title in page and disclosed.notice.title in page
    assert as_of(disclosed.digest) in page
    links = re.findall(r'href="([^"]+)"', page)
    assert reverse("public:publication", args=[disclosed.digest.pk]) in links
    assert reverse("public:publication", args=[disclosed.withdrawn.pk]) not in links
    assert reverse("public:publication", args=[disclosed.draft.pk]) not in links
    assert reverse("public:round", args=[disclosed.notice.round_id]) in links


@pytest.mark.django_db
def test_a_publication_page_shows_its_public_items_with_names_masked(disclosed):
    page = Client().get(reverse("public:publication", args=[disclosed.digest.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert_public_content(html)
    assert as_of(disclosed.digest) in html
    # The internal app's navigation and log-in links are not on a public page.
    assert "主导航" not in html and reverse("login") not in html
    assert reverse("web:ledger") not in html and reverse("web:publications") not in html
    # The stored draft and published text keep the name and the withheld problem.
    assert NAME in disclosed.digest.published_text
    assert WITHHELD_PROBLEM in disclosed.digest.published_text


@pytest.mark.django_db
def test_a_withdrawn_or_draft_publication_is_not_found(disclosed):
    for publication in (disclosed.withdrawn, disclosed.draft):
        url = reverse("public:publication", args=[publication.pk])
        assert Client().get(url).status_code == 404
    publication_withdraw(actor=None, publication=disclosed.digest, reason="涉及正在查办的问题")
    url = reverse("public:publication", args=[disclosed.digest.pk])
    assert Client().get(url).status_code == 404
    assert disclosed.digest.title not in Client().get(reverse("public:index")).content.decode()


@pytest.mark.django_db
def test_a_rounds_progress_shows_the_frozen_figures_of_its_public_notices(disclosed):
    url = reverse("public:round", args=[disclosed.notice.round_id])
    html = Client().get(url).content.decode()
    totals = disclosed.notice.figures["totals"]
    assert disclosed.notice.title in html and disclosed.withdrawn.title not in html
    assert f"<td>{totals['fed_back']}</td>" in html
    assert timezone.localtime(disclosed.notice.published_at).strftime("%Y-%m-%d %H:%M") in html
    # Later data does not change it: the figures are those frozen at publishing.
    problem_in(disclosed.notice.unit.assignments.get(), "in_progress", title="后来的问题")
    assert f"<td>{totals['fed_back']}</td>" in Client().get(url).content.decode()
    assert Client().get(reverse("public:round", args=[999_999])).status_code == 404


def every_url(publication_pk: int) -> Iterator[tuple[str, str]]:
    """Every URL of the project but the public pages', the log-in pages' and the admin's, with
    each number in it filled with ``publication_pk``."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner in {"public", "admin"}:
                    continue
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name not in {"login", "logout"}:
                path = re.sub(r"<(?:int:)?\w+>", str(publication_pk), route)
                if "(" in path or "^" in path or "<" in path:
                    continue  # a regular expression route (the admin's, static files)
                yield f"{namespace}:{pattern.name}", "/" + path

    yield from walk(get_resolver().url_patterns, "", "")


@pytest.mark.django_db
def test_anonymous_requests_to_every_internal_url_are_refused(disclosed):
    urls = dict(every_url(disclosed.digest.pk))
    assert len(urls) > 60 and "web:publication" in urls and "api:problem-list" in urls
    answers = {}
    for name, url in urls.items():
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            refused = response.status_code in {401, 403, 405} or (
                response.status_code == 302 and response["Location"].startswith(reverse("login"))
            )
            if not refused:
                answers[(name, method)] = response.status_code
    assert answers == {}


@pytest.mark.django_db
def test_the_static_export_holds_the_same_content_with_relative_links(disclosed, tmp_path):
    out = tmp_path / "site"
    call_command("export_public", "--out", str(out))
    digest_file = out / f"publication-{disclosed.digest.pk}.html"
    names = {path.name for path in out.iterdir()}
    assert {"index.html", "xuncha.css", digest_file.name} <= names
    assert f"publication-{disclosed.withdrawn.pk}.html" not in names
    assert f"publication-{disclosed.draft.pk}.html" not in names
    exported = digest_file.read_text("utf-8")
    assert_public_content(exported)
    site = Client().get(reverse("public:publication", args=[disclosed.digest.pk]))
    assert public_text_block(exported) == public_text_block(site.content.decode())
    for page in out.glob("*.html"):
        for link in re.findall(r'(?:href|src)="([^"]+)"', page.read_text("utf-8")):
            assert link.startswith("data:") or (out / link).exists(), (page.name, link)


def public_text_block(html: str) -> str:
    match = re.search(r'<div class="public-text">(.*?)</div>', html, re.S)
    assert match is not None
    return match[1]


@pytest.mark.django_db
def test_the_export_of_one_round_and_an_unknown_round(disclosed, tmp_path):
    call_command("export_public", "--out", str(tmp_path / "one"), "--round", "测试第一轮")
    assert (tmp_path / "one" / f"publication-{disclosed.digest.pk}.html").exists()
    with pytest.raises(CommandError, match="没有名为“无此轮次”的轮次"):
        call_command("export_public", "--out", str(tmp_path / "none"), "--round", "无此轮次")


@pytest.fixture(scope="module")
def public_browser() -> Iterator[Any]:
    """One headless Chromium for the module's browser tests."""
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_a_visitor_reads_the_public_page_and_the_export_in_a_browser(
    live_server, public_browser, cast, plan, tmp_path
):
    disclosed = disclose(cast, plan)
    page = new_page(public_browser)
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name=disclosed.digest.title).click()
    page.get_by_role("heading", name=disclosed.digest.title).wait_for()
    text = page.locator("main").inner_text()
    assert PUBLIC_PROBLEM in text and "张某同志" in text
    assert WITHHELD_PROBLEM not in text and NAME not in text
    assert as_of(disclosed.digest) in text
    screenshot(page, "public-1-digest.png")
    # An internal page sends the same visitor to log in.
    page.goto(f"{live_server.url}{reverse('web:publication', args=[disclosed.digest.pk])}")
    assert page.url.startswith(f"{live_server.url}{reverse('login')}")

    out = tmp_path / "site"
    call_command("export_public", "--out", str(out))
    page.goto(Path(out / "index.html").as_uri())
    page.get_by_role("link", name=disclosed.digest.title).click()
    page.get_by_role("heading", name=disclosed.digest.title).wait_for()
    exported = page.locator("main").inner_text()
    assert exported == text
    page.context.close()
