"""The worker's claim index: a per-process ``ClaimIndex`` kept in step with the database.

The first use loads every claim; after that each call pulls only the claims changed since the
last look (``Claim.updated_at`` is indexed), so adding a claim costs one ``add``, never a
rebuild. The database stays the truth: a match for a claim that is gone is dropped by the
caller when it fetches the rows.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from claims.engine.retrieval.index import ClaimIndex
from claims.models import Claim, Quantity

logger = logging.getLogger(__name__)

# Rows committed slightly out of updated_at order (concurrent writers) are still picked up:
# each sync looks back this far; rows already indexed at that version are skipped.
SYNC_OVERLAP = timedelta(seconds=5)
# Newer rows are picked up on every call (one indexed query); the look-back over the overlap,
# which can return many rows after a bulk import, runs at most this often.
OVERLAP_SCAN_INTERVAL_SECONDS = 1.0
BATCH = 5000


def claim_index_text(text: str, quote: str, counted: list[str]) -> str:
    """What a claim is found by: its statement, its quoted words and what its figures count
    ("security officers killed"), so a report giving a new toll finds the toll claim."""
    parts = [text]
    if quote and quote.lower() not in text.lower():
        parts.append(quote)
    parts.extend(counted)
    return " ".join(parts)


# Whether a search also pools the embedding's own top claims (a scan of every claim's vector)
# or only re-ranks the BM25 pool with the cosine: the wider pool finds more candidates but the
# reranker does not order the top better, and the scan grows with the claim base (figures in
# docs/benchmarks.md, "Matching"). Off unless CLAIMS_DENSE_CANDIDATES=true (settings).


def new_claim_index(
    *, rerank: bool = True, dense_candidates: bool | None = None
) -> ClaimIndex:
    """An empty index configured as the workers use it: BM25 fused with the static embedding
    when its artifact is there (claims.engine.retrieval.embedding), else BM25 alone; with the embedding, the
    pooled candidates reordered by the learned reranker when its artifact is there
    (claims.engine.retrieval.rerank; `rerank=False` leaves it out). Each fallback is said once in the log.
    `manage.py evaluate_retrieval` measures exactly this."""
    try:
        from claims.engine.retrieval.embedding import default_embedder
        from claims.engine.retrieval.rerank import default_reranker
    except ImportError as exc:  # numpy missing: the BM25 part needs nothing but Python
        logger.warning("static embedding unavailable (%s): claim retrieval uses BM25 only", exc)
        return ClaimIndex()
    embedder = default_embedder()
    if embedder is None:
        return ClaimIndex()
    return ClaimIndex(
        embedder=embedder,
        reranker=default_reranker() if rerank else None,
        dense_candidates=(
            settings.CLAIMS_DENSE_CANDIDATES if dense_candidates is None else dense_candidates
        ),
    )


def index_for_measurement(
    *, bm25_only: bool = False, rerank: bool = True
) -> tuple[ClaimIndex, str]:
    """The index the measuring commands (`evaluate_retrieval`, `bench_retrieval`) build, and a
    line saying which parts it runs: the workers' index unless told to leave parts out."""
    index = ClaimIndex() if bm25_only else new_claim_index(rerank=rerank)
    mode = "BM25 + static embedding" if index.dense_enabled else "BM25 only"
    if index.rerank_enabled:
        mode += " + learned reranker"
    return index, mode


class SyncedClaimIndex:
    def __init__(self) -> None:
        self.index = new_claim_index()
        self._watermark: datetime | None = None
        self._indexed_at: dict[int, datetime] = {}
        self._synced_at = -math.inf
        self._last_scan_at: datetime | None = None
        self._lock = threading.Lock()

    def sync(self, *, force: bool = False) -> ClaimIndex:
        with self._lock:
            rows = Claim.objects.order_by()
            if self._watermark is None:
                self._last_scan_at = timezone.now()  # the full load is the first look-back
            scan_overlap = force or (
                time.monotonic() - self._synced_at >= OVERLAP_SCAN_INTERVAL_SECONDS
            )
            if self._watermark is not None and scan_overlap:
                # A row committed late still has updated_at within SYNC_OVERLAP of its commit,
                # so after one look-back the next need only reach back from that look.
                since = self._watermark
                if self._last_scan_at is not None:
                    since = max(since, self._last_scan_at)
                self._last_scan_at = timezone.now()
                rows = rows.filter(updated_at__gte=since - SYNC_OVERLAP)
            elif self._watermark is not None:
                rows = rows.filter(updated_at__gt=self._watermark)
            stamps = rows.values_list("id", "updated_at")
            changed = [
                claim_id
                # The first load streams every claim (a server-side cursor keeps memory flat);
                # the per-report check returns a handful of rows, and a server-side cursor
                # would cost it three round trips (DECLARE, FETCH, CLOSE) instead of one.
                for claim_id, updated_at in (
                    stamps.iterator(chunk_size=20000) if self._watermark is None else stamps
                )
                if self._indexed_at.get(claim_id) != updated_at
            ]
            for start in range(0, len(changed), BATCH):
                chunk = changed[start : start + BATCH]
                self._add(
                    list(
                        Claim.objects.order_by()
                        .filter(pk__in=chunk)
                        .values_list("id", "text", "quote", "updated_at")
                    )
                )
            if len(changed) >= BATCH:
                # The index is millions of small objects that live as long as the worker;
                # moving them out of the collector's sight keeps its full scans from stalling
                # a search.
                gc.freeze()
            if scan_overlap or self._watermark is None:
                self._synced_at = time.monotonic()
            return self.index

    def _add(self, batch: list[tuple[int, str, str, datetime]]) -> None:
        if not batch:
            return
        counted: dict[int, list[str]] = {}
        for claim_id, what in Quantity.objects.filter(
            claim_id__in=[row[0] for row in batch]
        ).values_list("claim_id", "what"):
            counted.setdefault(claim_id, []).append(what)
        for claim_id, text, quote, updated_at in batch:
            self.index.add(claim_id, claim_index_text(text, quote, counted.get(claim_id, [])))
            self._indexed_at[claim_id] = updated_at
            if self._watermark is None or updated_at > self._watermark:
                self._watermark = updated_at

    def reset(self) -> None:
        with self._lock:
            self.index = new_claim_index()
            self._watermark = None
            self._indexed_at = {}
            self._synced_at = -math.inf
            self._last_scan_at = None


_PROCESS_INDEX = SyncedClaimIndex()


def current_index(*, force: bool = False) -> ClaimIndex:
    return _PROCESS_INDEX.sync(force=force)


def reset_index() -> None:
    """Forget everything (tests flush the database between cases)."""
    _PROCESS_INDEX.reset()
