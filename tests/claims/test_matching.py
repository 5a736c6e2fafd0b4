"""Terms (claims.engine.text) and the claim index: pure Python, no Django."""

import math
import random

import pytest

from claims.engine.retrieval.index import ClaimIndex, Match
from claims.engine.text import TOPIC_STOPWORDS, expand_hashtags, split_glued, stem, tokenize

DEMO_CLAIMS = {
    1: "Dozens of assailants were eliminated",
    2: "About 2,000 people were detained in Almaty",
    3: "Terrorist groups behind the unrest received extensive training abroad",
    4: "13 security officers killed",
    5: "Almaty's airport was overrun by anti-government protesters on Wednesday",
    6: "Lufthansa will offer no more regular flights to Almaty",
    7: "The Russian-led alliance will send peacekeeping troops to Kazakhstan",
    8: "Gunshots were heard as troops approached the crowd in the main square",
    9: "Terrorists commandeered five planes at Almaty airport",
    10: "About ten protesters were killed when security forces opened fire",
}


def demo_index() -> ClaimIndex:
    index = ClaimIndex()
    for claim_id, text in DEMO_CLAIMS.items():
        index.add(claim_id, text)
    return index


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("About 2,000 people were detained in Almaty", ["2000", "peopl", "detain", "almaty"]),
        ("Dozens of assailants were eliminated", ["dozen", "assailant", "eliminat"]),
        ("Thirteen officers died", ["13", "officer", "die"]),
        ("The government\u2019s countries", ["government", "country"]),
        ("1,234,567 and 3.5 in the 2000s", ["1234567", "3.5", "2000s"]),
        ("It was not there, and they did not", []),
        (
            "Алматы, ALMATY, \uff21\uff2c\uff2d\uff21\uff34\uff39",
            ["алматы", "almaty", "almaty"],
        ),  # full-width
        ("pro-government forces", ["pro", "government", "forc"]),
        ("didn't", []),
    ],
)
def test_tokenize(text, terms):
    assert tokenize(text) == terms


@pytest.mark.parametrize(
    ("words", "same"),
    [
        # Inflections of one word meet...
        (("eliminate", "eliminates", "eliminated", "eliminating"), True),
        (("train", "trains", "trained", "training"), True),
        (("kill", "kills", "killed", "killing"), True),
        (("stop", "stops", "stopped", "stopping"), True),
        (("country", "countries"), True),
        (("box", "boxes"), True),
        (("detain", "detained", "detains"), True),
        (("die", "died", "dies"), True),
        # ...but the rules stay conservative.
        (("news", "new"), False),
        (("status", "statu"), False),
        (("crisis", "crisi"), False),
        (("press", "pres"), False),
        (("need", "ne"), False),
        (("bring", "br"), False),
        (("red", "r"), False),
    ],
)
def test_stemming_is_conservative(words, same):
    stems = {stem(word) for word in words}
    assert (len(stems) == 1) is same, stems


@pytest.mark.parametrize("word", ["news", "status", "crisis", "press", "need", "bring", "red"])
def test_words_the_rules_must_not_touch(word):
    assert stem(word) == word


def test_add_replace_remove():
    index = ClaimIndex()
    assert len(index) == 0 and 7 not in index
    index.add(7, "Dozens of assailants were eliminated")
    assert len(index) == 1 and 7 in index and "7" not in index
    assert [m.claim_id for m in index.search("assailants eliminated")] == [7]

    index.add(7, "About 2,000 people were detained in Almaty")  # replaces the old text
    assert len(index) == 1
    assert index.search("assailants eliminated") == []
    assert [m.claim_id for m in index.search("2,000 detained")] == [7]

    index.remove(7)
    index.remove(7)  # absent: no-op
    index.remove(12345)
    assert len(index) == 0 and 7 not in index
    assert index.search("2,000 detained") == []

    index.add(7, "Dozens of assailants were eliminated")
    assert [m.claim_id for m in index.search("eliminated assailants")] == [7]


