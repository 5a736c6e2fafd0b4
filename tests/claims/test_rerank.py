"""The learned reranker of claim retrieval: features, artifact, index integration."""

import math

import pytest

np = pytest.importorskip("numpy")

from claims.engine.retrieval import rerank  # noqa: E402
from claims.engine.retrieval.index import ClaimIndex  # noqa: E402
from claims.engine.retrieval.rerank import FEATURES, Reranker, name_terms  # noqa: E402
from claims.engine.runtime.trees import Trees  # noqa: E402
from claims.engine.text import tokenize  # noqa: E402
from tests.claims.test_matching import HashEmbedder  # noqa: E402

CLAIMS = {
    1: "Obama met Rouhani in Tehran in 2015",
    2: "Rouhani visited Paris",
    3: "Cats are great pets",
    4: "A photo shows 300 people at the rally",
}
COL = {name: i for i, name in enumerate(FEATURES)}


def one_tree(feature: str, threshold: float, low: float, high: float) -> Trees:
    """One stump: `low` when x[feature] <= threshold, else `high`."""
    return Trees(
        feature=np.array([[COL[feature], 0, 0]], dtype=np.int32),
        threshold=np.array([[threshold, 0.0, 0.0]]),
        left=np.array([[1, 1, 2]], dtype=np.int32),
        right=np.array([[2, 1, 2]], dtype=np.int32),
        value=np.array([[0.0, low, high]]),
        depth=1,
    )


def make_index(reranker=None, claims=CLAIMS) -> ClaimIndex:
    index = ClaimIndex(embedder=HashEmbedder(), reranker=reranker)
    for claim_id, text in claims.items():
        index.add(claim_id, text)
    return index


def test_name_terms_skip_sentence_openers_and_keep_handles_and_hashtags():
    names = name_terms("Photo shows Obama met Rouhani. The @WhiteHouse said #Tehran")
    assert names == {"obama", "rouhani", "whitehous", "tehran"}  # stemmed
    assert name_terms("nothing capitalised here") == frozenset()


def test_features_on_a_tiny_index():
    index = make_index(Reranker(one_tree("bm25", 0.0, 0.0, 0.0)))
    ids, x = index.rerank_features("Photo shows Obama met Rouhani in 2015")
    assert ids == sorted(ids) and 1 in ids and 2 in ids
    assert x.shape == (len(ids), len(FEATURES))
    row = dict(zip(FEATURES, x[ids.index(1)], strict=True))
    # the query's indexed terms: photo show (claim 4's) obama met rouhani 2015 (claim 1's)
    assert row["matched"] == 4
    n = len(CLAIMS)
    idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in index._df.items()}
    claim = ["obama", "met", "rouhani", "tehran", "2015"]
    matched = ["obama", "met", "rouhani", "2015"]
    query = ["photo", "show", *matched]
    assert row["coverage"] == pytest.approx(
        sum(idf[t] for t in matched) / sum(idf[t] for t in claim)
    )
    assert row["reverse_coverage"] == pytest.approx(
        sum(idf[t] for t in matched) / sum(idf[t] for t in query)
    )
    assert row["matched_idf"] == pytest.approx(sum(idf[t] for t in matched))
    assert row["max_missing_idf"] == pytest.approx(idf["tehran"])
    assert row["longest_ngram"] == 3  # "obama met rouhani"
    assert row["shared_bigrams"] == 2
    assert row["shared_numbers"] == 1 and row["missing_numbers"] == 0
    assert row["shared_names"] == 1  # Rouhani (Obama opens the claim: not counted there)
    assert row["claim_names"] == 2  # rouhani, tehran
    assert row["query_names_found"] == pytest.approx(1 / 2)  # obama, rouhani in the query
    assert row["claim_terms"] == 5
    assert row["query_terms"] == 6
    assert row["pool_size"] == len(ids)
    # Tehran is the claim's one missing word: its best cosine with a word of the sentence
    words = HashEmbedder().word_vectors(["tehran", "photo", "shows", "obama", "met", "rouhani"])
    assert row["soft_missing"] == pytest.approx(float((words[1:] @ words[0]).max()))
    # bm25 and cosine as the plain fused index reports them
    plain = {m.claim_id: m for m in make_index().search("Photo shows Obama met Rouhani in 2015")}
    for claim_id in ids:
        r = dict(zip(FEATURES, x[ids.index(claim_id)], strict=True))
        assert r["bm25"] == pytest.approx(plain[claim_id].bm25)
        assert r["cosine"] == pytest.approx(plain[claim_id].similarity)
        assert r["fused"] == pytest.approx(plain[claim_id].score)
    ranks = [int(r) for r in x[:, COL["bm25_rank"]]]
    assert sorted(ranks) == list(range(len(ids)))
    assert ranks[ids.index(1)] == 0
    row2 = dict(zip(FEATURES, x[ids.index(2)], strict=True))
    assert row2["longest_ngram"] == 1 and row2["shared_bigrams"] == 0
    claim2 = tokenize(CLAIMS[2])
    assert row2["coverage"] == pytest.approx(idf["rouhani"] / sum(idf[t] for t in claim2))


