"""Emergent (Ferreira & Vlachos 2016) rows, folds and end-to-end tracking scores: pure functions,
standard library only (no Django).

The data lives outside the repository, in ``../shared/datasets/emergent`` relative to the project
root (see `default_dir`); nothing here copies it.

A row is one outlet's headline about one rumour: ``claimHeadline, articleHeadline, articleId,
claimId, url, source`` and, when the file has them, the gold ``articleHeadlineStance`` (for |
against | observing) and ``claimTruth`` (true | false | unknown, the rumour's final verdict).
Fold files (``train-fold-N.csv`` / ``validation-fold-N.csv``) are read only for the claim ids
they hold; the rows themselves come from the main file.

Scores (`score`), given what the pipeline did with each (article, claim) row and each claim:

* link recall: share of rows whose article has evidence on its own claim;
* stance accuracy over all rows with a gold stance: for -> supports, against -> contradicts,
  observing -> discusses; an article not linked to its own claim counts as wrong;
* stray links: links from an article to a claim it is not about. An article is about its own
  claim and about the claims of every other row with the same URL or the same headline (the
  data set files a few articles under two rumours, and the workbench stores such a text once);
  reported as a count, as a share of articles (count / articles: the issue's "<= 2% of
  articles"), and as the number of articles with at least one;
* status accuracy: true -> corroborated, false -> refuted, unknown -> unverified or disputed;
* macro-F1 over the truth classes, the status read as a truth (corroborated -> true,
  refuted -> false, unverified and disputed -> unknown), averaged over the classes that occur
  in the gold or the predictions;
* the truth x status table and the share of false rumours that ended corroborated.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claims.engine.reliability import TrackRecord

REQUIRED_COLUMNS: tuple[str, ...] = (
    "claimHeadline",
    "articleHeadline",
    "articleId",
    "claimId",
    "url",
    "source",
)
STANCE_COLUMN = "articleHeadlineStance"
TRUTH_COLUMN = "claimTruth"

# Emergent stance -> workbench stance label (claims.engine.vocabulary.Stance values).
STANCE_LABELS: dict[str, str] = {
    "for": "supports",
    "against": "contradicts",
    "observing": "discusses",
}
TRUTHS: tuple[str, ...] = ("true", "false", "unknown")
# claims.engine.vocabulary.Status values, in the order the table shows them.
STATUSES: tuple[str, ...] = ("corroborated", "refuted", "disputed", "unverified")
RIGHT_STATUSES: dict[str, frozenset[str]] = {
    "true": frozenset({"corroborated"}),
    "false": frozenset({"refuted"}),
    "unknown": frozenset({"unverified", "disputed"}),
}
TRUTH_OF_STATUS: dict[str, str] = {
    "corroborated": "true",
    "refuted": "false",
    "unverified": "unknown",
    "disputed": "unknown",
}

FOLDS: tuple[int, ...] = tuple(range(1, 11))


class FormatError(ValueError):
    """A file that is not in Emergent format (missing columns, unknown labels, clashes)."""


@dataclass(frozen=True)
class Row:
    claim_id: str
    claim_headline: str
    article_id: str
    article_headline: str
    url: str
    source: str
    stance: str | None  # for | against | observing; None when the file has no stance column
    truth: str | None  # true | false | unknown; None when the file has no truth column

    @property
    def key(self) -> tuple[str, str]:
        return (self.article_id, self.claim_id)


def default_dir(project_root: Path) -> Path:
    return project_root.parent / "shared" / "datasets" / "emergent"


def _read_table(path: Path, required: Sequence[str]) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(name or "").strip() for name in (reader.fieldnames or [])]
            missing = [name for name in required if name not in header]
            if missing:
                raise FormatError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"found {', '.join(h for h in header if h) or 'none'}"
                )
            rows = [
                {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
                for row in reader
            ]
    except UnicodeDecodeError as error:
        raise FormatError(f"{path}: not UTF-8 text ({error})") from error
    except csv.Error as error:
        raise FormatError(f"{path}: not a readable CSV file ({error})") from error
    return header, rows


def read_rows(path: Path) -> list[Row]:
    """Every row of an Emergent-format file, in file order.

    Raises FormatError (naming the file and what is wrong) for missing columns, an empty
    required value, an unknown stance or truth, a claim given two headlines or two truths, or
    the same (articleId, claimId) twice; FileNotFoundError when there is no such file."""
    header, raw = _read_table(path, REQUIRED_COLUMNS)
    has_stance = STANCE_COLUMN in header
    has_truth = TRUTH_COLUMN in header
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    headline_of: dict[str, str] = {}
    truth_of: dict[str, str] = {}
    for number, values in enumerate(raw, start=2):  # line 1 is the header
        where = f"{path}, line {number}"
        for name in ("claimHeadline", "articleHeadline", "articleId", "claimId", "source"):
            if not values.get(name):
                raise FormatError(f"{where}: empty {name}")
        stance = values.get(STANCE_COLUMN, "").lower() if has_stance else None
        if stance is not None and stance not in STANCE_LABELS:
            raise FormatError(
                f"{where}: {STANCE_COLUMN} {stance!r} is not one of {', '.join(STANCE_LABELS)}"
            )
        truth = values.get(TRUTH_COLUMN, "").lower() if has_truth else None
        if truth is not None and truth not in TRUTHS:
            raise FormatError(
                f"{where}: {TRUTH_COLUMN} {truth!r} is not one of {', '.join(TRUTHS)}"
            )
        row = Row(
            claim_id=values["claimId"],
            claim_headline=values["claimHeadline"],
            article_id=values["articleId"],
            article_headline=values["articleHeadline"],
            url=values.get("url", ""),
            source=values["source"],
            stance=stance,
            truth=truth,
        )
        if row.key in seen:
            raise FormatError(
                f"{where}: article {row.article_id} is filed under claim {row.claim_id} twice"
            )
        seen.add(row.key)
        if headline_of.setdefault(row.claim_id, row.claim_headline) != row.claim_headline:
            raise FormatError(f"{where}: claim {row.claim_id} has two headlines")
        if truth is not None and truth_of.setdefault(row.claim_id, truth) != truth:
            raise FormatError(f"{where}: claim {row.claim_id} has two truths")
        rows.append(row)
    return rows


def read_claim_ids(path: Path) -> set[str]:
    """The claim ids a fold file holds (its other columns are ignored)."""
    _, raw = _read_table(path, ("claimId",))
    return {values["claimId"] for values in raw if values.get("claimId")}


@dataclass(frozen=True)
class Fold:
    number: int
    train: frozenset[str]
    validation: frozenset[str]


def read_folds(directory: Path) -> list[Fold]:
    """Folds 1..10 from ``train-fold-N.csv`` and ``validation-fold-N.csv`` in `directory`."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such directory")
    folds: list[Fold] = []
    for number in FOLDS:
        train = directory / f"train-fold-{number}.csv"
        validation = directory / f"validation-fold-{number}.csv"
        missing = [p.name for p in (train, validation) if not p.is_file()]
        if missing:
            raise FormatError(f"{directory}: missing fold file(s) {', '.join(missing)}")
        train_ids, validation_ids = read_claim_ids(train), read_claim_ids(validation)
        if train_ids & validation_ids:
            raise FormatError(
                f"{directory}: fold {number} has {len(train_ids & validation_ids)} claim(s) "
                "in both its train and validation files"
            )
        folds.append(Fold(number, frozenset(train_ids), frozenset(validation_ids)))
    return folds