def test_a_noun_finds_the_claim_that_uses_its_verb():
    index = ClaimIndex()
    index.add(1, "Clara Voss has resigned as mayor of Lindhaven")
    index.add(2, "Lufthansa cancelled its flights to Almaty")
    index.add(3, "Police eliminated dozens of assailants")
    assert index.search("Voss denies her resignation")[0].claim_id == 1
    assert index.search("Voss denies her resignation")[0].matched_terms == ("resign", "voss")
    assert index.search("the cancellation of flights")[0].claim_id == 2
    assert index.search("the elimination of assailants")[0].claim_id == 3
    # The family goes when its last claim does.
    index.remove(1)
    assert index.search("resignation") == []


def test_a_word_a_claim_uses_as_it_is_is_not_widened_to_its_family():
    index = ClaimIndex()
    index.add(1, "The organ was sold at auction")
    index.add(2, "The organization was dissolved")
    # "organization" is indexed as it is, so it does not also reach "organ".
    assert [m.claim_id for m in index.search("organization")] == [2]


def test_claim_without_content_words_is_indexed_but_never_found():
    index = ClaimIndex()
    index.add(1, "It was what it was")
    assert 1 in index and len(index) == 1
    assert index.search("it was what it was") == []


@pytest.mark.parametrize(
    ("sentence", "claim_id"),
    [
        ("Police said dozens of assailants had been eliminated during the night.", 1),
        ("The Interior Ministry said about 2,000 people had been detained in Almaty.", 2),
        ("The president said terrorist groups had received training abroad.", 3),
        ("Thirteen security officers were killed, the ministry said.", 4),
        ("Protesters overran the airport in Almaty on Wednesday.", 5),
        ("Lufthansa said it would offer no more regular flights to Almaty.", 6),
        ("An alliance led by Russia said it would send peacekeeping troops.", 7),
        ("Witnesses heard gunshots as troops approached the crowd.", 8),
        ("Five planes were commandeered at the airport by terrorists.", 9),
        ("Security forces opened fire and about ten protesters were killed.", 10),
    ],
)
def test_a_paraphrase_ranks_its_claim_first(sentence, claim_id):
    matches = demo_index().search(sentence, k=5)
    assert matches[0].claim_id == claim_id, matches


def test_an_unrelated_sentence_about_the_same_city_covers_little():
    matches = demo_index().search("Almaty hosts a film festival this weekend")
    assert matches  # it shares "almaty"...
    assert all(m.coverage < 0.5 for m in matches)  # ...and little else
    assert demo_index().search("Almaty hosts a film festival this weekend", min_coverage=0.5) == []


def test_match_fields_explain_the_match():
    (match,) = demo_index().search("2,000 people were detained in Almaty", k=1)
    assert isinstance(match, Match)
    assert match.claim_id == 2
    assert match.coverage == pytest.approx(1.0)
    assert match.matched_terms == ("2000", "almaty", "detain", "peopl")  # sorted
    assert match.score > 0


@pytest.mark.parametrize(
    ("claims", "query", "claim_id", "coverage"),
    [
        # Equal document frequencies: every term carries the same IDF mass.
        ({1: "alpha beta", 2: "alpha gamma", 3: "beta gamma"}, "alpha", 1, 0.5),
        ({1: "alpha beta", 2: "alpha gamma", 3: "beta gamma"}, "alpha beta", 1, 1.0),
        ({1: "alpha beta gamma", 2: "alpha beta gamma"}, "beta", 1, 1 / 3),
        # Repeats in the claim or the query do not change the share.
        ({1: "alpha alpha beta", 2: "alpha gamma", 3: "beta gamma"}, "alpha alpha", 1, 0.5),
    ],
)
def test_coverage_is_the_share_of_idf_mass(claims, query, claim_id, coverage):
    index = ClaimIndex()
    for cid, text in claims.items():
        index.add(cid, text)
    match = next(m for m in index.search(query) if m.claim_id == claim_id)
    assert match.coverage == pytest.approx(coverage)