class ToyWords:
    """Word vectors by hand: the words in `axes` on two shared axes, any other word on an axis
    of its own (similar to itself only), "zzz" unknown (a zero row)."""

    def __init__(self, axes):
        self.axes = axes

    def __call__(self, words):
        out = np.zeros((len(words), 2 + len(words)), dtype=np.float32)
        for i, word in enumerate(words):
            if word in self.axes:
                out[i, :2] = self.axes[word]
            elif word != "zzz":
                out[i, 2 + i] = 1.0
        return out


# "wedding" and "engagement" at cosine 0.6
RINGS = ToyWords({"wedding": (1.0, 0.0), "engagement": (0.6, 0.8)})


def candidate(claim_id, text):
    return rerank.Candidate(claim_id, 1.0, 0.5, 0.5, tuple(sorted(set(tokenize(text)))),
                            rerank.claim_data(text))  # fmt: skip


def test_soft_missing_scores_how_the_sentence_paraphrases_the_claims_missing_words():
    query = rerank.claim_data("engagement rings of victims")
    idf = {"wed": 2.0, "ring": 1.0, "victim": 1.0, "holocaust": 3.0}.get
    pool = [
        candidate(1, "Wedding rings of victims"),  # wedding is missing: best match 0.6
        candidate(2, "Wedding rings of Holocaust victims"),  # holocaust too: 0 (nothing near)
        candidate(3, "rings of victims"),  # nothing missing
        candidate(4, "zzz"),  # no known word
    ]
    soft = rerank.soft_missing(query, pool, RINGS, lambda t: idf(t) or 0.0)
    assert soft[0] == pytest.approx(0.6)
    assert soft[1] == pytest.approx((0.6 * 2.0 + 0.0 * 3.0) / 5.0)
    assert soft[2] == 1.0
    assert soft[3] == 0.0
    unknown_query = rerank.claim_data("zzz")
    assert not rerank.soft_missing(unknown_query, pool, RINGS, lambda t: 1.0).any()