def claims_of(rows: Iterable[Row]) -> dict[str, Row]:
    """The first row of each claim, by claim id, in file order."""
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row.claim_id, row)
    return first


def has_stances(rows: Sequence[Row]) -> bool:
    return bool(rows) and all(r.stance is not None for r in rows)


def has_truths(rows: Sequence[Row]) -> bool:
    return bool(rows) and all(r.truth is not None for r in rows)


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleOutcome:
    """What the pipeline did with one row's article: the stance of its evidence on its own
    claim (None when not linked to it) and the other claims of the data set it was linked to."""

    stance: str | None
    other_claims: frozenset[str] = frozenset()


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def articles_about(rows: Sequence[Row]) -> dict[tuple[str, str], frozenset[str]]:
    """Per row, every claim its article is about: its own and those of other rows with the same
    URL or the same headline."""
    by_url: dict[str, set[str]] = {}
    by_headline: dict[str, set[str]] = {}
    for row in rows:
        if row.url:
            by_url.setdefault(row.url, set()).add(row.claim_id)
        by_headline.setdefault(_normalised(row.article_headline), set()).add(row.claim_id)
    return {
        row.key: frozenset(
            {row.claim_id}
            | by_url.get(row.url, set())
            | by_headline[_normalised(row.article_headline)]
        )
        for row in rows
    }


