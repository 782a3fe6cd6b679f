"""Property tests of the text readers on mutated real inputs, and timing on pathological ones.

The mutations and properties are those of ``bench/fuzz.py`` (which runs many more examples):
the seed digest, the corpus in ``../shared`` and a few strings written there, with slices
deleted or repeated, characters of the digest's form inserted, lines swapped, the end cut.
:func:`parse_digest` answers or raises only :class:`DigestError` with its line;
:func:`find_quantities` and :func:`find_outcomes` never raise; no call on an input under 100 KB
takes two seconds. The pathological inputs are the shapes that once took time quadratic in
their length (12 KB of “ took five seconds).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import (
    PROJECT_STRINGS,
    check_digest,
    check_digest_bytes,
    check_outcomes,
    check_quantities,
    mutated,
    shared_texts,
    timed,
)
from tests import shared
from xuncha.text.quantities import find_accountability, find_regulations

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the texts are read only
    ],
)


@pytest.fixture
def bases(seed_text: str) -> list[str]:
    """The seed digest, the corpus (skipped or failed like the seed when absent), our strings."""
    return [seed_text, *shared_texts(shared.SHARED), *PROJECT_STRINGS]


def fuzz(check: Callable[[str], None], bases: list[str]) -> None:
    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        timed(check, data.draw(mutated(bases)))

    run()


def test_a_mutated_digest_is_read_or_refused_with_its_line(bases: list[str]) -> None:
    fuzz(check_digest, bases)


def test_a_mutated_digest_upload_is_read_or_refused_with_its_line(bases: list[str]) -> None:
    fuzz(check_digest_bytes, bases)


def test_quantities_are_found_in_any_mutated_text_without_an_error(bases: list[str]) -> None:
    fuzz(check_quantities, bases)


def test_outcomes_are_found_in_any_mutated_text_without_an_error(bases: list[str]) -> None:
    fuzz(check_outcomes, bases)


def _random_cjk(length: int) -> str:
    generator = random.Random(20240601)
    return "".join(chr(generator.randrange(0x4E00, 0x9FA6)) for _ in range(length))


SIZE = 30_000  # long enough that the old quadratic readers took tens of seconds
PATHOLOGICAL: dict[str, str] = {
    "12 KB of “": "“" * 12_000,
    "a run of ”": "”" * SIZE,
    "a run of 《": "《" * SIZE,
    "a run of 「": "「" * SIZE,
    "unbalanced quotes": "“甲”乙“" * (SIZE // 5),
    "” typed as “": "开展“回头看“专项行动，" * (SIZE // 11),
    "a run of digits": "7" * SIZE,
    "digits in groups of three": "123," * (SIZE // 4),
    "a run of numerals": "一二三四五六七八九十" * (SIZE // 10),
    "a run of 〇": "〇" * SIZE,
    "a run of 、": "、" * SIZE,
    "a run of ，": "，" * SIZE,
    "one clause without breaks": "持续推进整改工作" * (SIZE // 8),
    "repeated sanctions": "诫勉谈话" * (SIZE // 4),
    "sanctions with counts": "对3名干部追责问责" * (SIZE // 9),
    "many titles": "制定《管理办法》、" * (SIZE // 9),
    "chained verbs": "建立健全" * (SIZE // 4) + "制度3项",
    "chained verbs before a title": ("建立健全" * 40 + "的《办法》") * (SIZE // 165),
    "many counts in one clause": "3名" * (SIZE // 2),
    "many from-to pairs": "从3名增加至9名" * (SIZE // 8),
    "many years": "2020年，" * (SIZE // 6),
    "fillers before a count": "已" * SIZE + "3名",
    "notes closing a title": "出台《办法" + "(试行)" * (SIZE // 4) + "x》",
    "random CJK": _random_cjk(SIZE),
    "introduction of group numbers": "第一、" * (SIZE // 3) + "巡察组\n单位\n问题：甲\n整改：乙",
    "introduction of numerals": "一" * SIZE + "届\n单位\n问题：甲\n整改：乙",
    "a wide range of groups": "第1至第99999999巡察组\n单位\n问题：甲\n整改：乙",
    "damaged characters in a title": "引言\n《" + "\ufffd" * SIZE + "》\n单位\n问题：甲\n整改：乙",
    "many measures": "引言\n单位\n问题：甲\n整改：" + "一是整改。" * (SIZE // 5),
}


def check_accountability(text: str) -> None:
    for fact in find_accountability(text):
        assert text[fact.start : fact.end] == fact.text, fact


def check_regulations(text: str) -> None:
    for fact in find_regulations(text):
        assert text[fact.start : fact.end] == fact.text, fact


READERS: dict[str, Callable[[str], None]] = {
    "parse_digest": check_digest,
    "find_quantities": check_quantities,
    "find_outcomes": check_outcomes,
    "find_accountability": check_accountability,
    "find_regulations": check_regulations,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_a_pathological_input_is_read_in_under_two_seconds(text: str) -> None:
    for check in READERS.values():
        timed(check, text)


def test_the_seed_repeated_to_100_kb_is_read_in_under_two_seconds(seed_text: str) -> None:
    text = (seed_text * (100_000 // len(seed_text) + 1))[:99_999]
    for check in READERS.values():
        timed(check, text)
