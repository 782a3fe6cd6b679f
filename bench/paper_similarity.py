"""Measure the copy threshold of the paper-only flags (``xuncha.text.paper``) and its cost.

Usage: ``.venv/bin/python bench/paper_similarity.py [--shared PATH] [--measures 20000]``

1. Reads the seed digests (``shared/seeds/*.txt``) and the digest and disclosure documents of
   ``shared/corpus`` with :func:`xuncha.text.reading.read_document`, and takes every measure
   (``doc.problems[i].rectification.measures``) with its unit.
2. Scores every pair of measures of different units (they are almost all genuinely different
   texts) and, for every measure long enough, reworded copies made here: a few words changed,
   the unit's name swapped for another's, a sentence dropped, and all three at once. Prints the
   two score distributions for the code's scorer (:func:`similarity`) and, for comparison,
   rapidfuzz's plain ``fuzz.ratio``, and the threshold that separates them.
3. Checks that the blocking (:func:`candidate_pairs`) keeps every copy pair as a candidate.
4. Times the whole search on ``--measures`` synthetic measures (2,000 units × 10 by default):
   texts drawn from a character model of the shared texts, with reworded copies planted, and
   estimates what scoring every pair would cost instead.

Exits 1 when the code's :data:`COPY_THRESHOLD` does not separate the two distributions
measured here or the blocking loses a copy.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:  # runnable as a script from anywhere
    sys.path.insert(0, str(REPOSITORY))

from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.distance import LCSseq  # noqa: E402

from xuncha.text.paper import (  # noqa: E402
    COPY_THRESHOLD,
    MIN_LENGTH,
    Comparable,
    UnitNames,
    candidate_pairs,
    normalise,
    similar_pairs,
    similarity,
)
from xuncha.text.reading import DocumentError, read_document  # noqa: E402

DEFAULT_SHARED = REPOSITORY.parent / "shared"
FORMS = ("digest-", "disclosure-")
# Word swaps a unit rewording a copied measure would make.
SYNONYMS = (
    ("加强", "强化"),
    ("完善", "健全"),
    ("开展", "组织"),
    ("全面", "深入"),
    ("进一步", "持续"),
    ("严格", "从严"),
    ("建立", "建起"),
    ("推进", "推动"),
    ("规范", "规整"),
    ("落实", "抓实"),
    ("及时", "迅速"),
    ("工作", "事项"),
    ("问题", "事项"),
    ("相关", "有关"),
)
FILLERS = ("切实", "认真", "积极", "扎实")
KEPT = 0.5
SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


@dataclass(frozen=True)
class Source:
    """A measure read from a shared text: the unit (file and index) and its name."""

    unit: tuple[str, int]
    unit_name: str
    text: str


def shared_measures(shared: Path) -> list[Source]:
    files = sorted((shared / "seeds").glob("*.txt")) + sorted(
        path for path in (shared / "corpus").glob("*.txt") if path.name.startswith(FORMS)
    )
    found = []
    for path in files:
        try:
            document = read_document(path.read_text(encoding="utf-8"), name=path.name)
        except DocumentError as error:
            print(f"  skipped {path.name}: {error}")
            continue
        for problem in document.problems:
            index = problem.unit if problem.unit is not None else -1
            name = document.units[index].name if index >= 0 else ""
            for measure in problem.rectification.measures:
                found.append(Source((path.name, index), name, measure.text))
    return found


def words_changed(text: str, rng: random.Random) -> str:
    """A few words changed: up to three synonym swaps, fillers added when none applies."""
    swaps = [pair for pair in SYNONYMS if pair[0] in text]
    rng.shuffle(swaps)
    for old, new in swaps[:3]:
        text = text.replace(old, new, 1)
    for _ in range(max(0, 2 - len(swaps))):
        cuts = [m.end() for m in re.finditer(r"[，,。；;]", text)] or [0]
        cut = rng.choice(cuts)
        text = text[:cut] + rng.choice(FILLERS) + text[cut:]
    return text


def name_swapped(text: str, own: str, other: str) -> str:
    """The unit's name swapped for another's, or the other's name written in front."""
    if own and own in text:
        return text.replace(own, other)
    return f"{other}{text}"


def sentence_dropped(text: str, rng: random.Random) -> str | None:
    """One sentence dropped, of those whose loss keeps at least half the text (a copy that
    keeps only a heading sentence is no longer a copy of the measure); None when none is."""
    sentences = [s for s in SENTENCE.findall(text) if s.strip()]
    droppable = [i for i, s in enumerate(sentences) if len(s) <= len(text) * KEPT]
    if len(sentences) < 2 or not droppable:
        return None
    del sentences[rng.choice(droppable)]
    return "".join(sentences)