def test_the_rare_term_carries_most_of_the_coverage():
    index = ClaimIndex()
    index.add(1, "Curfew in Almaty")
    for cid in range(2, 12):
        index.add(cid, f"Almaty report number {cid}")
    rare = next(m for m in index.search("a curfew was imposed") if m.claim_id == 1)
    common = next(m for m in index.search("in Almaty today") if m.claim_id == 1)
    assert rare.coverage > 0.5 > common.coverage
    assert rare.coverage + common.coverage == pytest.approx(1.0)


def test_min_coverage_filters_before_ranking():
    index = ClaimIndex()
    index.add(1, "People detained")  # short, common words: a low score, but fully covered
    for cid in range(2, 40):
        index.add(cid, f"Curfew imposed in city {cid} after people detained overnight")
    sentence = "Curfew imposed overnight; people detained"
    top = index.search(sentence, k=5)
    assert 1 not in [m.claim_id for m in top]  # outscored by longer matches...
    covered = index.search(sentence, k=5, min_coverage=0.99)
    assert [m.claim_id for m in covered] == [1]  # ...but found when coverage is required


def test_k_and_empty_queries():
    index = demo_index()
    assert len(index.search("Almaty airport troops protesters killed", k=3)) == 3
    assert index.search("Almaty", k=0) == []
    assert index.search("") == []
    assert index.search("the of and") == []
    assert index.search("zzzz qqqq") == []
    assert ClaimIndex().search("Almaty") == []


def test_ties_break_by_claim_id_and_results_are_deterministic():
    index = ClaimIndex()
    index.add(30, "Gunshots heard in the main square")
    index.add(10, "In the main square gunshots were heard")  # same terms, other order
    index.add(20, "Heard: gunshots, main square")
    matches = index.search("gunshots in the square")
    assert [m.claim_id for m in matches] == [10, 20, 30]
    assert len({m.score for m in matches}) == 1
    assert index.search("gunshots in the square") == matches


def test_insertion_order_does_not_change_results():
    forward, backward = ClaimIndex(), ClaimIndex()
    items = list(DEMO_CLAIMS.items())
    for claim_id, text in items:
        forward.add(claim_id, text)
    for claim_id, text in reversed(items):
        backward.add(claim_id, text)
    sentence = "Security forces killed protesters near the airport in Almaty"
    assert forward.search(sentence) == backward.search(sentence)


def _reference(index_items, sentence, k, min_coverage, k1=1.2, b=0.75):
    """Every claim scored the plain way: what the pruned search must reproduce."""
    docs = {cid: tokenize(text) for cid, text in index_items.items()}
    n = len(docs)
    avgdl = sum(len(terms) for terms in docs.values()) / n
    df: dict[str, int] = {}
    for terms in docs.values():
        for term in set(terms):
            df[term] = df.get(term, 0) + 1
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    query = set(tokenize(sentence))
    scored = []
    for cid, terms in docs.items():
        shared = query & set(terms)
        if not shared:
            continue
        score = sum(
            idf[t]
            * terms.count(t)
            * (k1 + 1)
            / (terms.count(t) + k1 * (1 - b + b * len(terms) / avgdl))
            for t in sorted(shared)
        )
        coverage = sum(idf[t] for t in shared) / sum(idf[t] for t in set(terms))
        if coverage >= min_coverage:
            scored.append((score, cid, coverage))
    # Equal up to rounding is equal: the index breaks such ties by id too.
    scored.sort(key=lambda item: (-round(item[0], 9), item[1]))
    return scored[:k]


@pytest.mark.parametrize(
    ("seed", "k", "min_coverage"),
    [(1, 1, 0.0), (2, 5, 0.0), (3, 20, 0.0), (4, 100, 0.0), (5, 10, 0.3), (6, 20, 0.6)],
)
def test_pruned_search_equals_scoring_every_claim(seed, k, min_coverage):
    rng = random.Random(seed)
    vocab = [f"w{i}x" for i in range(300)]
    weights = [1 / rank for rank in range(1, len(vocab) + 1)]  # Zipf-like
    claims = {}
    index = ClaimIndex()
    for cid in range(1500):
        claims[cid] = " ".join(rng.choices(vocab, weights, k=rng.randint(1, 14)))
        index.add(cid, claims[cid])
    for cid in rng.sample(range(1500), 300):  # some churn: replaced or removed
        if rng.random() < 0.5:
            del claims[cid]
            index.remove(cid)
        else:
            claims[cid] = " ".join(rng.choices(vocab, weights, k=rng.randint(1, 14)))
            index.add(cid, claims[cid])
    for _ in range(15):
        sentence = " ".join(rng.choices(vocab, weights, k=rng.randint(1, 40)))
        got = index.search(sentence, k=k, min_coverage=min_coverage)
        expected = _reference(claims, sentence, k, min_coverage)
        assert [m.claim_id for m in got] == [cid for _, cid, _ in expected]
        for match, (score, _, coverage) in zip(got, expected, strict=True):
            assert match.score == pytest.approx(score, rel=1e-9)
            assert match.coverage == pytest.approx(coverage, rel=1e-9)