def test_reranker_loads_from_an_artifact_and_orders_as_its_trees_say(tmp_path):
    # Short claims (<= 4 terms) first: claim 2 (3 terms) beats claim 1 (5), the fused winner.
    path = tmp_path / "rerank.npz"
    Reranker(one_tree("claim_terms", 4.5, 2.0, -1.0), depth=10, meta={"note": "test"}).save(path)
    loaded = Reranker.load(path)
    assert loaded.depth == 10 and loaded.meta["note"] == "test"
    with np.load(path, allow_pickle=False) as data:
        assert "meta" in data.files
    index = make_index(loaded)
    assert index.rerank_enabled
    # min_coverage keeps the pool to the two claims sharing terms with the sentence
    matches = index.search("Obama met Rouhani in 2015", k=2, min_coverage=0.1)
    assert [m.claim_id for m in matches] == [2, 1]
    assert [m.score for m in matches] == [2.0, -1.0]
    plain = {m.claim_id: m for m in make_index().search("Obama met Rouhani in 2015")}
    for m in matches:  # everything but the score keeps its meaning
        assert m.coverage == pytest.approx(plain[m.claim_id].coverage)
        assert m.bm25 == pytest.approx(plain[m.claim_id].bm25)
        assert m.similarity == pytest.approx(plain[m.claim_id].similarity)
        assert m.matched_terms == plain[m.claim_id].matched_terms
    # the opposite tree, the opposite order
    index = make_index(Reranker(one_tree("claim_terms", 4.5, -1.0, 2.0)))
    found = index.search("Obama met Rouhani in 2015", k=2, min_coverage=0.1)
    assert [m.claim_id for m in found] == [1, 2]


def test_min_coverage_and_k_still_apply():
    index = make_index(Reranker(one_tree("claim_terms", 4.5, 2.0, -1.0)))
    assert len(index.search("Obama met Rouhani in 2015", k=1)) == 1
    for m in index.search("Obama met Rouhani in 2015", k=10, min_coverage=0.5):
        assert m.coverage >= 0.5
    assert index.search("", k=5) == []


def test_artifact_for_other_features_is_refused(tmp_path):
    path = tmp_path / "bad.npz"
    arrays = one_tree("bm25", 0.0, 0.0, 1.0).arrays()
    arrays["meta"] = np.frombuffer(b'{"features": ["x"], "depth": 5}', dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="other features"):
        Reranker.load(path)
    with pytest.raises(FileNotFoundError):
        Reranker.load(tmp_path / "absent.npz")


def test_add_and_remove_keep_per_claim_data_in_step():
    index = make_index(Reranker(one_tree("bm25", 0.0, 0.0, 0.0)))
    assert set(index._rerank_data) == set(CLAIMS)
    assert index._rerank_data[1].sequence == ("obama", "met", "rouhani", "tehran", "2015")
    index.remove(3)
    index.remove(3)  # twice is harmless
    assert set(index._rerank_data) == {1, 2, 4}
    index.add(2, "Macron visited Berlin")  # replaces
    assert index._rerank_data[2].sequence == ("macron", "visit", "berlin")
    assert index._rerank_data[2].names == {"berlin"}
    index.add(9, "New claim about Tehran")
    assert set(index._rerank_data) == set(index._docs) == {1, 2, 4, 9}
    for claim_id in list(index._docs):
        index.remove(claim_id)
    assert index._rerank_data == {} and len(index) == 0
    assert index.search("Tehran") == []


def test_index_without_reranker_is_unchanged():
    index = make_index()
    assert not index.rerank_enabled and index._rerank_data == {}
    matches = index.search("Obama met Rouhani in 2015", k=3)
    assert matches[0].claim_id == 1
    best = max(m.bm25 for m in matches)
    for m in matches:  # the fused score, as before
        expected = index.dense_weight * m.similarity + (1 - index.dense_weight) * m.bm25 / best
        assert m.score == pytest.approx(expected)
    with pytest.raises(ValueError):
        index.rerank_features("Obama")
    with pytest.raises(ValueError, match="embedder"):
        ClaimIndex(reranker=Reranker(one_tree("bm25", 0.0, 0.0, 0.0)))


def test_default_reranker_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(rerank, "_DEFAULT", rerank._DEFAULT.fresh())
    monkeypatch.setenv(rerank.PATH_ENV, "off")
    assert rerank.default_reranker() is None


def test_default_reranker_missing_artifact_falls_back(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(rerank, "_DEFAULT", rerank._DEFAULT.fresh())
    monkeypatch.setenv(rerank.PATH_ENV, str(tmp_path / "absent.npz"))
    assert rerank.default_reranker() is None
    assert "reranker unavailable" in caplog.text
