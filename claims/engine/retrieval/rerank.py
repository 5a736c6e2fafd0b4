"""A learned reranker for the claim index's pooled candidates.

``ClaimIndex.search`` pools the BM25 top and the embedding's top for a sentence; with a
``Reranker`` each pooled claim gets a row of features (its BM25 score and cosine, absolute and
relative to the pool, its ranks, how much of the claim and of the sentence the shared terms
carry, shared word n-grams, character trigrams (spelling variants and run-together hashtags that
share no whole term), numbers and capitalised names, lengths) and a gradient-boosted tree
ensemble (LightGBM lambdarank, trained by ``manage.py train_rerank`` on CLEF CheckThat! 2020
task 2 train) scores the rows. Only numpy is needed at run time: the trees are flat arrays in
``claims/engine/artifacts/retrieval_rerank.npz`` with their JSON metadata (no pickle).

Per claim the index keeps what the features need beyond its postings (`ClaimData`: the term
sequence for n-grams and the set of capitalised-name terms), added and dropped with the claim.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from claims.engine.retrieval.embedding import WordVectors, basic_words
from claims.engine.runtime.artifacts import ARTIFACT_DIR, OptionalArtifact
from claims.engine.runtime.trees import Trees
from claims.engine.text import TOPIC_STOPWORDS, tokenize

DEFAULT_PATH = ARTIFACT_DIR / "retrieval_rerank.npz"
PATH_ENV = "CLAIMS_RERANK_ARTIFACT"  # a path, or "off"

FEATURES: tuple[str, ...] = (
    "bm25",
    "bm25_rel",  # bm25 / the pool's best bm25
    "cosine",
    "cosine_gap",  # cosine - the pool's best cosine
    "fused",  # the index's own fused score
    "bm25_rank",  # 0-based rank in the pool by bm25
    "cosine_rank",
    "fused_rank",
    "coverage",  # share of the claim's IDF mass found in the sentence
    "reverse_coverage",  # share of the sentence's IDF mass found in the claim
    "matched",  # number of shared terms
    "matched_idf",  # their IDF sum
    "max_matched_idf",
    "max_missing_idf",  # the rarest claim term the sentence lacks
    "shared_bigrams",
    "longest_ngram",  # longest run of terms in the same order in both (1 = a single term)
    "shared_numbers",
    "missing_numbers",  # the claim's numbers absent from the sentence
    "shared_names",  # capitalised-name terms in both
    "claim_names",
    "claim_terms",  # the claim's length in terms
    "query_terms",  # the sentence's distinct indexed terms
    "query_idf",  # their IDF sum
    "tfidf_cosine",  # cosine of the binary IDF-weighted term vectors
    "bm25_z",  # bm25 standardised over the pool
    "cosine_z",
    "coverage_rank",
    "reverse_coverage_rank",
    "query_names_found",  # share of the sentence's name terms in the claim
    "pool_size",
    # the same minus the pool's best: how this claim compares with its rivals
    "coverage_gap",
    "reverse_coverage_gap",
    "matched_idf_gap",
    "tfidf_cosine_gap",
    "longest_ngram_gap",
    "shared_names_gap",
    "fused_gap",  # fused - the pool's best fused: the margin to the index's own first choice
    "char_dice",  # Dice coefficient of the character trigram sets of both term sequences
    "char_claim_found",  # share of the claim's character trigrams found in the sentence
    # share of the matched IDF carried by the sentence's first half: a lead states the topic,
    # a tail is often attribution ("— Name (@handle) date" under a tweet)
    "head_matched_share",
    # how closely the sentence's words come to the claim's words it lacks (see `soft_missing`)
    "soft_missing",
)
# (gap column, source column) pairs
_GAPS = tuple(
    (FEATURES.index(f"{name}_gap"), FEATURES.index(name))
    for name in (
        "coverage",
        "reverse_coverage",
        "matched_idf",
        "tfidf_cosine",
        "longest_ngram",
        "shared_names",
    )
)
N_FEATURES = len(FEATURES)
MAX_NGRAM = 8

# A capitalised word (or @handle, #hashtag) not opening a sentence: a name, mostly.
_WORD = re.compile(r"[@#]?[^\W_][\w'\u2019]*")
_SENTENCE_ENDS = frozenset(".!?:")


class ClaimData(NamedTuple):
    """What the reranker keeps per claim: its terms in order, its name terms and its content
    words as the embedder spells them (for `soft_missing`)."""

    sequence: tuple[str, ...]
    names: frozenset[str]
    words: tuple[str, ...]


_NO_NAMES: frozenset[str] = frozenset()


def name_terms(text: str) -> frozenset[str]:
    """Terms (as `tokenize` makes them) of the capitalised words, handles and hashtags of
    `text`, leaving out a sentence's first word (capitalised for grammar, not as a name)."""
    words: list[str] = []
    opening = True
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0] in "@#":
            words.append(word[1:])
        elif not opening and word[0].isupper():
            words.append(word)
        opening = text[match.end() : match.end() + 1] in _SENTENCE_ENDS
    names = tokenize(" ".join(words)) if words else None
    return frozenset(names) if names else _NO_NAMES