def test_invalid_parameters():
    with pytest.raises(ValueError):
        ClaimIndex(k1=-1)
    with pytest.raises(ValueError):
        ClaimIndex(b=1.5)


# --- BM25 fused with a sentence embedding ----------------------------------------------------


class HashEmbedder:
    """A stand-in for the static embedder: hashed bag of lower-cased words, unit length."""

    dim = 64

    def encode_one(self, text):
        import zlib

        import numpy as np

        vector = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            vector[zlib.crc32(word.strip(".,").encode()) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def word_vectors(self, words):
        """One hashed unit axis a word: a word is similar to itself only."""
        import numpy as np

        return np.vstack([self.encode_one(word) for word in words]) if words else np.zeros((0, 64))


def hybrid_index(claims=DEMO_CLAIMS, **kwargs) -> ClaimIndex:
    pytest.importorskip("numpy")
    index = ClaimIndex(embedder=HashEmbedder(), **kwargs)
    for claim_id, text in claims.items():
        index.add(claim_id, text)
    return index


def test_hybrid_matches_carry_bm25_coverage_and_similarity():
    index, plain = hybrid_index(), demo_index()
    assert index.dense_enabled and not plain.dense_enabled
    sentence = "2,000 people were detained in Almaty"
    (fused, *_) = index.search(sentence, k=3)
    (bm25, *_) = plain.search(sentence, k=3)
    assert fused.claim_id == bm25.claim_id == 2
    # coverage and matched terms mean what they meant: the pipeline thresholds on coverage
    assert fused.coverage == bm25.coverage == pytest.approx(1.0)
    assert fused.matched_terms == bm25.matched_terms
    assert fused.bm25 == pytest.approx(bm25.score) and bm25.bm25 == bm25.score
    assert fused.similarity is not None and 0.0 < fused.similarity <= 1.0 + 1e-6
    assert bm25.similarity is None
    # score = dense_weight * cosine + (1 - dense_weight) * bm25 / best bm25 (this one is best)
    w = index.dense_weight
    assert fused.score == pytest.approx(w * fused.similarity + (1 - w))


def test_hybrid_results_are_sorted_and_respect_min_coverage():
    index = hybrid_index()
    sentence = "Almaty hosts a film festival this weekend"
    matches = index.search(sentence, k=10)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert index.search(sentence, min_coverage=0.5) == []
    for m in index.search("troops killed protesters at the airport", k=10, min_coverage=0.2):
        assert m.coverage >= 0.2


def test_hybrid_finds_a_claim_sharing_no_term_only_without_min_coverage():
    index = hybrid_index({1: "It was what it was", 2: "Delta epsilon"})
    # Only stopwords: nothing for BM25, but the embedding sees the words.
    (first, *_) = index.search("it was", k=5)
    assert (first.claim_id, first.bm25, first.coverage, first.matched_terms) == (1, 0.0, 0.0, ())
    assert first.similarity and first.similarity > 0.5
    assert index.search("it was", k=5, min_coverage=0.15) == []
    assert index.search("", k=5) == []


def test_dense_weight_zero_ranks_like_bm25():
    index, plain = hybrid_index(dense_weight=0.0), demo_index()
    sentence = "Security forces killed protesters near the airport in Almaty"
    assert [m.claim_id for m in index.search(sentence, k=5)] == [
        m.claim_id for m in plain.search(sentence, k=5)
    ]


def test_hybrid_add_remove_keep_sparse_and_dense_parts_in_step():
    rng = random.Random(7)
    words = [f"w{i}x" for i in range(60)]
    claims = {cid: " ".join(rng.choices(words, k=rng.randint(2, 8))) for cid in range(300)}
    index = hybrid_index(claims, fusion_depth=20)
    removed = set()
    for cid in rng.sample(range(300), 120):
        if rng.random() < 0.5:
            index.remove(cid)
            removed.add(cid)
        else:
            claims[cid] = " ".join(rng.choices(words, k=rng.randint(2, 8)))
            index.add(cid, claims[cid])
    live = {cid: text for cid, text in claims.items() if cid not in removed}
    assert len(index) == len(index._dense) == len(live)
    fresh = hybrid_index(live, fusion_depth=20)
    for _ in range(20):
        sentence = " ".join(rng.choices(words, k=rng.randint(1, 10)))
        got = index.search(sentence, k=10)
        assert not {m.claim_id for m in got} & removed
        expected = fresh.search(sentence, k=10)
        assert [m.claim_id for m in got] == [m.claim_id for m in expected]
        for a, b in zip(got, expected, strict=True):
            assert a.score == pytest.approx(b.score)
            assert a.similarity == pytest.approx(b.similarity, abs=1e-6)
            assert a.coverage == pytest.approx(b.coverage)
    # a removed claim is never returned, even by the embedding alone
    index.remove(0)
    assert all(m.claim_id != 0 for m in index.search(claims[0], k=300))


def test_invalid_fusion_parameters():
    with pytest.raises(ValueError):
        ClaimIndex(dense_weight=1.5)
    with pytest.raises(ValueError):
        ClaimIndex(fusion_depth=0)


# --- glued hashtags ---------------------------------------------------------------------------

GLUE_VOCABULARY = {"fyre", "festival", "corn", "flakes", "flak", "martelli", "stop", "steal"}


def glue_known(word):
    return word in GLUE_VOCABULARY or word in TOPIC_STOPWORDS


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("fyrefestival", ["fyre", "festival"]),
        # Longest pieces among cuts into equally few: not "corn flak es" (and "es" is too short).
        ("cornflakes", ["corn", "flakes"]),
        # Stopwords of three letters or more are pieces too.
        ("stopthesteal", ["stop", "the", "steal"]),
        # A misspelled name: its known half (six letters or more) and the rest.
        ("krystinamartelli", ["krystina", "martelli"]),
        # Nothing to cut: a known word, too short, no known half, known half too short.
        ("festival", None),
        ("stopit", None),
        ("qwertyuiop", None),
        ("qwertystop", None),
    ],
)
def test_split_glued(word, pieces):
    assert split_glued(word, glue_known) == pieces


