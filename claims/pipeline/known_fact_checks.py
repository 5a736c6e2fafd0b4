"""The closest known fact-checks to a claim: the claim matcher measured on CLEF-2020
(``new_claim_index``: BM25, the static embedding and the learned reranker) over the
KnownFactCheck table instead of the Claim table.

A separate per-process index, built on first use and kept in step by ``updated_at``: each
search first pulls the rows changed since the last look (an import touches only the rows it
creates or changes), and a row deleted since is dropped when the row count says so. It is read
only: the claim page's section and the API's known-fact-checks endpoint call
`known_fact_checks_for`, which stores nothing; the workers' report step
(claims.pipeline.known_in_reports) calls `known_fact_checks_search_many` and stores what it
accepts itself. Memory: for CLEF's 10,375 fact-checks the
index holds the postings, one float32 vector per row and the reranker's per-row data, tens of
MB; the rows' text stays in the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from claims.engine.retrieval.index import ClaimIndex, Match
from claims.models import Claim, KnownFactCheck
from claims.pipeline.index import new_claim_index

BATCH = 5000
# A known fact-check is shown for a claim only when the match covers this share of its IDF
# mass: an unrelated claim sharing one common word is not "already checked".
MIN_COVERAGE = 0.15
SHOWN = 5


def known_fact_check_text(claim_text: str, title: str) -> str:
    """What a known fact-check is found by: its claim and its article's title, as CLEF's
    verified claims are indexed by ``evaluate_retrieval`` (``VerifiedClaim.text``)."""
    return f"{claim_text} {title}".strip()


@dataclass(frozen=True)
class KnownMatch:
    fact_check: KnownFactCheck
    score: float  # the matcher's ranking score (the reranker's, with it); ranks, not a probability
    coverage: float  # 0..1: the share of the fact-check's terms the claim shares


class SyncedKnownIndex:
    def __init__(self) -> None:
        self.index: ClaimIndex | None = None
        self._indexed_at: dict[int, datetime] = {}
        self._watermark: datetime | None = None
        self._lock = threading.Lock()

    def sync(self) -> ClaimIndex:
        with self._lock:
            return self._sync()

    def _sync(self) -> ClaimIndex:
        if self.index is None:
            self.index = new_claim_index()
        rows = KnownFactCheck.objects.order_by()
        if self._watermark is not None:
            rows = rows.filter(updated_at__gt=self._watermark)
        stamps = rows.values_list("id", "updated_at")
        self._add(
            [
                pk
                # The first load streams every row; later looks return a handful (a server-side
                # cursor would cost them round trips on PostgreSQL).
                for pk, updated_at in (
                    stamps.iterator(chunk_size=20000) if self._watermark is None else stamps
                )
                if self._indexed_at.get(pk) != updated_at
            ]
        )
        if len(self._indexed_at) != KnownFactCheck.objects.count():
            # A row deleted since, or one committed late with an older stamp: one pass over
            # the ids and stamps (an index scan) settles both.
            current = dict(KnownFactCheck.objects.order_by().values_list("id", "updated_at"))
            for pk in [pk for pk in self._indexed_at if pk not in current]:
                self.index.remove(pk)
                del self._indexed_at[pk]
            self._add([pk for pk, at in current.items() if self._indexed_at.get(pk) != at])
        return self.index

    def _add(self, changed: list[int]) -> None:
        assert self.index is not None
        for start in range(0, len(changed), BATCH):
            for pk, claim_text, title, updated_at in (
                KnownFactCheck.objects.order_by()
                .filter(pk__in=changed[start : start + BATCH])
                .values_list("id", "claim_text", "title", "updated_at")
            ):
                self.index.add(pk, known_fact_check_text(claim_text, title))
                self._indexed_at[pk] = updated_at
                if self._watermark is None or updated_at > self._watermark:
                    self._watermark = updated_at

    def search(self, text: str, *, k: int, min_coverage: float) -> list[Match]:
        """Brought up to date, then searched, under one lock: the index is not safe to read
        while another thread of the process adds to it."""
        with self._lock:
            index = self._sync()
            return index.search(text, k=k, min_coverage=min_coverage)

    def search_many(
        self, texts: list[str], *, k: int, min_coverage: float
    ) -> tuple[list[list[Match]], bool]:
        """Each text's matches, from one sync (a report's sentences ask together), and whether
        the learned reranker ordered them (what its score means depends on it)."""
        with self._lock:
            index = self._sync()
            found = [index.search(text, k=k, min_coverage=min_coverage) for text in texts]
            return found, index.rerank_enabled

    def reset(self) -> None:
        with self._lock:
            self.index = None
            self._indexed_at = {}
            self._watermark = None


_PROCESS_INDEX = SyncedKnownIndex()


def known_fact_check_index() -> ClaimIndex:
    """The process's index over the known fact-checks, brought up to date."""
    return _PROCESS_INDEX.sync()


def reset_known_index() -> None:
    """Forget everything (tests flush the database between cases)."""
    _PROCESS_INDEX.reset()


def known_fact_checks_matching(
    text: str, *, k: int = SHOWN, min_coverage: float = MIN_COVERAGE
) -> list[KnownMatch]:
    """The known fact-checks closest to `text`, best first."""
    if not text.strip() or not KnownFactCheck.objects.exists():
        return []
    matches = _PROCESS_INDEX.search(text, k=k, min_coverage=min_coverage)
    rows = KnownFactCheck.objects.in_bulk([m.claim_id for m in matches])
    return [
        KnownMatch(rows[m.claim_id], m.score, m.coverage) for m in matches if m.claim_id in rows
    ]


def known_fact_checks_search_many(
    texts: list[str], *, k: int, min_coverage: float
) -> tuple[list[list[Match]], bool]:
    """The closest known fact-checks to each text (ids, not rows), and whether the reranker
    scored them; the caller has checked that the table is not empty."""
    return _PROCESS_INDEX.search_many(texts, k=k, min_coverage=min_coverage)


def known_fact_checks_for(claim: Claim, *, k: int = SHOWN) -> list[KnownMatch]:
    """The known fact-checks closest to a claim: its statement and its quoted words."""
    text = claim.text
    if claim.quote and claim.quote.lower() not in text.lower():
        text = f"{text} {claim.quote}"
    return known_fact_checks_matching(text, k=k)