def reworded(source: Source, other: str, rng: random.Random) -> dict[str, str]:
    copies = {
        "words": words_changed(source.text, rng),
        "name": name_swapped(source.text, source.unit_name, other),
    }
    dropped = sentence_dropped(source.text, rng)
    if dropped is not None:
        copies["sentence"] = dropped
        copies["all"] = name_swapped(words_changed(dropped, rng), source.unit_name, other)
    return copies


def ratio(first: str, second: str) -> float:
    return float(fuzz.ratio(first, second))


def distribution(label: str, scores: Sequence[float]) -> None:
    if not scores:
        print(f"  {label}: none")
        return
    ordered = sorted(scores)
    deciles = [ordered[min(len(ordered) - 1, int(len(ordered) * q / 10))] for q in range(1, 10)]
    print(
        f"  {label}: n={len(ordered)} min={ordered[0]:.1f} median={statistics.median(ordered):.1f}"
        f" max={ordered[-1]:.1f} deciles={' '.join(f'{d:.0f}' for d in deciles)}"
    )
    buckets = [0] * 11
    for score in ordered:
        buckets[min(10, int(score // 10))] += 1
    print("    by tens: " + " ".join(f"{i * 10}:{n}" for i, n in enumerate(buckets) if n))


def separating(different: Sequence[float], copies: Sequence[float]) -> tuple[float, int, int]:
    """The threshold with fewest errors (ties: the middle of the widest gap) and its errors
    (different pairs at or above it, copies below it)."""
    candidates = sorted(set(different) | set(copies) | {0.0, 100.0})
    best: tuple[int, float, float] | None = None
    ordered_d, ordered_c = sorted(different), sorted(copies)
    for low, high in itertools.pairwise(candidates):
        middle = (low + high) / 2
        errors = (len(ordered_d) - bisect.bisect_left(ordered_d, middle)) + bisect.bisect_left(
            ordered_c, middle
        )
        key = (errors, -(high - low), middle)
        if best is None or key < (best[0], -best[1], best[2]):
            best = (errors, high - low, middle)
    assert best is not None
    threshold = best[2]
    false_positive = len(ordered_d) - bisect.bisect_left(ordered_d, threshold)
    missed = bisect.bisect_left(ordered_c, threshold)
    return threshold, false_positive, missed


def measure_threshold(sources: Sequence[Source], rng: random.Random) -> bool:
    names = sorted({s.unit_name for s in sources if s.unit_name})
    units = len({s.unit for s in sources})
    print(f"measures: {len(sources)} of {units} units; unit names removed: {len(names)}")
    remover = UnitNames(names)
    texts = [normalise(s.text, remover) for s in sources]
    scorers: dict[str, Callable[[str, str], float]] = {
        "similarity (code)": similarity,
        "fuzz.ratio": ratio,
    }
    different: dict[str, list[float]] = defaultdict(list)
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            if sources[i].unit == sources[j].unit:
                continue
            if min(len(texts[i]), len(texts[j])) < MIN_LENGTH:
                continue
            for label, scorer in scorers.items():
                different[label].append(scorer(texts[i], texts[j]))
    copies: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    pairs: list[tuple[str, str]] = []
    for source, text in zip(sources, texts, strict=True):
        if len(text) < MIN_LENGTH:
            continue
        other = rng.choice([name for name in names if name != source.unit_name] or ["某单位"])
        for how, copy in reworded(source, other, rng).items():
            copied = normalise(copy, remover)
            pairs.append((text, copied))
            for label, scorer in scorers.items():
                copies[label][how].append(scorer(text, copied))
    ok = True
    for label in scorers:
        every_copy = [score for scores in copies[label].values() for score in scores]
        print(f"\nscorer {label}")
        distribution("different units", different[label])
        for how, scores in copies[label].items():
            distribution(f"copies ({how})", scores)
        threshold, false_positive, missed = separating(different[label], every_copy)
        print(
            f"  separating threshold {threshold:.1f}: {false_positive} different pairs at or "
            f"above, {missed} of {len(every_copy)} copies below"
        )
        if label == "similarity (code)":
            at_code_d = sum(score >= COPY_THRESHOLD for score in different[label])
            at_code_c = sum(score < COPY_THRESHOLD for score in every_copy)
            print(
                f"  COPY_THRESHOLD {COPY_THRESHOLD}: {at_code_d} different pairs flagged, "
                f"{at_code_c} copies missed; gap between the highest different pair "
                f"({max(different[label]):.1f}) and the lowest copy ({min(every_copy):.1f})"
            )
            ok = at_code_d == 0 and at_code_c == 0
    # The blocking must keep every copy as a candidate.
    items = [Comparable(("o", i), ("o", i), a) for i, (a, _b) in enumerate(pairs)]
    items += [Comparable(("c", i), ("c", i), b) for i, (_a, b) in enumerate(pairs)]
    candidates = candidate_pairs(items)
    kept = sum((i, i + len(pairs)) in candidates for i in range(len(pairs)))
    print(f"\nblocking keeps {kept} of {len(pairs)} copy pairs as candidates")
    return ok and kept == len(pairs)


class CharacterModel:
    """An order-1 character chain of the shared texts: synthetic measures with the texts'
    character and bigram frequencies, and no copies but the ones planted."""

    def __init__(self, texts: Sequence[str]) -> None:
        following: dict[str, list[str]] = defaultdict(list)
        for text in texts:
            for first, second in itertools.pairwise(text):
                following[first].append(second)
        self.following = dict(following)
        self.starts = [text[0] for text in texts if text]

    def text(self, length: int, rng: random.Random) -> str:
        current = rng.choice(self.starts)
        out = [current]
        while len(out) < length:
            nexts = self.following.get(current)
            current = rng.choice(nexts) if nexts else rng.choice(self.starts)
            out.append(current)
        return "".join(out)


def measure_cost(shared: Path, sources: Sequence[Source], total: int, rng: random.Random) -> None:
    per_unit = 10
    units = max(2, total // per_unit)
    texts = [
        path.read_text(encoding="utf-8")
        for path in [*sorted((shared / "seeds").glob("*.txt")), *(shared / "corpus").glob("*.txt")]
    ]
    model = CharacterModel(texts)
    lengths = [len(s.text) for s in sources]
    names = [f"第{u}单位" for u in range(units)]
    measures: list[tuple[int, str]] = []
    for unit in range(units):
        for _ in range(per_unit):
            measures.append((unit, model.text(rng.choice(lengths), rng)))
    planted: list[tuple[int, int]] = []
    for unit in rng.sample(range(units), max(1, units // 20)):
        source_index = rng.randrange(len(measures))
        source_unit, source_text = measures[source_index]
        if source_unit == unit:
            continue
        copy = sentence_dropped(source_text, rng) or source_text
        copy = name_swapped(words_changed(copy, rng), names[source_unit], names[unit])
        planted.append((source_index, len(measures)))
        measures.append((unit, copy))
    print(f"\nscale: {len(measures)} synthetic measures of {units} units, {len(planted)} copies")
    started = time.perf_counter()
    remover = UnitNames(names)
    items = [
        Comparable(i, unit, normalise(text, remover)) for i, (unit, text) in enumerate(measures)
    ]
    normalised = time.perf_counter()
    candidates = candidate_pairs(items)
    blocked = time.perf_counter()
    found = similar_pairs(items)
    scored = time.perf_counter()
    pairs = {(pair.first, pair.second) for pair in found}
    recall = sum(pair in pairs for pair in planted)
    print(
        f"  normalise {normalised - started:.1f}s, blocking {blocked - normalised:.1f}s "
        f"({len(candidates)} candidate pairs); the search (blocking and scoring the "
        f"candidates, similar_pairs) {scored - blocked:.1f}s"
    )
    print(
        f"  found {len(found)} pairs at or above {COPY_THRESHOLD}: {recall} of {len(planted)} "
        f"planted copies, {len(pairs - set(planted))} others"
    )
    sample = items[:200]
    choices = [item.text for item in items]
    started = time.perf_counter()
    for item in sample:
        process.extract(item.text, choices, scorer=LCSseq.similarity, limit=None)
    per_query = (time.perf_counter() - started) / len(sample)
    print(
        f"  scoring every pair instead: about {per_query * len(items) / 2:.0f}s "
        f"({len(items) * (len(items) - 1) // 2} pairs, from {len(sample)} queries timed)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--measures", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20_250_601)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    sources = shared_measures(args.shared)
    ok = measure_threshold(sources, rng)
    if args.measures:
        measure_cost(args.shared, sources, args.measures, rng)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
