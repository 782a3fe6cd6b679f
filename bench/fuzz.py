"""Fuzz the text readers with mutated real inputs; report cases, failures and the slowest input.

Usage: ``.venv/bin/python bench/fuzz.py [--examples N] [--shared PATH]``

The inputs are the seed digest and the corpus under ``../shared`` (when present) and a few
strings written here, each mutated by hypothesis: a slice deleted or repeated, characters of the
digest's own form inserted (问题：, 一是, 《》, “”, numerals, 万亿, %, \\n …), lines swapped, the
end cut. The properties, the same as ``tests/text/test_fuzz_readers.py`` checks with fewer
examples:

* :func:`parse_digest` returns, or raises only :class:`DigestError` with the line it names (None
  only for the errors about the whole file);
* :func:`find_quantities` and :func:`find_outcomes` never raise, and every span they report is
  the text it quotes;
* every call on an input under 100 KB takes under two seconds.

Exits 1 when a property failed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:  # runnable as a script from anywhere
    sys.path.insert(0, str(REPOSITORY))

from xuncha.text.digest import DigestError, parse_digest  # noqa: E402
from xuncha.text.quantities import find_outcomes, find_quantities  # noqa: E402

DEFAULT_SHARED = REPOSITORY.parent / "shared"
SEED_NAME = "000_0d4afe8e0bfa6a12.txt"
TIME_LIMIT = 2.0  # seconds for one call
SIZE_LIMIT = 100_000  # characters: inputs are cut to this, the size the time limit is for

# Characters and words of the digest's own form, and of the quantities it states.
POOL_CHARACTERS = "问题：整改：一是 《》“”、，。：0123456789一二三万亿%元人名\n"
POOL_WORDS = (
    "问题：", "整改：", "问题:", "整改:", "一是", "二是", "三是", "十是", "《", "》", "“", "”",
    "、", "，", "。", "；", "\n", "\n\n", "其中", "诫勉谈话", "追责问责", "制度", "建立健全",
    "修订", "万元", "亿元", "人次", "名", "%", "第", "轮", "巡察组", "等", "家单位", "至",
    "（", "）", "\ufffd", "\r\n",
)  # fmt: skip
# Written for these properties: a small digest of the seed's form and a measure with figures.
PROJECT_STRINGS = (
    "按照市委统一部署，市委第一至第二巡察组对两家单位开展回访督查。\n"
    "市档案馆\n"
    "问题：档案数字化进度滞后\n"
    "整改：一是制定《档案数字化工作方案》。二是完成扫描12万页，投入资金35.5万元。\n"
    "市气象台\n"
    "问题：预警信息发布不及时\n"
    "整改：修订完善制度5项，对2名责任人进行诫勉谈话，发布时效提高到95%以上。\n"
    "（通讯员 张三）",
    "从6名增加至9名，其中追责问责3人(其中诫勉谈话1人)，截至2024年6月底建章立制8项，"
    "“三个一”工作法覆盖全部23个社区，“”《》「」",
)
# Messages of the errors that concern the whole file rather than one of its lines.
WHOLE_FILE_ERRORS = ("没有找到任何单位", "文件标明为UTF-16编码")


def shared_texts(shared: Path) -> list[str]:
    """The seed digest and the corpus texts under ``shared``, those present."""
    paths = [shared / "seeds" / SEED_NAME, *sorted((shared / "corpus").glob("*.txt"))]
    return [path.read_text(encoding="utf-8") for path in paths if path.is_file()]


@st.composite
def mutated(draw: st.DrawFn, bases: Sequence[str]) -> str:
    """One of ``bases`` with one to five mutations, cut to :data:`SIZE_LIMIT` characters."""
    text = draw(st.sampled_from(bases))
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        kind = draw(st.sampled_from(["delete", "repeat", "insert", "swap", "truncate"]))
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 2000)))
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "repeat":
            times = draw(st.integers(min_value=2, max_value=50))
            text = text[:start] + text[start:end] * times + text[end:]
        elif kind == "insert":
            pieces = st.one_of(st.sampled_from(POOL_CHARACTERS), st.sampled_from(POOL_WORDS))
            inserted = "".join(draw(st.lists(pieces, min_size=1, max_size=40)))
            text = text[:start] + inserted + text[start:]
        elif kind == "swap":
            lines = text.split("\n")
            if len(lines) > 1:
                first = draw(st.integers(min_value=0, max_value=len(lines) - 1))
                second = draw(st.integers(min_value=0, max_value=len(lines) - 1))
                lines[first], lines[second] = lines[second], lines[first]
            text = "\n".join(lines)
        else:
            text = text[:start]
    return text[:SIZE_LIMIT]


def check_digest(text: str) -> None:
    """parse_digest returns, or raises DigestError naming a line of the input (or the file)."""
    lines = len(re.split(r"\r\n|\r|\n", text))
    try:
        parse_digest(text)
    except DigestError as error:
        assert error.message, "a DigestError explains itself"
        if error.line is None:
            assert error.message.startswith(WHOLE_FILE_ERRORS), error.message
        else:
            assert 1 <= error.line <= lines, f"line {error.line} of {lines}: {error.message}"


def check_digest_bytes(text: str) -> None:
    """The same on the encoded text, as an upload arrives: UTF-8, cut anywhere in a character."""
    data = text.encode("utf-8")
    data = data[: len(data) - len(text) % 3]  # up to two bytes short: a character may be cut
    try:
        parse_digest(data)
    except DigestError as error:
        assert error.message, "a DigestError explains itself"
        assert error.line is None or error.line >= 1, error.line


def check_quantities(text: str) -> None:
    """find_quantities never raises, and each quantity quotes its own span."""
    for quantity in find_quantities(text):
        assert text[quantity.start : quantity.end] == quantity.text, quantity


def check_outcomes(text: str) -> None:
    """find_outcomes never raises, and each fact quotes its own span."""
    outcomes = find_outcomes(text)
    spans = [
        *((fact.start, fact.end, fact.text) for fact in outcomes.quantities),
        *((fact.start, fact.end, fact.text) for fact in outcomes.accountability),
        *((fact.start, fact.end, fact.text) for fact in outcomes.regulations),
    ]
    for start, end, written in spans:
        assert text[start:end] == written, (start, end, written)


READERS: dict[str, Callable[[str], None]] = {
    "parse_digest": check_digest,
    "parse_digest (bytes)": check_digest_bytes,
    "find_quantities": check_quantities,
    "find_outcomes": check_outcomes,
}


def timed(check: Callable[[str], None], text: str) -> float:
    """Run one check and return its time; fail when an input under 100 KB took too long."""
    started = time.perf_counter()
    check(text)
    elapsed = time.perf_counter() - started
    if len(text) < SIZE_LIMIT:
        assert elapsed < TIME_LIMIT, f"{len(text)} characters took {elapsed:.2f}s"
    return elapsed


@dataclass
class Tally:
    """What one reader's run found: cases, failures, the slowest input."""

    cases: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    slowest_size: int = 0


def run(name: str, bases: Sequence[str], examples: int) -> Tally:
    """Fuzz one reader with ``examples`` mutated inputs, counting failures instead of stopping."""
    tally = Tally()
    check = READERS[name]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated(bases))
    def case(text: str) -> None:
        tally.cases += 1
        try:
            elapsed = timed(check, text)
        except Exception as error:  # a failure is counted and shown, the run goes on
            tally.failures.append(f"{type(error).__name__}: {error} (input of {len(text)})")
            return
        if elapsed > tally.slowest:
            tally.slowest, tally.slowest_size = elapsed, len(text)

    case()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per reader")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    arguments = parser.parse_args(argv)
    bases = [*shared_texts(arguments.shared), *PROJECT_STRINGS]
    print(f"{len(bases)} base texts, {arguments.examples} examples per reader")
    failed = False
    for name in READERS:
        tally = run(name, bases, arguments.examples)
        print(
            f"{name}: {tally.cases} cases, {len(tally.failures)} failures, slowest "
            f"{tally.slowest:.3f}s on {tally.slowest_size} characters"
        )
        for failure in tally.failures[:5]:
            print(f"  {failure}")
        failed = failed or bool(tally.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