@dataclass(frozen=True)
class Scores:
    articles: int
    linked: int
    stray_links: int
    articles_with_stray: int
    claims: int
    # Only with gold stances:
    stance_correct: int | None = None
    stance_confusion: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # Only with gold truths:
    status_correct: int | None = None
    table: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (truth, status) -> n
    f1: Mapping[str, float] = field(default_factory=dict)

    @property
    def link_recall(self) -> float:
        return self.linked / self.articles if self.articles else 0.0

    @property
    def stray_share(self) -> float:
        return self.stray_links / self.articles if self.articles else 0.0

    @property
    def stance_accuracy(self) -> float | None:
        if self.stance_correct is None:
            return None
        return self.stance_correct / self.articles if self.articles else 0.0

    @property
    def status_accuracy(self) -> float | None:
        if self.status_correct is None:
            return None
        return self.status_correct / self.claims if self.claims else 0.0

    @property
    def always_unverified_accuracy(self) -> float | None:
        """The score of a tracker that never moves a claim: every unknown rumour right."""
        if self.status_correct is None or not self.claims:
            return None
        unknown = sum(n for (truth, _), n in self.table.items() if truth == "unknown")
        return unknown / self.claims

    @property
    def macro_f1(self) -> float | None:
        if self.status_correct is None:
            return None
        return sum(self.f1.values()) / len(self.f1) if self.f1 else 0.0

    @property
    def false_claims(self) -> int:
        return sum(n for (truth, _), n in self.table.items() if truth == "false")

    @property
    def false_corroborated(self) -> int:
        return self.table.get(("false", "corroborated"), 0)

    @property
    def false_corroborated_share(self) -> float | None:
        if self.status_correct is None:
            return None
        return self.false_corroborated / self.false_claims if self.false_claims else 0.0


def score(
    rows: Sequence[Row],
    outcomes: Mapping[tuple[str, str], ArticleOutcome],
    statuses: Mapping[str, str],
) -> Scores:
    """Score one run: `outcomes` by (articleId, claimId) and `statuses` by claim id (a row or
    claim missing from them counts as unlinked / unverified). Stance figures need every row's
    gold stance and status figures every row's truth; otherwise they are left out (None)."""
    about = articles_about(rows)
    linked = stray = with_stray = 0
    stance_confusion: Counter[tuple[str, str]] = Counter()
    for row in rows:
        outcome = outcomes.get(row.key, ArticleOutcome(None))
        if outcome.stance is not None:
            linked += 1
        strays = len(outcome.other_claims - about[row.key])
        stray += strays
        with_stray += strays > 0
        if row.stance is not None:
            stance_confusion[(STANCE_LABELS[row.stance], outcome.stance or "unlinked")] += 1
    claims = claims_of(rows)
    stance_correct: int | None = None
    if has_stances(rows):
        stance_correct = sum(n for (g, p), n in stance_confusion.items() if g == p)
    status_correct: int | None = None
    table: Counter[tuple[str, str]] = Counter()
    if has_truths(rows):
        for claim_id, row in claims.items():
            table[(row.truth or "", statuses.get(claim_id, "unverified"))] += 1
        status_correct = sum(
            n for (truth, status), n in table.items() if status in RIGHT_STATUSES[truth]
        )
    return Scores(
        articles=len(rows),
        linked=linked,
        stray_links=stray,
        articles_with_stray=with_stray,
        claims=len(claims),
        stance_correct=stance_correct,
        stance_confusion=dict(stance_confusion) if stance_correct is not None else {},
        status_correct=status_correct,
        table=dict(table),
        f1=_f1_by_truth(table) if status_correct is not None else {},
    )


def _f1_by_truth(table: Mapping[tuple[str, str], int]) -> dict[str, float]:
    gold: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (truth, status), n in table.items():
        guess = TRUTH_OF_STATUS.get(status, "unknown")
        gold[truth] += n
        predicted[guess] += n
        if guess == truth:
            right[truth] += n
    f1: dict[str, float] = {}
    for truth in TRUTHS:
        if not gold[truth] and not predicted[truth]:
            continue
        denominator = gold[truth] + predicted[truth]
        f1[truth] = 2 * right[truth] / denominator
    return f1


def mean_scores(runs: Sequence[Scores]) -> dict[str, float | None]:
    """The unweighted mean over runs (folds) of each headline figure."""
    names = (
        "link_recall",
        "stance_accuracy",
        "stray_share",
        "status_accuracy",
        "macro_f1",
        "false_corroborated_share",
        "always_unverified_accuracy",
    )
    means: dict[str, float | None] = {}
    for name in names:
        values = [getattr(s, name) for s in runs]
        means[name] = (
            None if not values or any(v is None for v in values) else sum(values) / len(values)
        )
    means["stray_links"] = sum(s.stray_links for s in runs) / len(runs) if runs else 0.0
    return means


