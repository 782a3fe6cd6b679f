"""Score the outcome finders against the hand-written gold list for the seed digest.

Usage: ``.venv/bin/python bench/quantities.py [--seed PATH] [--gold PATH] [--no-throughput]``

Reads each rectification paragraph of the seed (a line starting with "整改:"), numbers the
problems 1..24 in file order, runs the finders and compares with
``tests/text/gold/seed_quantities.json``. Prints precision, recall and F1 with every miss and
false positive for quantities, regulations and accountability; exits 1 when a precision or
recall is below 0.95. The tests import :func:`score` and the ``*_keys`` functions from here.

Then prints the quantity finder's throughput: one call on 1,000,000 characters of realistic
text (the seed's rectification texts repeated), the same text one paragraph per call, and the
slowest call over inputs just under 100 KB (the pathological shapes of
``tests/text/test_fuzz_readers.py`` at that size, and the densest text there is: a count every
two characters). The targets are one second for the megabyte and 0.2 s for each input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:  # runnable as a script from anywhere
    sys.path.insert(0, str(REPOSITORY))

from xuncha.text.quantities import (  # noqa: E402
    find_accountability,
    find_quantities,
    find_regulations,
)

DEFAULT_SEED = REPOSITORY.parent / "shared" / "seeds" / "000_0d4afe8e0bfa6a12.txt"
DEFAULT_GOLD = REPOSITORY / "tests" / "text" / "gold" / "seed_quantities.json"
THRESHOLD = 0.95
RECTIFICATION_PREFIX = "整改:"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Score:
    """Multiset matching of predicted against gold keys over all problems."""

    matched: int
    predicted: int
    gold: int
    misses: tuple[Hashable, ...]  # gold keys not predicted
    false_positives: tuple[Hashable, ...]  # predicted keys not in the gold

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(predicted: Iterable[Hashable], gold: Iterable[Hashable]) -> Score:
    """Match two multisets of keys; keys carry the problem number so matches stay per problem."""
    predicted_counts, gold_counts = Counter(predicted), Counter(gold)
    matched = predicted_counts & gold_counts
    return Score(
        matched=sum(matched.values()),
        predicted=sum(predicted_counts.values()),
        gold=sum(gold_counts.values()),
        misses=tuple(sorted((gold_counts - matched).elements(), key=str)),
        false_positives=tuple(sorted((predicted_counts - matched).elements(), key=str)),
    )


def rectifications(seed: str) -> list[str]:
    """The rectification paragraphs of a digest, prefix stripped, in file order."""
    return [
        line[len(RECTIFICATION_PREFIX) :]
        for line in seed.splitlines()
        if line.startswith(RECTIFICATION_PREFIX)
    ]


def title_matches(title: str | None, written: str | None, length: int | None) -> bool:
    """Compare a found title with the gold's, which may be abbreviated as ``head…tail``.

    The gold list abbreviates long titles so that the repository never holds a long span of the
    seed: the found title must then start with the head, end with the tail and have the length.
    """
    if title is None or written is None:
        return title is written
    if ELLIPSIS not in written:
        return title == written
    head, tail = written.split(ELLIPSIS, 1)
    return title.startswith(head) and title.endswith(tail) and len(title) == length


def quantity_keys(texts: list[str]) -> list[tuple[Any, ...]]:
    """(problem, text, kind, value, qualifier) for every quantity the finder reports."""
    return [
        (number, q.text, q.kind, q.value, q.qualifier)
        for number, text in enumerate(texts, 1)
        for q in find_quantities(text)
    ]


def gold_quantity_keys(gold: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (problem["problem"], q["text"], q["kind"], q["value"], q["qualifier"])
        for problem in gold["problems"]
        for q in problem["quantities"]
    ]


def accountability_keys(texts: list[str]) -> list[tuple[Any, ...]]:
    return [
        (number, fact.kind, fact.people)
        for number, text in enumerate(texts, 1)
        for fact in find_accountability(text)
    ]


def gold_accountability_keys(gold: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(row["problem"], row["kind"], row["people"]) for row in gold["accountability"]]


def regulation_keys(texts: list[str], gold: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(problem, gold title spelling, count): a found title takes its gold spelling if any."""
    keys = []
    for number, text in enumerate(texts, 1):
        rows = [row for row in gold["regulations"] if row["problem"] == number]
        for fact in find_regulations(text):
            spelling = next(
                (
                    row["title"]
                    for row in rows
                    if title_matches(fact.title, row["title"], row.get("title_chars"))
                ),
                fact.title,
            )
            keys.append((number, spelling, fact.count))
    return keys


