"""A static sentence encoder: a sentence's vector is the weighted mean of its tokens' vectors.

The token vectors were distilled from the all-MiniLM-L6-v2 sentence-transformer (see
``claims/training/embedding_distill.py``): every WordPiece token of its vocabulary was run
through the model (and averaged over its occurrences in a corpus) and stored at the model's
full width with a per-token weight that damps frequent tokens. At run time nothing but numpy
is needed: a small WordPiece tokenizer (the model's own rules: lower-case, split punctuation
and CJK characters, greedy longest match) turns text into token ids, and a sentence costs a
few dictionary look-ups and one small sum.

The artifact is one ``.npz`` read with ``allow_pickle=False``:
  ``vectors``  int8 (n_tokens, dim) token vectors, quantised per row
  ``scales``   float32 (n_tokens,) each row's dequantisation factor, with its weight folded in
  ``vocab``    the tokens, newline-joined, as a uint8 UTF-8 byte array
  ``meta``     a JSON string (uint8 bytes): model, dimensions, build settings
"""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from claims.engine.runtime.artifacts import ARTIFACT_DIR, OptionalArtifact

DEFAULT_PATH = ARTIFACT_DIR / "embedding_minilm_static.npz"
# Set to another artifact's path, or to "off" for BM25 alone (benchmarks, comparisons).
PATH_ENV = "CLAIMS_EMBEDDING_ARTIFACT"

FloatArray = npt.NDArray[np.float32]
# Unit vectors of single words, one row a word: `StaticEmbedder.word_vectors` (the reranker's
# `soft_missing`, the stance model's `soft_coverage`).
WordVectors = Callable[[Sequence[str]], FloatArray]

_MAX_WORD_CHARS = 100  # as BERT's WordPiece: a longer "word" is [UNK]
_WORD_CACHE_SIZE = 200_000


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class _CharMap(dict[int, str | None]):
    """``str.translate`` table for BERT's basic clean-up, filled one character at a time:
    whitespace becomes a space, control and format characters and combining marks (accents,
    after NFD) are dropped, punctuation and CJK characters are padded with spaces."""

    def __missing__(self, cp: int) -> str | None:
        char = chr(cp)
        category = unicodedata.category(char)
        value: str | None
        if char in "\t\n\r" or category == "Zs":
            value = " "
        elif cp in (0, 0xFFFD) or category.startswith("C") or category == "Mn":
            value = None
        elif _is_punctuation(char) or _is_cjk(cp):
            value = f" {char} "
        else:
            value = char
        self[cp] = value
        return value


_CHAR_MAP = _CharMap()


def basic_words(text: str) -> list[str]:
    """BERT's basic (uncased) tokenisation: lower-case, strip accents, drop control characters,
    split on whitespace, punctuation and around CJK characters."""
    folded = text.lower()
    if not folded.isascii():
        folded = unicodedata.normalize("NFD", folded)
    return folded.translate(_CHAR_MAP).split()


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT vocabulary (``##`` continuations)."""

    def __init__(self, vocab: Sequence[str], unk: str = "[UNK]") -> None:
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.unk_id = self.ids[unk]
        self._cache: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    def word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids = self._split(word)
        with self._lock:
            if len(self._cache) >= _WORD_CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = ids
        return ids

    def _split(self, word: str) -> tuple[int, ...]:
        if len(word) > _MAX_WORD_CHARS:
            return (self.unk_id,)
        vocab = self.ids
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unk_id,)
            pieces.append(found)
            start = end
        return tuple(pieces)

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for word in basic_words(text):
            ids.extend(self.word_ids(word))
        return ids