def pooled(runs: Sequence[Scores]) -> Scores:
    """Several runs on disjoint rows (the validation folds) scored as one."""

    def total(name: str) -> int:
        return sum(getattr(s, name) for s in runs)

    def added(name: str) -> dict[tuple[str, str], int]:
        counter: Counter[tuple[str, str]] = Counter()
        for s in runs:
            counter.update(getattr(s, name))
        return dict(counter)

    with_stance = bool(runs) and all(s.stance_correct is not None for s in runs)
    with_truth = bool(runs) and all(s.status_correct is not None for s in runs)
    table = added("table") if with_truth else {}
    return Scores(
        articles=total("articles"),
        linked=total("linked"),
        stray_links=total("stray_links"),
        articles_with_stray=total("articles_with_stray"),
        claims=total("claims"),
        stance_correct=total("stance_correct") if with_stance else None,
        stance_confusion=added("stance_confusion") if with_stance else {},
        status_correct=total("status_correct") if with_truth else None,
        table=table,
        f1=_f1_by_truth(table) if with_truth else {},
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_scores(scores: Scores) -> str:
    """The figures as a plain-text table, one per line, then the truth x status table."""
    lines = [
        f"articles (rows)            {scores.articles}",
        f"claims                     {scores.claims}",
        f"link recall                {_pct(scores.link_recall)}  "
        f"({scores.linked} of {scores.articles} articles linked to their own claim)",
        f"stray links                {scores.stray_links}  "
        f"({_pct(scores.stray_share)} of articles; {scores.articles_with_stray} articles "
        "linked to a claim they are not about)",
    ]
    if scores.stance_accuracy is not None:
        lines.append(
            f"stance accuracy (all)      {_pct(scores.stance_accuracy)}  "
            f"({scores.stance_correct} of {scores.articles}; unlinked counts as wrong)"
        )
        linked_pairs = sum(n for (_, p), n in scores.stance_confusion.items() if p != "unlinked")
        if linked_pairs:
            lines.append(
                f"stance accuracy (linked)   {_pct((scores.stance_correct or 0) / linked_pairs)}"
                f"  (of the {linked_pairs} linked)"
            )
    if scores.status_accuracy is not None:
        lines += [
            f"status accuracy            {_pct(scores.status_accuracy)}  "
            f"({scores.status_correct} of {scores.claims}; always-unverified would score "
            f"{_pct(scores.always_unverified_accuracy)})",
            f"macro-F1 (truth)           {_pct(scores.macro_f1)}  ("
            + ", ".join(f"{t} {scores.f1[t]:.3f}" for t in TRUTHS if t in scores.f1)
            + ")",
            f"false rumours corroborated {_pct(scores.false_corroborated_share)}  "
            f"({scores.false_corroborated} of {scores.false_claims})",
        ]
    if scores.stance_confusion:
        lines += ["", "gold stance x evidence on own claim"]
        lines += _grid(
            scores.stance_confusion,
            ("supports", "contradicts", "discusses"),
            ("supports", "contradicts", "discusses", "unlinked"),
        )
    if scores.table:
        lines += ["", "truth x final status"]
        lines += _grid(scores.table, TRUTHS, STATUSES)
    return "\n".join(lines)


def _grid(
    counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str]
) -> list[str]:
    width = max(len(c) for c in columns) + 2
    head = " " * 14 + "".join(c.rjust(width) for c in columns) + "total".rjust(width)
    lines = [head]
    for row in rows:
        cells = [counts.get((row, c), 0) for c in columns]
        lines.append(
            row.ljust(14)
            + "".join(str(n).rjust(width) for n in cells)
            + str(sum(cells)).rjust(width)
        )
    return lines


# --- learned outlet grades -------------------------------------------------------------------

@dataclass(frozen=True)
class OutletRecord:
    """How often an outlet's headlines took the side the rumour's verdict later proved right."""

    source: str
    agreed: int  # "for" on a true rumour or "against" on a false one
    disagreed: int  # "for" on a false rumour or "against" on a true one
    low: float
    high: float
    grade: str

    @property
    def judged(self) -> int:
        return self.agreed + self.disagreed


def learn_outlet_records(rows: Iterable[Row]) -> dict[str, OutletRecord]:
    """Each outlet's track record in `rows` (which need gold stances and truths): a headline
    taking a side ("for" / "against") on a rumour whose verdict is true or false agrees or
    disagrees with it; "observing" headlines and unknown verdicts are not judged. The grade is
    the Wilson lower bound (95%) of the agreement rate mapped by GRADE_FLOORS: 1 of 1 gives D,
    3 of 3 and 5 of 5 give C, 8 of 8 gives B, 16 of 16 gives A; 0 of 1, 1 of 2 and 2 of 4 give
    E (which the engine does not count), 5 of 10 gives D. Outlets with no judged headline get
    no record, so the caller's default grade applies to them."""
    agreed: Counter[str] = Counter()
    disagreed: Counter[str] = Counter()
    for row in rows:
        if row.stance not in ("for", "against") or row.truth not in ("true", "false"):
            continue
        right = (row.stance == "for") == (row.truth == "true")
        (agreed if right else disagreed)[row.source] += 1
    records: dict[str, OutletRecord] = {}
    for source in sorted(set(agreed) | set(disagreed)):
        record = TrackRecord(agreed[source], disagreed[source])
        (low, high), grade = record.interval, record.suggested_grade
        assert grade is not None  # every outlet here has a judged headline
        records[source] = OutletRecord(source, record.agreed, record.disagreed, low, high, grade)
    return records
