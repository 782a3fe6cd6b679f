"""Score the outcome finders against the hand-written gold list for the seed digest.

Usage: ``.venv/bin/python bench/quantities.py [--seed PATH] [--gold PATH]``

Reads each rectification paragraph of the seed (a line starting with "整改:"), numbers the
problems 1..24 in file order, runs the finders and compares with
``tests/text/gold/seed_quantities.json``. Prints precision, recall and F1 with every miss and
false positive for quantities, regulations and accountability; exits 1 when a precision or
recall is below 0.95. The tests import :func:`score` and the ``*_keys`` functions from here.
"""

from __future__ import annotations

import argparse
import json
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
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
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
