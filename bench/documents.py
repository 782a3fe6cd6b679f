"""Score the document readers against the hand-written labels of the public corpus.

Usage: ``.venv/bin/python bench/documents.py [--corpus PATH] [--gold PATH]``

Reads every document of ``../shared/corpus`` that has a gold file in
``tests/text/gold/corpus/`` (written by ``docs/labelling.md``), and prints per form and overall:
documents read in their gold form, and structure precision and recall (units, problems and
measures whose kind and span equal a gold item's). Every mismatch is listed. Exits 1 below the
targets: every document in its form, structure precision and recall of at least 0.95. The tests
import :func:`score` from here.
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
from xuncha.text.reading import DocumentError, read_document  # noqa: E402

GOLD = REPOSITORY / "tests" / "text" / "gold" / "corpus"
CORPUS = REPOSITORY.parent / "shared" / "corpus"
TARGET = 0.95
Item = tuple[str, int, int]  # kind, start, end


@dataclass
class FormScore:
    """The figures of one form (or of all documents)."""

    documents: int = 0
    right_form: int = 0
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
    print("targets met" if met else "targets missed")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
