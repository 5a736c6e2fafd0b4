"""CLEF CheckThat! 2020 task 2 (claim retrieval for tweets): readers, tweet clean-up, metrics.

Pure Python, no Django, so the evaluation command, the distillation script and the tests share
it. The files are the task's own:

- ``verified_claims.docs.tsv``: a header, then ``id <TAB> vclaim <TAB> title`` rows, quoted
  CSV-style (a field may hold doubled quotes and even newlines);
- ``tweets.queries.tsv``: a header, then ``id <TAB> tweet_content``;
- ``*.qrels``: TREC qrels, ``query_id 0 claim_id relevance`` (whitespace-separated).

Ids are kept as strings: the task's are integers, but nothing here relies on it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.engine.text import expand_hashtags, split_hashtag


class FormatError(ValueError):
    """A CLEF file that does not have the expected shape (the message says where)."""


@dataclass(frozen=True)
class VerifiedClaim:
    id: str
    vclaim: str
    title: str

    @property
    def text(self) -> str:
        """What the claim is indexed by: its statement and the fact-check article's title."""
        return f"{self.vclaim} {self.title}".strip()


def _rows(path: Path, n_fields: int) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FormatError(f"{path}: cannot read as UTF-8 TSV: {exc}") from exc
    rows = [row for row in rows if row and any(field.strip() for field in row)]
    if not rows:
        raise FormatError(f"{path}: empty file")
    header, body = rows[0], rows[1:]
    if len(header) != n_fields:
        raise FormatError(
            f"{path}: header has {len(header)} tab-separated fields, expected {n_fields}"
        )
    for line, row in enumerate(body, start=2):
        if len(row) != n_fields:
            raise FormatError(f"{path}: row {line} has {len(row)} fields, expected {n_fields}")
        if not row[0].strip():
            raise FormatError(f"{path}: row {line} has an empty id")
    return body


def read_claims(path: str | Path) -> list[VerifiedClaim]:
    """The verified claims of ``verified_claims.docs.tsv`` (``id, vclaim, title``)."""
    rows = _rows(Path(path), 3)
    claims = [VerifiedClaim(row[0].strip(), row[1].strip(), row[2].strip()) for row in rows]
    _check_unique(path, (claim.id for claim in claims))
    return claims


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """The ``(id, tweet_content)`` rows of ``tweets.queries.tsv``."""
    rows = _rows(Path(path), 2)
    queries = [(row[0].strip(), row[1]) for row in rows]
    _check_unique(path, (qid for qid, _ in queries))
    return queries


def _check_unique(path: str | Path, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise FormatError(f"{path}: id {item!r} occurs twice")
        seen.add(item)


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """Relevant claim ids per query from TREC qrels (``qid 0 claim_id rel``; rel > 0 counts)."""
    path = Path(path)
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise FormatError(f"{path}: line {line_no} has {len(fields)} fields, expected 4")
            qid, _, claim_id, rel = fields
            try:
                is_relevant = int(rel) > 0
            except ValueError:
                raise FormatError(
                    f"{path}: line {line_no}: relevance {rel!r} is no integer"
                ) from None
            if is_relevant:
                relevant.setdefault(qid, set()).add(claim_id)
    return relevant


# --- tweet clean-up --------------------------------------------------------------------------

# pic.twitter.com links are often glued to the word before them ("#Iranpic.twitter.com/x").
_PIC = re.compile(r"pic\.twitter\.com/\S+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|ly|co|org)/\S*")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,30})")
_SPACES = re.compile(r"\s+")


def normalize_tweet(
    text: str, *, keep_mentions: bool = False, known: Callable[[str], bool] | None = None
) -> str:
    """A tweet as prose: links and ``pic.twitter.com`` references dropped, hashtags split into
    words (``#StopTheSteal`` -> ``Stop The Steal``; with ``known``, also ``#stopthesteal``),
    @handles dropped (or, with ``keep_mentions``, split like hashtags), whitespace collapsed.
    The embedded author line ("— Name (@handle) Date") keeps the name: it is often who the
    claim is about."""
    text = _URL.sub(" ", _PIC.sub(" ", text))
    if keep_mentions:
        text = _MENTION.sub(lambda m: " " + split_hashtag(m.group(1), known) + " ", text)
    else:
        text = _MENTION.sub(" ", text)
    # After the handles: "@NeonNettle#NeonNettle" holds a hashtag only once the handle is gone.
    text = expand_hashtags(text, known)
    return _SPACES.sub(" ", text).strip()


# --- metrics ---------------------------------------------------------------------------------


def average_precision(ranked: Sequence[str], relevant: set[str] | frozenset[str], k: int) -> float:
    """AP@k as the task scores it: over the relevant claims found in the first ``k`` ranks, the
    precision at each one's rank, summed and divided by the number of relevant claims."""
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    seen: set[str] = set()
    for rank, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in relevant and claim_id not in seen:
            hits += 1
            total += hits / rank
        seen.add(claim_id)
    return total / len(relevant)


def mean_average_precision(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int
) -> float:
    """MAP@k over the queries of ``qrels`` (a query missing from the run scores 0)."""
    if not qrels:
        raise ValueError("no judged queries")
    return sum(average_precision(run.get(q, ()), rel, k) for q, rel in qrels.items()) / len(qrels)


def recall_at(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]], k: int) -> float:
    """Mean over judged queries of the share of relevant claims in the first ``k`` ranks."""
    if not qrels:
        raise ValueError("no judged queries")
    return sum(
        len(rel.intersection(run.get(q, ())[:k])) / len(rel) for q, rel in qrels.items()
    ) / len(qrels)


def scores(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> dict[str, float]:
    """The figures the evaluation prints: MAP@1/3/5/10 and recall@20."""
    result = {f"MAP@{k}": mean_average_precision(run, qrels, k) for k in (1, 3, 5, 10)}
    result["R@20"] = recall_at(run, qrels, 20)
    return result
