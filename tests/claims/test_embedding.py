"""The static sentence encoder: WordPiece tokenizer, artifact loading, encoding."""

import numpy as np
import pytest

from claims.engine.retrieval.embedding import (
    DEFAULT_PATH,
    DenseMatrix,
    StaticEmbedder,
    WordPiece,
    basic_words,
)

TOY_VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "un",
    "##aff",
    "##able",
    "the",
    ",",
    "!",
    "cafe",
    "北",
    "京",
]


def test_basic_words_follows_bert_uncased():
    assert basic_words("Hello, World!") == ["hello", ",", "world", "!"]
    assert basic_words("Café naïve") == ["cafe", "naive"]
    assert basic_words("out-of-state IDs") == ["out", "-", "of", "-", "state", "ids"]
    assert basic_words("北京 is\tbig\x00") == ["北", "京", "is", "big"]
    assert basic_words("\u2018quoted\u2019") == ["\u2018", "quoted", "\u2019"]
    assert basic_words("") == []


def test_wordpiece_longest_match_first():
    wp = WordPiece(TOY_VOCAB)
    assert wp.encode("unaffable") == [5, 6, 7]
    assert wp.encode("The, unaffable!") == [8, 9, 5, 6, 7, 10]
    assert wp.encode("zzz") == [1]  # no piece fits: unknown
    assert wp.encode("Café 北京") == [11, 12, 13]


def toy_table(seed: int) -> np.ndarray:
    """Random 8-dimension vectors, one row per TOY_VOCAB token."""
    return np.random.default_rng(seed).normal(size=(len(TOY_VOCAB), 8)).astype(np.float32)


def test_toy_embedder_encodes_unit_rows_and_ignores_special_tokens():
    vectors = toy_table(0)
    embedder = StaticEmbedder(TOY_VOCAB, vectors)
    out = embedder.encode(["unaffable", "the cafe", "zzz", ""])
    assert out.shape == (4, 8) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out[:2], axis=1), 1.0)
    assert not out[2].any() and not out[3].any()  # only [UNK] / nothing: a zero row
    assert np.array_equal(embedder.encode(["unaffable"]), embedder.encode(["unaffable"]))
    with pytest.raises(ValueError):
        StaticEmbedder(TOY_VOCAB, vectors[:3])


def test_word_vectors_sum_a_words_pieces_and_give_unknown_words_a_zero_row():
    vectors = toy_table(1)
    embedder = StaticEmbedder(TOY_VOCAB, vectors)
    out = embedder.word_vectors(["unaffable", "zzz", "cafe", "unaffable"])
    assert out.shape == (4, 8) and out.dtype == np.float32
    pieces = vectors[5] + vectors[6] + vectors[7]  # un ##aff ##able
    assert np.allclose(out[0], pieces / np.linalg.norm(pieces), atol=1e-6)
    assert not out[1].any()  # [UNK]: the special tokens' rows are zero
    assert np.allclose(out[2], vectors[11] / np.linalg.norm(vectors[11]), atol=1e-6)
    assert np.array_equal(out[0], out[3])
    assert embedder.word_vectors([]).shape == (0, 8)


def test_dense_matrix_add_remove_reuse_and_growth():
    matrix = DenseMatrix(2, capacity=2)
    for claim_id, vector in {1: [1, 0], 2: [0, 1], 3: [0.6, 0.8]}.items():
        matrix.add(claim_id, np.array(vector, dtype=np.float32))  # grows past capacity
    assert len(matrix) == 3
    query = np.array([1, 0], dtype=np.float32)
    assert matrix.top(query, 2) == pytest.approx({1: 1.0, 3: 0.6})
    matrix.remove(1)
    matrix.remove(1)  # absent: no-op
    assert 1 not in matrix and len(matrix) == 2
    assert set(matrix.top(query, 5)) == {2, 3}  # the freed row never comes back
    matrix.add(4, np.array([1, 0], dtype=np.float32))  # reuses the freed row
    assert matrix.top(query, 1) == pytest.approx({4: 1.0})
    matrix.add(4, np.array([0, 1], dtype=np.float32))  # replaced in place
    assert matrix.similarities([4, 3], query) == pytest.approx({4: 0.0, 3: 0.6})
    assert DenseMatrix(2).top(query, 3) == {}


@pytest.fixture(scope="module")
def embedder():
    if not DEFAULT_PATH.exists():
        pytest.skip(f"{DEFAULT_PATH} is absent: run `manage.py build_embeddings` to create it")
    return StaticEmbedder.load()


def test_artifact_encoder_is_deterministic_and_normalised(embedder):
    texts = ["Thirteen security officers were killed in Almaty.", "Lufthansa stops flights"]
    first = embedder.encode(texts)
    again = StaticEmbedder.load().encode(texts)
    assert np.array_equal(first, again)
    assert first.shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert embedder.meta["dim"] == embedder.dim


def test_similar_sentences_are_closer_than_unrelated_ones(embedder):
    a, b, c, d = embedder.encode(
        [
            "Police arrested dozens of protesters in the capital.",
            "Dozens of demonstrators were detained by officers in the capital city.",
            "The new vaccine reduced hospital admissions among the elderly.",
            "Hospitalisations of older people fell after the vaccine was introduced.",
        ]
    )
    assert a @ b > a @ c and a @ b > a @ d
    assert c @ d > c @ a and c @ d > c @ b


def test_word_vectors_put_related_words_closer(embedder):
    wedding, engagement, tank = embedder.word_vectors(["wedding", "engagement", "tank"])
    assert wedding @ engagement > wedding @ tank
    holocaust, wwii, recipe = embedder.word_vectors(["holocaust", "wwii", "recipe"])
    assert holocaust @ wwii > holocaust @ recipe
