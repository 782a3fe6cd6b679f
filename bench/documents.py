"""Score the document readers against the hand-written labels of the public corpus.

Usage: ``.venv/bin/python bench/documents.py [--corpus PATH] [--gold PATH]``

Reads every document of ``../shared/corpus`` that has a gold file in
``tests/text/gold/corpus/`` (written by ``docs/labelling.md``), and prints per form and overall:
documents read in their gold form, and structure precision and recall (units, problems and
measures whose kind and span equal a gold item's); then quantity precision and recall per document
and overall (a figure matches a gold quantity when kind, value and span are equal; on the matched
ones ``upper``, ``unit``, ``qualifier`` and ``inferred`` are compared and their disagreements
listed). Every mismatch is listed. Exits 1 below the targets: every document in its form,
structure precision and recall of at least 0.95, quantity precision and recall of at least 0.97
overall and 0.9 on every document. The tests import :func:`score` and
:func:`score_quantities` from here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:  # runnable as a script from anywhere
    sys.path.insert(0, str(REPOSITORY))

from xuncha.text.model import Document  # noqa: E402
from xuncha.text.quantities import find_quantities  # noqa: E402
from xuncha.text.reading import DocumentError, read_document  # noqa: E402

GOLD = REPOSITORY / "tests" / "text" / "gold" / "corpus"
CORPUS = REPOSITORY.parent / "shared" / "corpus"
TARGET = 0.95
QUANTITY_TARGET = 0.97
QUANTITY_TARGET_EACH = 0.9
Item = tuple[str, int, int]  # kind, start, end
QuantityKey = tuple[str, str, int, int]  # kind, value, start, end
ATTRIBUTES = ("upper", "unit", "qualifier", "inferred")
_DEFAULTS: dict[str, object] = {"upper": None, "unit": "", "qualifier": None, "inferred": False}


@dataclass
class Matching:
    """Items found, gold items and the matches between them, with precision and recall."""

    found: int = 0
    gold: int = 0
    matched: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


@dataclass
class FormScore(Matching):
    """The figures of one form (or of all documents)."""

    documents: int = 0
    right_form: int = 0

    def add(self, other: FormScore) -> None:
        self.documents += other.documents
        self.right_form += other.right_form
        self.found += other.found
        self.gold += other.gold
        self.matched += other.matched
        self.mistakes.extend(other.mistakes)


def gold_items(gold: dict[str, object]) -> set[Item]:
    items: set[Item] = set()
    for kind in ("units", "problems", "measures"):
        entries = gold.get(kind, [])
        assert isinstance(entries, list)
        items.update((kind, entry["start"], entry["end"]) for entry in entries)
    return items


def found_items(document: Document) -> set[Item]:
    items: set[Item] = {("units", u.span.start, u.span.end) for u in document.units}
    for problem in document.problems:
        items.add(("problems", problem.span.start, problem.span.end))
        items.update(("measures", m.span.start, m.span.end) for m in problem.rectification.measures)
    return items


def score_one(path: Path, gold: dict[str, object]) -> FormScore:
    """One document against its gold file."""
    result = FormScore(documents=1)
    data = path.read_bytes()
    if gold["sha256"] != hashlib.sha256(data).hexdigest():
        result.mistakes.append(f"{path.name}: the file changed since it was labelled")
        return result
    text = data.decode("utf-8")
    try:
        document: Document | None = read_document(text, name=path.name)
    except DocumentError:
        document = None
    form = document.form if document else "none"
    if form == gold["form"]:
        result.right_form = 1
    else:
        result.mistakes.append(f"{path.name}: read as {form}, labelled {gold['form']}")
    expected = gold_items(gold)
    found = found_items(document) if document else set()
    result.gold, result.found = len(expected), len(found)
    result.matched = len(expected & found)
    for kind, start, end in sorted(expected - found, key=lambda item: item[1]):
        result.mistakes.append(f"{path.name}: missed {kind} {start}-{end} {text[start:end][:12]!r}")
    for kind, start, end in sorted(found - expected, key=lambda item: item[1]):
        result.mistakes.append(f"{path.name}: extra {kind} {start}-{end} {text[start:end][:12]!r}")
    return result


def score(corpus: Path = CORPUS, gold_dir: Path = GOLD) -> dict[str, FormScore]:
    """Per gold form, and under "all", the scores of every labelled document."""
    scores: dict[str, FormScore] = defaultdict(FormScore)
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        one = score_one(corpus / gold["file"], gold)
        scores[str(gold["form"])].add(one)
        scores["all"].add(one)
    return dict(scores)


@dataclass
class QuantityScore(Matching):
    """Quantity precision and recall of one document (or of several, pooled)."""

    name: str = ""
    disagreements: list[str] = field(default_factory=list)


def _gold_quantities(gold: dict[str, object]) -> dict[QuantityKey, dict[str, object]]:
    rows = gold.get("quantities", [])
    assert isinstance(rows, list)
    return {(row["kind"], row["value"], row["start"], row["end"]): row for row in rows}


def quantities_one(path: Path, gold: dict[str, object]) -> QuantityScore:
    """The figures of one document against its gold quantities."""
    result = QuantityScore(name=path.name)
    data = path.read_bytes()
    if gold["sha256"] != hashlib.sha256(data).hexdigest():
        result.mistakes.append(f"{path.name}: the file changed since it was labelled")
        return result
    text = data.decode("utf-8")
    try:
        figures = read_document(text, name=path.name).figures
        found: dict[QuantityKey, object] = {
            (f.kind, f.value, f.span.start, f.span.end): f for f in figures
        }
    except DocumentError:  # not a report (a law, a Q&A page): its figures are still found
        found = {(q.kind, q.value, q.start, q.end): q for q in find_quantities(text)}
    expected = _gold_quantities(gold)
    result.found, result.gold = len(found), len(expected)
    matched = expected.keys() & found.keys()
    result.matched = len(matched)
    for key in sorted(expected.keys() - matched, key=lambda item: item[2]):
        result.mistakes.append(
            f"{path.name}: missed {key[0]} {key[1]} {key[2]}-{key[3]} {text[key[2] : key[3]]!r}"
        )
    for key in sorted(found.keys() - expected.keys(), key=lambda item: item[2]):
        result.mistakes.append(
            f"{path.name}: extra {key[0]} {key[1]} {key[2]}-{key[3]} {text[key[2] : key[3]]!r}"
        )
    for key in sorted(matched, key=lambda item: item[2]):
        for attribute in ATTRIBUTES:
            stated = expected[key].get(attribute, _DEFAULTS[attribute])
            read = getattr(found[key], attribute, _DEFAULTS[attribute])
            if stated != read:
                written = text[key[2] : key[3]]
                result.disagreements.append(
                    f"{path.name}: {written!r} {attribute} {read!r}, labelled {stated!r}"
                )
    return result


def score_quantities(corpus: Path = CORPUS, gold_dir: Path = GOLD) -> list[QuantityScore]:
    """One score per labelled document, then the pooled one named "all"."""
    scores = []
    overall = QuantityScore(name="all")
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if "quantities" not in gold:
            continue
        one = quantities_one(corpus / str(gold["file"]), gold)
        scores.append(one)
        overall.found += one.found
        overall.gold += one.gold
        overall.matched += one.matched
        overall.mistakes.extend(one.mistakes)
        overall.disagreements.extend(one.disagreements)
    return [*scores, overall]


def quantity_targets_met(scores: list[QuantityScore]) -> bool:
    """P and R of at least 0.97 overall and 0.9 on every document."""
    *each, overall = scores
    return (
        overall.precision >= QUANTITY_TARGET
        and overall.recall >= QUANTITY_TARGET
        and all(
            one.precision >= QUANTITY_TARGET_EACH and one.recall >= QUANTITY_TARGET_EACH
            for one in each
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--gold", type=Path, default=GOLD)
    arguments = parser.parse_args()
    scores = score(arguments.corpus, arguments.gold)
    print(f"{'form':<12}{'documents':>10}{'right form':>12}{'P':>8}{'R':>8}{'items':>8}")
    for form, one in sorted(scores.items(), key=lambda item: (item[0] == "all", item[0])):
        print(
            f"{form:<12}{one.documents:>10}{one.right_form:>12}"
            f"{one.precision:>8.3f}{one.recall:>8.3f}{one.gold:>8}"
        )
    overall = scores["all"]
    for mistake in overall.mistakes:
        print("  " + mistake)
    met = (
        overall.right_form == overall.documents
        and overall.precision >= TARGET
        and overall.recall >= TARGET
    )
    quantities = score_quantities(arguments.corpus, arguments.gold)
    print()
    print(f"{'quantities':<48}{'P':>8}{'R':>8}{'gold':>8}{'found':>8}")
    for item in quantities:
        print(
            f"{item.name:<48}{item.precision:>8.3f}{item.recall:>8.3f}{item.gold:>8}{item.found:>8}"
        )
    for mistake in quantities[-1].mistakes + quantities[-1].disagreements:
        print("  " + mistake)
    met = met and quantity_targets_met(quantities)
    print("targets met" if met else "targets missed")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