def content_words(text: str) -> tuple[str, ...]:
    """The words of `text` as the embedder splits them (BERT's basic tokenisation), without
    stopwords and punctuation, repeats kept."""
    return tuple(
        sys.intern(word)
        for word in basic_words(text)
        if word not in TOPIC_STOPWORDS and any(ch.isalnum() for ch in word)
    )


@lru_cache(maxsize=1 << 17)
def word_term(word: str) -> str | None:
    """The index term of one word ("vaccines" -> "vaccin"), None for a word without one."""
    terms = tokenize(word)
    return terms[0] if terms else None


def claim_data(text: str, terms: Sequence[str] | None = None) -> ClaimData:
    """The per-claim data for `text`; `terms` is its `tokenize` result when already at hand."""
    sequence = tuple(sys.intern(t) for t in (tokenize(text) if terms is None else terms))
    return ClaimData(sequence, name_terms(text), content_words(text))


class Candidate(NamedTuple):
    """One pooled claim as the index sees it."""

    claim_id: int
    bm25: float
    cosine: float
    coverage: float
    terms: tuple[str, ...]  # distinct, sorted
    data: ClaimData


def _ranks(values: npt.NDArray[np.float64], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    order = np.lexsort((ids, -values))
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(len(values), dtype=np.float64)
    return ranks


def _ngrams(sequence: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(sequence[i : i + n]) for i in range(len(sequence) - n + 1)}


def _char_grams(sequence: Sequence[str]) -> set[str]:
    """Character trigrams of the terms joined by spaces (one pass over one string: this runs
    for every pooled claim of every search)."""
    text = f" {' '.join(sequence)} "
    return {text[i : i + 3] for i in range(len(text) - 2)}


_SHARED, _NO_TERM = -1, -2  # `soft_missing`'s word states besides a missing word's column


def soft_missing(
    query_data: ClaimData,
    candidates: Sequence[Candidate],
    word_vectors: WordVectors,
    word_idf: Callable[[str], float],
) -> npt.NDArray[np.float64]:
    """Per candidate: the IDF-weighted mean, over the claim's words whose term the sentence
    lacks, of each word's best cosine with a word of the sentence (static embedding word
    vectors); 1.0 when the sentence has the term of every known word of the claim, 0.0 when
    the two share no known word.

    Shared terms are already counted by BM25 and coverage; this is the paraphrase of the rest
    ("wedding" vs "engagement rings", "Holocaust" vs "WWII victims"), which one averaged
    sentence vector blurs. It raised CLEF-2020 MAP@5 in train 5-fold CV and on dev
    (docs/benchmarks.md, "Matching").
    """
    out = np.zeros(len(candidates), dtype=np.float64)
    if not query_data.words:
        return out
    # Word by word on both sides, as the words were split ("58,000" is "58" and "000" here).
    query_terms = {word_term(word) for word in query_data.words}
    column: dict[str, int] = {}
    for word in query_data.words:
        column.setdefault(word, len(column))
    n_query = len(column)
    # Each distinct word of the pool once: _SHARED, _NO_TERM, or its column when missing.
    # Only the sentence's words and the missing ones are embedded.
    status: dict[str, int] = {}
    missing_terms: list[str] = []  # by column - n_query
    for candidate in candidates:
        for word in candidate.data.words:
            if word not in status:
                term = word_term(word)
                if term is None:
                    status[word] = _NO_TERM
                elif term in query_terms:
                    status[word] = _SHARED
                else:
                    status[word] = column.setdefault(word, len(column))
                    missing_terms.append(term)
    vectors = word_vectors(list(column))
    known: list[bool] = (np.einsum("ij,ij->i", vectors, vectors) > 0.0).tolist()
    in_query = [k for k in range(n_query) if known[k]]
    if not in_query:
        return out
    best = (vectors[n_query:] @ vectors[in_query].T).max(axis=1).tolist()
    weight = [0.0] * len(column)
    value = [0.0] * len(column)
    for k, term in enumerate(missing_terms, start=n_query):
        if known[k]:
            weight[k] = w = word_idf(term)
            value[k] = best[k - n_query] * w
    for i, candidate in enumerate(candidates):
        total = weight_sum = 0.0
        any_missing = shared = False
        for word in candidate.data.words:
            k = status[word]
            if k == _SHARED:
                shared = True
            elif k >= 0 and known[k]:
                any_missing = True
                total += value[k]
                weight_sum += weight[k]
        if any_missing:
            out[i] = total / max(weight_sum, 1e-9)
        elif shared:
            out[i] = 1.0
    return out


def pool_features(
    query: dict[str, float],
    query_data: ClaimData,
    candidates: Sequence[Candidate],
    idf: Callable[[str], float],
    dense_weight: float,
    word_vectors: WordVectors,
    word_idf: Callable[[str], float],
) -> npt.NDArray[np.float64]:
    """The (len(candidates), N_FEATURES) feature rows of one sentence's pool.

    `query` maps the sentence's indexed terms to their IDF; `idf` gives any indexed term's,
    `word_idf` any term's (0 for one the index lacks); `word_vectors` embeds single words.
    """
    n = len(candidates)
    x = np.zeros((n, N_FEATURES), dtype=np.float64)
    if not n:
        return x
    bm25 = np.array([c.bm25 for c in candidates], dtype=np.float64)
    cosine = np.array([c.cosine for c in candidates], dtype=np.float64)
    ids = np.array([c.claim_id for c in candidates], dtype=np.int64)
    best = float(bm25.max())
    bm25_rel = bm25 / best if best > 0.0 else np.zeros(n)
    fused = dense_weight * cosine + (1.0 - dense_weight) * bm25_rel
    x[:, 0] = bm25
    x[:, 1] = bm25_rel
    x[:, 2] = cosine
    x[:, 3] = cosine - cosine.max()
    x[:, 4] = fused
    x[:, 5] = _ranks(bm25, ids)
    x[:, 6] = _ranks(cosine, ids)
    x[:, 7] = _ranks(fused, ids)

    query_mass = sum(query.values())
    query_sequence = [t for t in query_data.sequence if t in query]
    query_grams: list[set[tuple[str, ...]]] = [set(), set()]  # by n; 0 and 1 unused
    for size in range(2, min(MAX_NGRAM, len(query_sequence)) + 1):
        query_grams.append(_ngrams(query_sequence, size))
    query_names = query_data.names
    query_norm = sum(w * w for w in query.values()) ** 0.5
    query_chars = _char_grams(query_data.sequence)
    half = (len(query_data.sequence) + 1) // 2
    head = {t for t in query_data.sequence[:half] if t in query}
    n_query_names = len(query_names)
    rows: list[tuple[float, ...]] = []
    for candidate in candidates:
        terms = candidate.terms
        weights = list(map(idf, terms))
        matched_idf = matched_sq = max_matched = missing_idf = claim_sq = 0.0
        n_matched = n_numbers = shared_numbers = 0
        for term, w in zip(terms, weights, strict=True):
            claim_sq += w * w
            number = term[0].isdigit()
            n_numbers += number
            if term in query:
                n_matched += 1
                matched_idf += w
                matched_sq += w * w
                if w > max_matched:
                    max_matched = w
                shared_numbers += number
            elif w > missing_idf:
                missing_idf = w
        longest = 1 if n_matched else 0
        bigrams = 0
        if n_matched >= 2:
            sequence = candidate.data.sequence
            for size in range(2, len(query_grams)):
                shared = _ngrams(sequence, size) & query_grams[size]
                if not shared:
                    break
                if size == 2:
                    bigrams = len(shared)
                longest = size
        names = candidate.data.names
        shared_names = len(names & query_names) if names and query_names else 0
        norms = query_norm * claim_sq**0.5
        claim_chars = _char_grams(candidate.data.sequence)
        shared_chars = len(claim_chars & query_chars)
        char_total = len(claim_chars) + len(query_chars)
        head_idf = sum(w for term, w in zip(terms, weights, strict=True) if term in head)
        rows.append(
            (
                candidate.coverage,
                matched_idf / query_mass if query_mass > 0.0 else 0.0,
                n_matched,
                matched_idf,
                max_matched,
                missing_idf,
                bigrams,
                longest,
                shared_numbers,
                n_numbers - shared_numbers,
                shared_names,
                len(names),
                len(candidate.data.sequence),
                matched_sq / norms if norms > 0.0 else 0.0,
                shared_names / n_query_names if n_query_names else 0.0,
                2.0 * shared_chars / char_total if char_total else 0.0,
                shared_chars / len(claim_chars) if claim_chars else 0.0,
                head_idf / matched_idf if matched_idf > 0.0 else 0.0,
            )
        )
    per_claim = np.array(rows, dtype=np.float64)
    x[:, 8:21] = per_claim[:, :13]
    x[:, 23] = per_claim[:, 13]
    x[:, 28] = per_claim[:, 14]
    x[:, 37:40] = per_claim[:, 15:18]
    x[:, 21] = len(query)
    x[:, 22] = query_mass
    for column, source in ((24, bm25), (25, cosine)):
        spread = float(source.std())
        x[:, column] = (source - source.mean()) / spread if spread > 0.0 else 0.0
    x[:, 26] = _ranks(x[:, 8], ids)
    x[:, 27] = _ranks(x[:, 9], ids)
    x[:, 29] = n
    for gap, of in _GAPS:
        x[:, gap] = x[:, of] - x[:, of].max()
    x[:, 36] = fused - fused.max()
    x[:, 40] = soft_missing(query_data, candidates, word_vectors, word_idf)
    return x


class Reranker:
    """Scores pooled candidates with `trees` over `pool_features`; pools `depth` deep."""

    def __init__(self, trees: Trees, depth: int = 20, meta: dict[str, Any] | None = None) -> None:
        if depth < 1:
            raise ValueError("need depth >= 1")
        if trees.n_trees and int(trees.feature.max()) >= N_FEATURES:
            raise ValueError("the trees use a feature this code does not compute")
        self.trees = trees
        self.depth = depth
        self.meta = dict(meta or {})

    claim_data = staticmethod(claim_data)

    def score(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return self.trees.predict(x)

    def save(self, path: str | Path) -> None:
        meta = {**self.meta, "depth": self.depth, "features": list(FEATURES)}
        arrays = self.trees.arrays()
        arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
        np.savez_compressed(Path(path), **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Reranker:
        """Read an artifact (`DEFAULT_PATH` by default). FileNotFoundError when it is absent,
        ValueError when it is malformed or made for other features."""
        path = Path(path) if path is not None else DEFAULT_PATH
        with np.load(path, allow_pickle=False) as data:
            try:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                trees = Trees.from_arrays(data)
            except KeyError as exc:
                raise ValueError(f"{path}: missing array {exc}") from None
        if list(meta.get("features", [])) != list(FEATURES):
            raise ValueError(f"{path}: trained on other features than claims.engine.retrieval.rerank computes")
        return cls(trees, int(meta.get("depth", 20)), meta)


_DEFAULT: OptionalArtifact[Reranker] = OptionalArtifact(
    env_var=PATH_ENV,
    default_path=DEFAULT_PATH,
    load=Reranker.load,
    off_message="claim retrieval is not reranked",
    missing_message=(
        "retrieval reranker unavailable ({error}): claims are ranked by the fused score; "
        "run `manage.py train_rerank` to create {path}"
    ),
)


def default_reranker() -> Reranker | None:
    """The packaged reranker, loaded once per process; None (and one log line) when the
    artifact is missing, unreadable or switched off (``CLAIMS_RERANK_ARTIFACT=off``)."""
    return _DEFAULT.get()
