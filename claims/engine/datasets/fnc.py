"""FNC-1 (Fake News Challenge, stage 1) data, splits and scores: pure functions, no Django.

The data lives outside the repository, in ``../shared/datasets/fnc1`` relative to the project
root (see `default_dir`); nothing here copies it.

Strict split (`strict_split`)
-----------------------------
The challenge's hold-out split is by body, so the same headlines occur on both sides and
scores come out about ten points too high. The strict split keeps headlines *and* bodies apart:

1. Build a graph whose nodes are headlines (exact strings) and bodies, with an edge for every
   *related* pair (agree / disagree / discuss). Its connected components are the stories
   (one Emergent claim each: 191 of them on ``train_stances.csv``); paraphrased headlines of
   one story share bodies, so they land in the same component.
2. Order the components by their smallest headline, shuffle them with
   ``random.Random(seed)`` (seed 2017 by default) and give them to dev until dev holds at least
   ``dev_fraction`` (20%) of the distinct headlines.
3. A pair is dev when its headline *and* its body are dev, train when both are train; the
   other pairs (only unrelated ones can cross) are dropped from both sides.

So no headline and no body occurs on both sides. The price: dropped crossing pairs make dev's
unrelated share smaller than the full set's (about 35% instead of 73%), which makes the FNC
score harder, not easier, than on the official split.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

STANCES: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset({"agree", "disagree", "discuss"})
# FNC-1 stance -> workbench stance label (claims.engine.vocabulary.Stance values).
TO_LABEL: dict[str, str] = {
    "agree": "supports",
    "disagree": "contradicts",
    "discuss": "discusses",
    "unrelated": "unrelated",
}
FROM_LABEL: dict[str, str] = {label: stance for stance, label in TO_LABEL.items()}

DEFAULT_SEED = 2017
DEFAULT_DEV_FRACTION = 0.2


@dataclass(frozen=True)
class Pair:
    headline: str
    body_id: str
    stance: str | None  # None when the file has no Stance column


class FncFormatError(ValueError):
    """A file that is not in FNC-1 format (missing columns, unknown stance, unknown body)."""


def default_dir(project_root: Path) -> Path:
    return project_root.parent / "shared" / "datasets" / "fnc1"


def _open_rows(path: Path, required: Sequence[str]) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        missing = [name for name in required if name not in header]
        if missing:
            raise FncFormatError(
                f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}"
            )
        rows = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    return header, rows


def read_stances(path: Path) -> list[Pair]:
    """``Headline,Body ID[,Stance]`` rows in file order."""
    header, rows = _open_rows(path, ("Headline", "Body ID"))
    has_stance = "Stance" in header
    pairs = []
    for number, row in enumerate(rows, start=2):
        stance = row.get("Stance", "").strip() if has_stance else None
        if stance is not None and stance not in STANCES:
            raise FncFormatError(f"{path}:{number}: unknown stance {stance!r}")
        pairs.append(Pair(row["Headline"], row["Body ID"].strip(), stance))
    return pairs


def read_bodies(path: Path) -> dict[str, str]:
    """``Body ID,articleBody`` -> {body id: text}."""
    _, rows = _open_rows(path, ("Body ID", "articleBody"))
    return {row["Body ID"].strip(): row["articleBody"] for row in rows}


def read_ids(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def story_components(pairs: Iterable[Pair]) -> list[tuple[set[str], set[str]]]:
    """(headlines, body ids) of each connected component of the related-pair graph."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for pair in pairs:
        head, body = find(("h", pair.headline)), find(("b", pair.body_id))
        if pair.stance in RELATED and head != body:
            parent[head] = body
    groups: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for node in list(parent):
        headlines, bodies = groups.setdefault(find(node), (set(), set()))
        (headlines if node[0] == "h" else bodies).add(node[1])
    return list(groups.values())


@dataclass(frozen=True)
class Split:
    train: list[int]  # indices into the pairs given to `strict_split`
    dev: list[int]
    dropped: list[int]


def strict_split(
    pairs: Sequence[Pair], seed: int = DEFAULT_SEED, dev_fraction: float = DEFAULT_DEV_FRACTION
) -> Split:
    """Headline- and body-disjoint train/dev split by story (see the module docstring)."""
    components = sorted(story_components(pairs), key=lambda c: min(c[0]) if c[0] else "")
    random.Random(seed).shuffle(components)
    total = len({pair.headline for pair in pairs})
    dev_headlines: set[str] = set()
    dev_bodies: set[str] = set()
    for headlines, bodies in components:
        if len(dev_headlines) >= dev_fraction * total:
            break
        dev_headlines |= headlines
        dev_bodies |= bodies
    train, dev, dropped = [], [], []
    for index, pair in enumerate(pairs):
        in_dev = (pair.headline in dev_headlines, pair.body_id in dev_bodies)
        if in_dev == (True, True):
            dev.append(index)
        elif in_dev == (False, False):
            train.append(index)
        else:
            dropped.append(index)
    return Split(train, dev, dropped)


def holdout_split(pairs: Sequence[Pair], hold_out_ids: set[str]) -> tuple[list[int], list[int]]:
    """The challenge baseline's split by body id: (train indices, hold-out indices)."""
    train = [i for i, p in enumerate(pairs) if p.body_id not in hold_out_ids]
    hold = [i for i, p in enumerate(pairs) if p.body_id in hold_out_ids]
    return train, hold


# --- Scores -------------------------------------------------------------------------------


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Total FNC score: +0.25 for getting related/unrelated right, +0.75 more for the exact
    related label."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    score = 0.0
    for g, p in zip(gold, predicted, strict=True):
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
            if g != "unrelated" and g == p:
                score += 0.75
    return score


def relative_fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    best = fnc_score(gold, gold)
    return fnc_score(gold, predicted) / best if best else 0.0


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCES
) -> list[list[int]]:
    """rows = gold, columns = predicted, in `labels` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def per_class_f1(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCES
) -> dict[str, float]:
    """F1 per class; 0.0 for a class neither predicted nor present."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    scores = {}
    for label in labels:
        true_positive = pairs[(label, label)]
        denominator = gold_counts[label] + predicted_counts[label]
        scores[label] = 2 * true_positive / denominator if denominator else 0.0
    return scores


def macro_f1(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = STANCES
) -> float:
    scores = per_class_f1(gold, predicted, labels)
    return sum(scores.values()) / len(scores)


@dataclass(frozen=True)
class Report:
    n: int
    relative_score: float
    macro_f1: float
    f1: dict[str, float]
    confusion: list[list[int]]

    def format(self, title: str = "") -> str:
        lines = [
            f"{title}{' ' if title else ''}n={self.n} FNC relative score {self.relative_score:.4f}"
            f"  macro-F1 {self.macro_f1:.4f}",
            "  F1: " + "  ".join(f"{label} {self.f1[label]:.3f}" for label in STANCES),
            "  confusion (rows gold, columns predicted: " + " / ".join(STANCES) + ")",
        ]
        lines += [f"    {label:>9} " + " ".join(f"{v:6d}" for v in row)
                  for label, row in zip(STANCES, self.confusion, strict=True)]  # fmt: skip
        return "\n".join(lines)


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> Report:
    return Report(
        n=len(gold),
        relative_score=relative_fnc_score(gold, predicted),
        macro_f1=macro_f1(gold, predicted),
        f1=per_class_f1(gold, predicted),
        confusion=confusion_matrix(gold, predicted),
    )