def test_index_knows_its_terms_and_the_stopwords():
    index = ClaimIndex()
    index.add(1, "Fyre Festival attendees stranded")
    assert index.knows("fyre") and index.knows("Festival") and index.knows("strand")
    assert index.knows("the")  # a stopword: a piece "stopthesteal" may be cut into
    assert not index.knows("bahamas")
    index.remove(1)
    assert not index.knows("fyre")


def test_expand_hashtags():
    assert expand_hashtags("Chaos at #fyrefestival!", glue_known) == "Chaos at  fyre festival !"
    assert expand_hashtags("#StopTheSteal#cornflakes") == " Stop The Steal cornflakes "
    assert expand_hashtags("C# and a#b are not hashtags") == "C# and a#b are not hashtags"


@pytest.mark.parametrize("embedded", [False, True])
def test_search_cuts_a_glued_hashtag_into_the_index_words(embedded):
    index = ClaimIndex(embedder=HashEmbedder()) if embedded else ClaimIndex()
    index.add(1, "The Fyre Festival left attendees stranded in the Bahamas")
    index.add(2, "A festival in Leeds was cancelled")
    best = index.search("Total chaos at #fyrefestival tonight", k=1)[0]
    assert best.claim_id == 1
    assert best.matched_terms == ("festival", "fyr")  # stems
