"""Candidate retrieval: which open claims might a report sentence speak to?

A sentence is tokenised the same way as every indexed claim, then scored against an inverted
index with BM25. The index is incremental (claims open and close all day) and answers a query
without touching every claim: only the postings of the sentence's terms are read, rarest first,
and the commonest terms' postings are skipped once they can no longer change the top k
(the "MaxScore" argument, here over postings bucketed by their exact BM25 weight).
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from claims.engine.retrieval.embedding import DenseMatrix
from claims.engine.retrieval.rerank import Candidate, ClaimData, Reranker, pool_features
from claims.engine.text import (
    TOPIC_STOPWORDS,
    derivation_keys,
    expand_hashtags,
    normalise_term,
    tokenize,
)

# A 1-d float32 numpy array.
FloatVector = Any


@dataclass(frozen=True)
class Match:
    claim_id: int
    # What ranks candidates for one sentence; not comparable across sentences. BM25 alone
    # without an embedder, the fused BM25 + cosine figure with one, the learned reranker's
    # score with a reranker (see ClaimIndex.search).
    score: float
    coverage: float  # 0..1, share of the claim's IDF mass found in the sentence: threshold this
    matched_terms: tuple[str, ...]  # the shared terms (stems), sorted, for explanations
    bm25: float | None = None  # the claim's BM25 score for the sentence (0 when none shared)
    similarity: float | None = None  # cosine of the static embeddings; None without embedder


# A claim as stored: its distinct terms, sorted, their counts (None when every count is 1, as
# in nearly every claim: it saves memory and a zip per scored claim), and its length in terms.
# Sorted terms give every score one summation order, so claims with equal scores have equal
# floats, whatever the word order of their texts, and the tie-break by id holds.
_Doc = tuple[tuple[str, ...], tuple[int, ...] | None, int]
# Postings of one term grouped by (tf, claim length): every claim in a group gets the same
# BM25 weight for that term, so a whole group is kept or skipped by one bound check.
_Postings = dict[tuple[int, int], set[int]]
# One query term's plan: its upper bound, the term, its groups heaviest first, its df.
_Plan = tuple[float, str, list[tuple[float, set[int]]], int]


# Fusion defaults, tuned on CLEF CheckThat! 2020 task 2 train (see evaluate_retrieval).
DENSE_WEIGHT = 0.5
FUSION_DEPTH = 20


class Embedder(Protocol):
    """What the index needs of a sentence encoder (claims.engine.retrieval.embedding.StaticEmbedder)."""

    dim: int

    def encode_one(self, text: str) -> FloatVector: ...

    # Unit vectors of single words (zero rows for unknown ones), for the reranker's word
    # alignment feature; only an index with a reranker calls it.
    def word_vectors(self, words: Sequence[str]) -> FloatVector: ...


class ClaimIndex:
    """Incremental in-memory BM25 inverted index over claim texts.

    BM25 with Lucene's non-negative IDF, log(1 + (N - df + 0.5) / (df + 0.5)); query terms
    count once however often the sentence repeats them. Document frequencies and the total
    length are kept as counts, so IDF and the average length are always current without a
    rebuild. `coverage` is the share of the claim's IDF mass (over its distinct terms) whose
    terms occur in the query: a claim restated in full by the sentence has coverage 1.0
    whatever its length, which makes it the figure to threshold on; the BM25 score only ranks.

    With an `embedder` (claims.engine.retrieval.embedding.StaticEmbedder) every claim also gets a unit vector,
    kept in a growable matrix beside the postings (add and remove update both), and searches
    fuse BM25 with the cosine of the sentence's vector; `coverage` keeps its meaning.

    With a `reranker` (claims.engine.retrieval.rerank.Reranker; needs the embedder) the pooled candidates are
    ordered by its learned score instead of the fused one, and the index keeps the per-claim
    data its features need beside the postings.
    """

    def __init__(
        self,
        k1: float = 1.2,
        b: float = 0.75,
        *,
        embedder: Embedder | None = None,
        dense_weight: float = DENSE_WEIGHT,
        fusion_depth: int = FUSION_DEPTH,
        reranker: Reranker | None = None,
        dense_candidates: bool = True,
    ) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0:
            raise ValueError("need k1 >= 0 and 0 <= b <= 1")
        if not 0.0 <= dense_weight <= 1.0 or fusion_depth < 1:
            raise ValueError("need 0 <= dense_weight <= 1 and fusion_depth >= 1")
        if reranker is not None and embedder is None:
            raise ValueError("the reranker needs the embedder")
        self.k1 = k1
        self.b = b
        self.dense_weight = dense_weight
        self.fusion_depth = fusion_depth
        # False: the pool is the BM25 top `fusion_depth` only (each still gets its cosine), so a
        # search never scans every claim's vector; the dense top-k is O(claims) per query.
        self.dense_candidates = dense_candidates
        self._embedder = embedder
        self._dense: DenseMatrix | None = None
        if embedder is not None:
            self._dense = DenseMatrix(embedder.dim)
        self._docs: dict[int, _Doc] = {}
        self._reranker = reranker
        self._rerank_data: dict[int, ClaimData] = {}
        self._postings: dict[str, _Postings] = {}
        self._df: dict[str, int] = {}
        # Indexed terms by derivational family (`derivation_keys`): how a sentence's noun
        # ("resignation", "cancellation") reaches a claim's verb ("resigned", "cancelled").
        self._families: dict[str, set[str]] = {}
        self._total_len = 0
        # Shared (tf, length) keys: 100k claims would otherwise hold a million equal tuples.
        self._keys: dict[tuple[int, int], tuple[int, int]] = {}
        # IDFs and claims' IDF masses computed by searches, kept until the next add or remove
        # changes N or a df. Coverage needs the IDF of every term of every candidate claim, and
        # between updates (a worker matching a report's sentences) the same ones recur.
        self._idf_cache: dict[str, float] = {}
        self._mass_cache: dict[int, float] = {}
        self._scale_cache: dict[int, float] = {}
        self._caches_valid = True

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def dense_enabled(self) -> bool:
        return self._dense is not None

    @property
    def rerank_enabled(self) -> bool:
        return self._reranker is not None

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._docs

    def add(self, claim_id: int, text: str) -> None:
        """Index `text` under `claim_id`, replacing what the claim had before."""
        self.remove(claim_id)
        self._caches_valid = False
        counts: dict[str, int] = {}
        tokens = tokenize(text)
        for term in tokens:
            counts[term] = counts.get(term, 0) + 1
        length = sum(counts.values())
        # Interned so the 100k stored tuples share one string per distinct term.
        terms = tuple(sys.intern(t) for t in sorted(counts))
        tfs = tuple(counts[t] for t in terms) if length > len(counts) else None
        self._docs[claim_id] = (terms, tfs, length)
        self._total_len += length
        postings, df, keys = self._postings, self._df, self._keys
        for i, term in enumerate(terms):
            tf = tfs[i] if tfs else 1
            key = keys.setdefault((tf, length), (tf, length))
            postings.setdefault(term, {}).setdefault(key, set()).add(claim_id)
            seen = df.get(term, 0)
            df[term] = seen + 1
            if not seen:
                for family in derivation_keys(term):
                    self._families.setdefault(family, set()).add(term)
        if self._dense is not None and self._embedder is not None:
            self._dense.add(claim_id, self._embedder.encode_one(text))
        if self._reranker is not None:
            self._rerank_data[claim_id] = self._reranker.claim_data(text, tokens)

    def knows(self, word: str) -> bool:
        """Whether `word` is a stopword or one of the indexed claims' terms: what
        `split_glued` may cut a hashtag into."""
        folded = word.casefold()
        if folded in TOPIC_STOPWORDS:
            return True
        term = normalise_term(folded)
        return term is not None and term in self._df

    def remove(self, claim_id: int) -> None:
        doc = self._docs.pop(claim_id, None)
        if doc is None:
            return
        if self._dense is not None:
            self._dense.remove(claim_id)
        self._rerank_data.pop(claim_id, None)
        self._caches_valid = False
        terms, tfs, length = doc
        self._total_len -= length
        for i, term in enumerate(terms):
            key = (tfs[i] if tfs else 1, length)
            groups = self._postings[term]
            group = groups[key]
            group.discard(claim_id)
            if not group:
                del groups[key]
            df = self._df[term] - 1
            if df:
                self._df[term] = df
            else:
                del self._df[term]
                del self._postings[term]
                for family in derivation_keys(term):
                    members = self._families.get(family)
                    if members is not None:
                        members.discard(term)
                        if not members:
                            del self._families[family]

    def search(self, text: str, k: int = 20, min_coverage: float = 0.0) -> list[Match]:
        """The `k` best claims for `text`, best first, ties by claim id.

        Claims with coverage below `min_coverage` are left out before ranking, so up to `k`
        qualifying claims come back. Without an embedder the ranking is BM25 and exact (see
        `_bm25_top`). With one, the BM25 top `fusion_depth` and the embedding's top
        `fusion_depth` are pooled and ranked by
        ``dense_weight * cosine + (1 - dense_weight) * bm25 / best bm25 of the pool``;
        every pooled claim gets its exact BM25 score and coverage, and its cosine. With a
        reranker the pool is `max(k, fusion_depth, reranker.depth)` deep and ordered by the
        reranker's score (ties by the fused figure, then id), which becomes `Match.score`.
        """
        n_docs = len(self._docs)
        if k <= 0 or not n_docs:
            return []
        self._check_caches()
        text = expand_hashtags(text, self.knows)
        tokens = tokenize(text)
        query = self._query_of(tokens, n_docs)
        if self._dense is None:
            if not query:
                return []
            return [
                self._match(claim_id, score, query, n_docs)
                for score, claim_id in self._bm25_top(query, n_docs, k, min_coverage)
            ]
        return self._hybrid(text, query, n_docs, k, min_coverage, tokens)

    def _check_caches(self) -> None:
        if not self._caches_valid:
            self._idf_cache = {}
            self._mass_cache = {}
            self._scale_cache = {}
            self._caches_valid = True

    def _query(self, text: str, n_docs: int) -> dict[str, float]:
        """The sentence's indexed terms with their IDF (each once)."""
        return self._query_of(tokenize(text), n_docs)

    def _query_of(self, tokens: list[str], n_docs: int) -> dict[str, float]:
        query: dict[str, float] = {}
        for term in tokens:
            if term in self._df:
                if term not in query:
                    query[term] = self._idf(term, n_docs)
                continue
            # A word no claim uses may still be another form of one a claim does.
            for family in derivation_keys(term):
                for related in self._families.get(family, ()):
                    if related not in query:
                        query[related] = self._idf(related, n_docs)
        return query

    def _match(
        self,
        claim_id: int,
        bm25: float,
        query: dict[str, float],
        n_docs: int,
        score: float | None = None,
        similarity: float | None = None,
    ) -> Match:
        coverage = self._coverages([claim_id], query, n_docs)[0] if query else 0.0
        matched = tuple(sorted(term for term in self._docs[claim_id][0] if term in query))
        return Match(
            claim_id, bm25 if score is None else score, coverage, matched, bm25, similarity
        )

    def _exact(self, claim_id: int, query: dict[str, float], n_docs: int) -> float:
        """One claim's BM25 score for the query, computed as `_bm25_top` computes it."""
        terms, tfs, length = self._docs[claim_id]
        k1_1 = self.k1 + 1.0
        norm = self.k1 * (1.0 - self.b) + self.k1 * self.b * n_docs / self._total_len * length
        query_idf = query.get
        if tfs is None:
            return sum(filter(None, map(query_idf, terms))) * k1_1 / (1.0 + norm)
        total = 0.0
        for term, tf in zip(terms, tfs, strict=True):
            term_idf = query_idf(term)
            if term_idf is not None:
                total += term_idf * tf * k1_1 / (tf + norm)
        return total

    def _pool(
        self, text: str, query: dict[str, float], n_docs: int, depth: int, min_coverage: float
    ) -> tuple[dict[int, float], dict[int, float]]:
        """The BM25 top `depth` and the embedding's top `depth`, pooled: every pooled claim's
        exact BM25 score and its cosine."""
        assert self._dense is not None and self._embedder is not None
        bm25 = {
            claim_id: score
            for score, claim_id in (
                self._bm25_top(query, n_docs, depth, min_coverage) if query else []
            )
        }
        vector = self._embedder.encode_one(text)
        sims: dict[int, float] = {}
        if vector.any():
            sims = self._dense.top(vector, depth) if self.dense_candidates else {}
            extra = [claim_id for claim_id in sims if claim_id not in bm25]
            if min_coverage > 0.0:
                coverages = self._coverages(extra, query, n_docs) if query else [0.0] * len(extra)
                extra = [
                    claim_id
                    for claim_id, coverage in zip(extra, coverages, strict=True)
                    if coverage >= min_coverage
                ]
            for claim_id in extra:
                bm25[claim_id] = self._exact(claim_id, query, n_docs) if query else 0.0
            missing = [claim_id for claim_id in bm25 if claim_id not in sims]
            sims.update(self._dense.similarities(missing, vector))
        return bm25, sims

    def _hybrid(
        self,
        text: str,
        query: dict[str, float],
        n_docs: int,
        k: int,
        min_coverage: float,
        tokens: list[str] | None = None,
    ) -> list[Match]:
        if self._reranker is not None:
            return self._reranked(text, query, n_docs, k, min_coverage, tokens)
        bm25, sims = self._pool(text, query, n_docs, max(k, self.fusion_depth), min_coverage)
        if not bm25:
            return []
        best = max(bm25.values())
        scale = (1.0 - self.dense_weight) / best if best > 0.0 else 0.0
        weight = self.dense_weight
        ranked = sorted(
            ((weight * sims.get(c, 0.0) + scale * s, c) for c, s in bm25.items()),
            key=lambda entry: (-entry[0], entry[1]),
        )[:k]
        return [
            self._match(claim_id, bm25[claim_id], query, n_docs, fused, sims.get(claim_id, 0.0))
            for fused, claim_id in ranked
        ]

    def rerank_features(
        self, text: str, *, min_coverage: float = 0.0
    ) -> tuple[list[int], FloatVector]:
        """The pooled claim ids for `text` and their reranker feature rows, as `search` sees
        them with the reranker (for training it: the rows do not depend on its trees)."""
        n_docs = len(self._docs)
        if not n_docs or self._reranker is None:
            raise ValueError("needs a non-empty index with a reranker")
        self._check_caches()
        text = expand_hashtags(text, self.knows)
        tokens = tokenize(text)
        query = self._query_of(tokens, n_docs)
        depth = max(self.fusion_depth, self._reranker.depth)
        candidates, x = self._candidates(text, query, n_docs, depth, min_coverage, tokens)
        return [c.claim_id for c in candidates], x

    def _candidates(
        self,
        text: str,
        query: dict[str, float],
        n_docs: int,
        depth: int,
        min_coverage: float,
        tokens: list[str] | None = None,
    ) -> tuple[list[Any], FloatVector]:
        bm25, sims = self._pool(text, query, n_docs, depth, min_coverage)
        ids = sorted(bm25)
        # Also caches the IDF of every pooled claim's terms (with their IDF masses).
        coverages = self._coverages(ids, query, n_docs)
        docs, data = self._docs, self._rerank_data
        candidates = [
            Candidate(c, bm25[c], sims.get(c, 0.0), coverage, docs[c][0], data[c])
            for c, coverage in zip(ids, coverages, strict=True)
        ]
        assert self._reranker is not None
        query_data = self._reranker.claim_data(text, tokens)
        assert self._embedder is not None

        idf_cache, df = self._idf_cache, self._df

        def word_idf(term: str) -> float:
            value = idf_cache.get(term)
            if value is None:
                value = self._idf(term, n_docs) if term in df else 0.0
            return value

        x = pool_features(
            query,
            query_data,
            candidates,
            self._idf_cache.__getitem__,
            self.dense_weight,
            self._embedder.word_vectors,
            word_idf,
        )
        return candidates, x

    def _reranked(
        self,
        text: str,
        query: dict[str, float],
        n_docs: int,
        k: int,
        min_coverage: float,
        tokens: list[str] | None = None,
    ) -> list[Match]:
        assert self._reranker is not None
        depth = max(k, self.fusion_depth, self._reranker.depth)
        candidates, x = self._candidates(text, query, n_docs, depth, min_coverage, tokens)
        if not candidates:
            return []
        scores = self._reranker.score(x).tolist()
        fused = x[:, 4].tolist()  # ties (equal leaves) go by the fused score, then by id
        order = sorted(
            range(len(candidates)),
            key=lambda i: (-scores[i], -fused[i], candidates[i].claim_id),
        )[:k]
        matches = []
        for i in order:
            c = candidates[i]
            matched = tuple(term for term in c.terms if term in query)
            matches.append(Match(c.claim_id, scores[i], c.coverage, matched, c.bm25, c.cosine))
        return matches

    def _bm25_top(
        self, query: dict[str, float], n_docs: int, k: int, min_coverage: float
    ) -> list[tuple[float, int]]:
        """The `k` best ``(score, claim_id)`` by BM25 for a non-empty query, best first.

        The result is exact, the same as scoring every claim, but only the postings of the
        sentence's terms are read, and usually not all of them.

        Every score is a sum of per-term weights, and each term's weight has a known maximum
        (its heaviest (tf, length) group), which gives three phases:
        1. accumulate: terms are read rarest first, adding their weights to partial scores.
           Now and then the best partial scores are rescored exactly, which sets a threshold
           (the k-th best score so far). Once the maxima of the unread terms sum to less than
           the threshold, a claim having none of the terms read so far cannot make the top k.
        2. continue: the unread, commonest terms only add to claims already accumulating, and
           claims that could not reach the threshold even with every unread term are dropped
           first, so the longest postings are never walked in full.
        3. complete: the partial scores are now whole; the few that reach the threshold are
           rescored exactly in a canonical order, so equal scores tie-break by id reliably.
        With `min_coverage` the threshold only counts qualifying claims; when fewer than k
        qualify, nothing can be pruned and every posting of the sentence's terms is read.
        """
        k1_1 = self.k1 + 1.0
        norm_const = self.k1 * (1.0 - self.b)
        norm_len = self.k1 * self.b * n_docs / self._total_len

        plans: list[_Plan] = []
        for term, term_idf in query.items():
            groups = sorted(
                (
                    (term_idf * tf * k1_1 / (tf + norm_const + norm_len * length), ids)
                    for (tf, length), ids in self._postings[term].items()
                ),
                key=_first,
                reverse=True,
            )
            plans.append((groups[0][0], term, groups, self._df[term]))
        plans.sort(key=lambda plan: (-plan[0], plan[1]))
        n_plans = len(plans)
        rest = [0.0] * (n_plans + 1)  # rest[i]: the most terms i.. can add to any claim
        for i in range(n_plans - 1, -1, -1):
            rest[i] = rest[i + 1] + plans[i][0]
        # Slack for comparing a bound with a score summed in another order.
        eps = 1e-9 * (1.0 + rest[0])

        docs = self._docs
        query_idf = query.get

        def exact(claim_id: int) -> float:
            terms, tfs, length = docs[claim_id]
            norm = norm_const + norm_len * length
            if tfs is None:
                # idf is never 0, so filter(None) drops exactly the terms not in the query.
                return sum(filter(None, map(query_idf, terms))) * k1_1 / (1.0 + norm)
            total = 0.0
            for term, tf in zip(terms, tfs, strict=True):
                term_idf = query_idf(term)
                if term_idf is not None:
                    total += term_idf * tf * k1_1 / (tf + norm)
            return total

        def covered(claim_id: int) -> bool:
            return self._coverages([claim_id], query, n_docs)[0] >= min_coverage

        top: list[tuple[float, int]] = []  # min-heap of (score, -claim_id)
        threshold = -math.inf
        check_coverage = min_coverage > 0.0

        def offer(claim_id: int, score: float, checked: bool = False) -> None:
            nonlocal threshold
            entry = (score, -claim_id)
            if len(top) == k and entry <= top[0]:
                return
            if check_coverage and not checked and not covered(claim_id):
                return
            if len(top) < k:
                heapq.heappush(top, entry)
            else:
                heapq.heapreplace(top, entry)
            if len(top) == k:
                threshold = top[0][0]

        # Claims already rescored are parked at -inf so they are never offered twice; the
        # cutoffs below are floored at the largest finite float to keep them out.
        parked = -math.inf
        floor = -sys.float_info.max
        partial: dict[int, float] = {}
        partial_get = partial.get
        next_refresh = k

        # 1. accumulate
        stop = n_plans
        for i in range(n_plans):
            if len(partial) >= next_refresh and rest[i] >= threshold - eps:
                better = [(s, c) for c, s in partial.items() if s > threshold and s != parked]
                for _, claim_id in heapq.nlargest(k, better):
                    partial[claim_id] = parked
                    offer(claim_id, exact(claim_id))
                # Growing the interval geometrically bounds the refreshes' total cost by a
                # small multiple of the final number of partial scores.
                next_refresh = 4 * len(partial)
            if rest[i] < threshold - eps:
                stop = i
                break
            later = rest[i + 1]
            for weight, ids in plans[i][2]:
                if weight + later < threshold - eps:
                    # Claims new in this group cannot make the top k; those already
                    # accumulating still need the weight for their bound to hold.
                    for claim_id in ids & partial.keys():
                        partial[claim_id] += weight
                else:
                    for claim_id in ids:
                        partial[claim_id] = partial_get(claim_id, 0.0) + weight

        # 2. continue
        live: list[int] | None = None
        for j in range(stop, n_plans):
            cutoff = max(threshold - rest[j] - eps, floor)
            if live is None:
                live = [claim_id for claim_id, score in partial.items() if score >= cutoff]
            else:
                live = [claim_id for claim_id in live if partial[claim_id] >= cutoff]
            term = plans[j][1]
            if 4 * len(live) < plans[j][3]:
                # Few claims left: look the term up in each claim rather than walk its postings.
                term_idf = query[term]
                for claim_id in live:
                    terms, tfs, length = docs[claim_id]
                    if term in terms:
                        tf = 1 if tfs is None else tfs[terms.index(term)]
                        norm = norm_const + norm_len * length
                        partial[claim_id] += term_idf * tf * k1_1 / (tf + norm)
            else:
                live_set = set(live)
                for weight, ids in plans[j][2]:
                    for claim_id in ids & live_set:
                        partial[claim_id] += weight

        # 3. complete
        cutoff = max(threshold - eps, floor)
        if live is None:
            candidates = [
                (-score, claim_id) for claim_id, score in partial.items() if score >= cutoff
            ]
        else:
            candidates = [(-partial[c], c) for c in live if partial[c] >= cutoff]
        if check_coverage:
            # Usually fewer than k claims qualify and all must be checked anyway, so check first
            # and spare the heap. The partial scores are now whole, and score >= matched IDF *
            # (k1 + 1) / (1 + norm), so a score below min_coverage times a per-claim scale
            # proves the coverage short: most claims are rejected on that alone, the rest get
            # the exact check. (A claim missing a weight here is one that skipped a group in
            # phase 1, which only happens to claims that cannot reach the top k.)
            scales = self._scales([claim_id for _, claim_id in candidates], n_docs, norm_len)
            slack = min_coverage - 1e-9
            candidates = [
                entry
                for entry, scale in zip(candidates, scales, strict=True)
                if -entry[0] >= slack * scale
            ]
            coverages = self._coverages([claim_id for _, claim_id in candidates], query, n_docs)
            candidates = [
                entry
                for entry, coverage in zip(candidates, coverages, strict=True)
                if coverage >= min_coverage
            ]
        heapq.heapify(candidates)
        while candidates:
            neg_score, claim_id = heapq.heappop(candidates)
            if -neg_score < threshold - eps:
                break
            offer(claim_id, exact(claim_id), checked=True)

        return [
            (score, -neg_id)
            for score, neg_id in sorted(top, key=lambda entry: (-entry[0], -entry[1]))
        ]

    def _idf(self, term: str, n_docs: int) -> float:
        value = self._idf_cache.get(term)
        if value is None:
            df = self._df[term]
            value = self._idf_cache[term] = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        return value

    def _scales(self, claim_ids: list[int], n_docs: int, norm_len: float) -> list[float]:
        """Per claim, IDF mass * (k1 + 1) / (1 + norm). Each matched term adds at least its
        IDF * (k1 + 1) / (1 + norm) to the score (tf >= 1), so coverage <= score / scale, with
        equality when every term occurs once."""
        scales, docs, masses = self._scale_cache, self._docs, self._mass_cache
        missing = [claim_id for claim_id in claim_ids if claim_id not in scales]
        if missing:
            self._coverages(missing, {}, n_docs)  # fills the mass cache
            k1_1, norm_const = self.k1 + 1.0, self.k1 * (1.0 - self.b)
            for claim_id in missing:
                length = docs[claim_id][2]
                scales[claim_id] = masses[claim_id] * k1_1 / (1.0 + norm_const + norm_len * length)
        return [scales[claim_id] for claim_id in claim_ids]

    def _coverages(self, claim_ids: list[int], query: dict[str, float], n_docs: int) -> list[float]:
        docs, masses, idf_of = self._docs, self._mass_cache, self._idf_cache.__getitem__
        for claim_id in claim_ids:
            if claim_id not in masses:
                terms = docs[claim_id][0]
                try:
                    masses[claim_id] = sum(map(idf_of, terms))
                except KeyError:  # IDFs not cached yet: rare once a few searches have run
                    masses[claim_id] = sum(self._idf(term, n_docs) for term in terms)
        query_idf = query.get
        # idf is never 0, so filter(None) drops exactly the terms not in the query; a claim's
        # mass is positive for the same reason (every stored claim has a term).
        return [
            min(sum(filter(None, map(query_idf, docs[claim_id][0]))) / masses[claim_id], 1.0)
            for claim_id in claim_ids
        ]


def _first(pair: tuple[float, set[int]]) -> float:
    return pair[0]
