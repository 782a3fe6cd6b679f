"""The English catalogue is complete, and pages in English show no Chinese outside their data.

Issue 14, acceptance 4. The first tests extract the marked strings as ``makemessages`` does
(into a temporary folder, through scripts/update-translations) and hold the committed catalogue
against them: a marked string without English, English holding Chinese characters or
full-width punctuation, or a placeholder lost, fails. The last render pages with English chosen
and read their navigation, headings, labels and buttons.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.catalogue import PO_FILE, compile_catalogue, update_translations_script
from tests.rectification.conftest import build_cast, problem_at

TOOLS = update_translations_script()
CJK = TOOLS.CJK

# Data the pages below show (names of the cast's round, groups, units, people; the problem's
# title and measure): Chinese by nature, taken out before looking for Chinese.
DATA = [
    "测试第一轮",
    "市委第一巡察组",
    "市委第二巡察组",
    "市测试局",
    "市另一局",
    "制度执行不严",
    "修订完善财务报销制度3项。",
    "党组书记 王某",
    "办公室",
]


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    return TOOLS.extracted_msgids()


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


def test_every_marked_string_has_an_english_translation(extracted, catalogue):
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in catalogue
        if not entry.obsolete and entry.translated()
    }
    missing = sorted(msgid for _context, msgid in extracted - translated)
    assert missing == [], "run scripts/update-translations and translate these"


def test_no_translation_holds_chinese_or_changes_a_placeholder(catalogue):
    assert [str(problem) for problem in TOOLS.catalogue_problems(PO_FILE)] == []


def test_the_catalogue_has_english_plural_forms(catalogue):
    assert catalogue.metadata["Language"] == "en"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    plurals = [entry for entry in catalogue if entry.msgid_plural and not entry.obsolete]
    assert plurals, "the catalogue has plural entries"
    assert all(set(entry.msgstr_plural) == {0, 1} for entry in plurals)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "reason"),
    [
        ("已销号", "", "untranslated"),
        ("已销号", "Closed（已销号）", "Chinese in the translation"),
        ("共%(n)s项", "%(n)s items，in all", "Chinese in the translation"),
        ("问题“%(title)s”已销号。", 'Problem "%(name)s" closed.', "placeholders differ"),
        ("比例为%(rate)s%%", "The rate is %%", "placeholders differ"),
        ("{count}条", "{n} records", "placeholders differ"),
    ],
)
def test_the_check_finds_each_kind_of_bad_entry(msgid, msgstr, reason):
    problems = TOOLS.entry_problems(polib.POEntry(msgid=msgid, msgstr=msgstr))
    assert [problem.reason.split(" (")[0].split(":")[0] for problem in problems] == [reason]


def test_the_check_passes_a_good_entry_and_reads_plurals():
    good = polib.POEntry(msgid="问题“%(title)s”已销号。", msgstr='Problem "%(title)s" closed.')
    assert TOOLS.entry_problems(good) == []
    plural = polib.POEntry(
        msgid="%(n)s家单位", msgid_plural="%(n)s家单位", msgstr_plural={0: "%(n)s unit", 1: ""}
    )
    assert [problem.reason for problem in TOOLS.entry_problems(plural)] == ["untranslated"]


def test_a_translated_string_comes_out_in_english():
    compile_catalogue()
    with translation.override("en"):
        assert translation.gettext("整改台账") == "Rectification ledger"
        assert translation.ngettext("共 %(counter)s 个问题", "共 %(counter)s 个问题", 2) == (
            "%(counter)s problems in all"
        )
    with translation.override("zh-hans"):
        assert translation.gettext("整改台账") == "整改台账"


class Visible(HTMLParser):
    """The texts of a page that are the interface's own: navigation, headings, labels, buttons.

    Attributes read by people (aria-label, placeholder, title) count too. The footer's
    language choice names each language in its own script, and is skipped.
    """

    WATCHED = {"nav", "h1", "h2", "h3", "label", "button", "legend", "title", "caption"}
    # Elements whose aria-label, placeholder or title is the interface's (a marked figure's
    # title in a measure's text, for one, quotes the data).
    ATTRIBUTED = {"nav", "a", "button", "input", "select", "textarea", "form"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.footer = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "footer":
            self.footer += 1
        if tag in {"input", "br", "img", "meta", "link"}:
            pass
        else:
            self.open.append(tag)
        if not self.footer and tag in self.ATTRIBUTED:
            for name, value in attrs:
                if name in {"aria-label", "placeholder", "title"} and value:
                    self.texts.append(value)
            if tag == "input" and dict(attrs).get("type") in {"submit", "button"}:
                self.texts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "footer":
            self.footer -= 1
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.footer and self.WATCHED & set(self.open) and data.strip():
            self.texts.append(data.strip())


def chinese_in_interface(html: str) -> list[str]:
    """The interface texts of a page that hold Chinese once its data is taken out."""
    parser = Visible()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for data in DATA:
            text = text.replace(data, "")
        if CJK.search(text):
            found.append(text.strip())
    return found


@pytest.fixture
def english(db: Any, settings: Any, tmp_path: Any) -> Iterator[Any]:
    """The cast, with a problem in rectification, and English chosen (the language cookie)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    compile_catalogue()
    cast = build_cast()
    cast.problem = problem_at(cast.assignment, "in_progress")
    yield cast
    translation.activate(settings.LANGUAGE_CODE)


def english_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_choosing_english_in_the_footer_turns_the_pages_english(english):
    client = Client()
    client.force_login(english.office)
    home = client.get(reverse("web:home"))
    assert '<html lang="zh-hans">' in home.content.decode(), "Chinese is the default"
    assert 'action="/i18n/setlang/"' in home.content.decode()
    answer = client.post(reverse("web:set_language"), {"language": "en", "next": "/ledger/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/ledger/"
    page = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in page
    assert "Inspection rounds" in page


@pytest.mark.parametrize(
    ("who", "name", "record"),
    [
        ("office", "web:home", None),
        ("office", "web:ledger", None),
        ("office", "web:queue", None),
        ("office", "web:inbox", None),
        ("office", "web:import", None),
        ("office", "web:round", "round"),
        ("office", "web:round_setup", "round"),
        ("office", "web:assignment", "assignment"),
        ("office", "web:plan", "assignment"),
        ("office", "web:problem", "problem"),
        ("liaison", "web:problem", "problem"),
        ("liaison", "web:report", "assignment"),
        ("office", "web:followups", None),
        ("office", "web:publications", None),
    ],
)
def test_a_page_in_english_has_no_chinese_in_its_navigation_headings_and_forms(
    english, who, name, record
):
    arguments = {
        None: [],
        "round": [english.assignment.round_id],
        "assignment": [english.assignment.pk],
        "problem": [english.problem.pk],
    }[record]
    response = english_client(english.by_name(who)).get(reverse(name, args=arguments))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert chinese_in_interface(html) == []


def test_the_check_of_a_page_finds_chinese_in_a_label():
    html = "<main><h1>Ledger</h1><label>单位 市测试局</label><button>筛选</button></main>"
    assert chinese_in_interface(html) == ["单位", "筛选"]