class StaticEmbedder:
    """Sentence vectors from stored token vectors: ``encode`` returns L2-normalised rows."""

    def __init__(
        self,
        vocab: Sequence[str],
        vectors: npt.NDArray[Any],
        scales: npt.NDArray[Any] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != len(vocab):
            raise ValueError("need one vector row per vocabulary token")
        table = vectors.astype(np.float32)
        if scales is not None:
            table *= scales.astype(np.float32)[:, None]
        self.table: FloatArray = np.ascontiguousarray(table)
        self.dim = int(table.shape[1])
        self.tokenizer = WordPiece(vocab)
        self.meta = dict(meta or {})
        # Tokens that carry no meaning of their own are left out of the mean.
        skip = {"[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"}
        skip_ids = [self.tokenizer.ids[t] for t in skip if t in self.tokenizer.ids]
        self.table[skip_ids] = 0.0

    @classmethod
    def load(cls, path: str | Path | None = None) -> StaticEmbedder:
        """Read the artifact (``claims/engine/artifacts/embedding_minilm_static.npz`` by default).
        Raises FileNotFoundError when it is absent, ValueError when it is malformed."""
        path = Path(path) if path is not None else DEFAULT_PATH
        with np.load(path, allow_pickle=False) as data:
            try:
                vectors = data["vectors"]
                scales = data["scales"] if "scales" in data.files else None
                vocab = bytes(data["vocab"]).decode("utf-8").split("\n")
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            except KeyError as exc:
                raise ValueError(f"{path}: missing array {exc}") from None
        return cls(vocab, vectors, scales, meta)

    def token_ids(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def encode_one(self, text: str) -> FloatArray:
        """One sentence's unit vector (all zeros when it has no known token)."""
        ids = self.tokenizer.encode(text)
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        vector = self.table[ids].sum(axis=0)
        norm = float(np.sqrt(vector @ vector))
        if norm > 0.0:
            vector /= norm
        return vector

    def word_vectors(self, words: Sequence[str]) -> FloatArray:
        """A (len(words), dim) array: each word's token vectors summed and L2-normalised; a
        zero row for a word the vocabulary does not know ([UNK]). For word-to-word cosines
        (the reranker's `soft_missing`): the SIF weight folded into a row cancels out."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        pieces = [self.tokenizer.word_ids(word) for word in words]
        # Token j of every word that has one, added in one gather per position: a search's few
        # hundred words are mostly one or two tokens long, and np.add.reduceat over rows or a
        # loop over words costs several times more. (A cache of word vectors did not pay: the
        # CLEF claims' vocabulary is larger than a cache a worker should hold.)
        sums: FloatArray = self.table[[ids[0] for ids in pieces]]
        longer = [row for row, ids in enumerate(pieces) if len(ids) > 1]
        position = 1
        while longer:
            sums[longer] += self.table[[pieces[row][position] for row in longer]]
            position += 1
            longer = [row for row in longer if len(pieces[row]) > position]
        norms = np.sqrt(np.einsum("ij,ij->i", sums, sums))
        sums /= np.where(norms > 0.0, norms, 1.0)[:, None]
        return sums

    def encode(self, texts: Iterable[str]) -> FloatArray:
        """A (len(texts), dim) float32 array of unit rows (zero rows for texts without tokens)."""
        rows = [self.encode_one(text) for text in texts]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack(rows)


_DEFAULT: OptionalArtifact[StaticEmbedder] = OptionalArtifact(
    env_var=PATH_ENV,
    default_path=DEFAULT_PATH,
    load=StaticEmbedder.load,
    off_message="claim retrieval uses BM25 only, stance counts exact word matches only",
    missing_message=(
        "static embedding unavailable ({error}): claim retrieval uses BM25 only, stance counts "
        "exact word matches only; "
        "run `manage.py build_embeddings` to create {path}"
    ),
)


def default_embedder() -> StaticEmbedder | None:
    """The packaged embedder, loaded once per process; None (and one log line) when the
    artifact is missing or unreadable, so retrieval falls back to BM25 alone."""
    return _DEFAULT.get()


class DenseMatrix:
    """Unit vectors of the indexed claims, one row each, updated in place.

    Rows live in a float32 array that doubles when full; a removed claim's row is zeroed and
    put on a free list for the next add, so updates never rebuild the matrix. A search is one
    matrix-vector product and an ``argpartition``.
    """

    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self.dim = dim
        self._matrix: FloatArray = np.zeros((capacity, dim), dtype=np.float32)
        self._ids = np.full(capacity, -1, dtype=np.int64)  # claim id per row, -1 when free
        self._row_of: dict[int, int] = {}
        self._free: list[int] = []
        self._used = 0  # rows below this have been handed out

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._row_of

    def add(self, claim_id: int, vector: FloatArray) -> None:
        row = self._row_of.get(claim_id)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                if self._used == len(self._ids):
                    self._grow()
                row = self._used
                self._used += 1
            self._row_of[claim_id] = row
            self._ids[row] = claim_id
        self._matrix[row] = vector

    def remove(self, claim_id: int) -> None:
        row = self._row_of.pop(claim_id, None)
        if row is None:
            return
        self._matrix[row] = 0.0
        self._ids[row] = -1
        self._free.append(row)

    def _grow(self) -> None:
        capacity = 2 * len(self._ids)
        matrix = np.zeros((capacity, self.dim), dtype=np.float32)
        matrix[: self._used] = self._matrix[: self._used]
        ids = np.full(capacity, -1, dtype=np.int64)
        ids[: self._used] = self._ids[: self._used]
        self._matrix, self._ids = matrix, ids

    def vector(self, claim_id: int) -> FloatArray:
        return self._matrix[self._row_of[claim_id]].copy()

    def top(self, query: FloatArray, k: int) -> dict[int, float]:
        """The ``k`` claims most similar to ``query`` (cosine, as both are unit vectors),
        as {claim_id: similarity} (order not significant)."""
        n = self._used
        if k <= 0 or not self._row_of:
            return {}
        sims = self._matrix[:n] @ query
        if self._free:
            sims[self._free] = -np.inf  # free rows are zero: keep them out
        k = min(k, len(self._row_of))
        rows = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        rows = rows[sims[rows] > -np.inf]
        return dict(zip(self._ids[rows].tolist(), sims[rows].tolist(), strict=True))

    def similarities(self, claim_ids: Sequence[int], query: FloatArray) -> dict[int, float]:
        if not claim_ids:
            return {}
        rows = [self._row_of[claim_id] for claim_id in claim_ids]
        return dict(zip(claim_ids, (self._matrix[rows] @ query).tolist(), strict=True))