def gold_regulation_keys(gold: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(row["problem"], row["title"], row["count"]) for row in gold["regulations"]]


def evaluate(seed: str, gold: dict[str, Any]) -> dict[str, Score]:
    """The three scores of the finders on a seed digest against its gold list."""
    texts = rectifications(seed)
    return {
        "quantities": score(quantity_keys(texts), gold_quantity_keys(gold)),
        "regulations": score(regulation_keys(texts, gold), gold_regulation_keys(gold)),
        "accountability": score(accountability_keys(texts), gold_accountability_keys(gold)),
    }


def report(name: str, result: Score, write: Callable[[str], None] = print) -> None:
    write(
        f"{name}: precision {result.precision:.3f} recall {result.recall:.3f} "
        f"F1 {result.f1:.3f} (matched {result.matched}, predicted {result.predicted}, "
        f"gold {result.gold})"
    )
    for key in result.misses:
        write(f"  miss: {key}")
    for key in result.false_positives:
        write(f"  false positive: {key}")


MEGABYTE = 1_000_000  # characters: about 3 MB of UTF-8
SMALL = 99_000  # characters: every input under 100 KB must be read in 0.2 s
SMALL_SHAPES: dict[str, str] = {
    "a run of “": "“",
    "unbalanced quotes": "“甲”乙“",
    "a run of digits": "7",
    "digits in groups of three": "123,",
    "a run of numerals": "一二三四五六七八九十",
    "a run of 〇": "〇",
    "one clause without breaks": "持续推进整改工作",
    "a count every two characters": "3名",
    "counts with qualifiers": "近3名、约5个，",
    "many from-to pairs": "从3名增加至9名",
    "many years": "2020年，",
    "many dates without a year": "9月22日至25日，",
    "many fractions": "三分之二，",
    "many lists": "3、5、7个，",
    "fillers before a count": "已",
    "quoted speech": "他说：“完成3项，",
    "traditional with glosses": "關(guān)於三個階段(duàn)，",
}


def realistic_text(seed: str, size: int = MEGABYTE) -> str:
    """``size`` characters of the seed's rectification texts, one per line, repeated."""
    paragraph = "\n".join(rectifications(seed)) + "\n"
    return (paragraph * (size // len(paragraph) + 1))[:size]


def _seconds(text: str) -> float:
    started = time.perf_counter()
    find_quantities(text)
    return time.perf_counter() - started


def throughput(seed: str, write: Callable[[str], None] = print) -> None:
    """Print the finder's time on a megabyte, per paragraph, and on the worst small input."""
    text = realistic_text(seed)
    megabytes = len(text.encode("utf-8")) / 1e6
    whole = _seconds(text)
    write(
        f"throughput: one call on {len(text):,} characters ({megabytes:.1f} MB UTF-8): "
        f"{whole:.3f}s, {megabytes / whole:.1f} MB/s"
    )
    lines = text.splitlines()
    started = time.perf_counter()
    for line in lines:
        find_quantities(line)
    each = time.perf_counter() - started
    write(
        f"throughput: the same in {len(lines):,} calls, one per paragraph: "
        f"{each:.3f}s, {megabytes / each:.1f} MB/s"
    )
    times = {
        name: _seconds((shape * (SMALL // len(shape) + 1))[:SMALL])
        for name, shape in SMALL_SHAPES.items()
    }
    times["the seed's texts"] = _seconds(text[:SMALL])
    name, worst = max(times.items(), key=lambda item: item[1])
    write(f"throughput: slowest input of {SMALL:,} characters: {name}, {worst:.3f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--no-throughput", action="store_true", help="skip the timings")
    arguments = parser.parse_args(argv)
    try:
        seed = arguments.seed.read_text(encoding="utf-8")
        gold = json.loads(arguments.gold.read_text(encoding="utf-8"))
    except OSError as error:
        print(f"cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    scores = evaluate(seed, gold)
    for name, result in scores.items():
        report(name, result)
    passed = all(s.precision >= THRESHOLD and s.recall >= THRESHOLD for s in scores.values())
    if not arguments.no_throughput:
        throughput(seed)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
