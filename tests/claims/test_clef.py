"""CLEF 2020 task 2 readers, tweet clean-up and metrics: pure Python."""

import pytest

from claims.engine.datasets import clef


def test_average_precision_at_5_known_answers():
    # One relevant claim: 1/rank when found in the first five, else 0.
    assert clef.average_precision(["a", "b", "c"], {"a"}, 5) == 1.0
    assert clef.average_precision(["x", "a", "c"], {"a"}, 5) == 0.5
    assert clef.average_precision(["x", "y", "z", "w", "a"], {"a"}, 5) == pytest.approx(0.2)
    assert clef.average_precision(["x", "y", "z", "w", "v", "a"], {"a"}, 5) == 0.0
    # Two relevant at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert clef.average_precision(["a", "x", "b"], {"a", "b"}, 5) == pytest.approx(5 / 6)
    # Two relevant, one beyond the cut-off: divided by both all the same.
    assert clef.average_precision(["x", "a", "y"], {"a", "b"}, 5) == pytest.approx(0.25)
    # A claim listed twice counts once.
    assert clef.average_precision(["a", "a"], {"a", "b"}, 5) == pytest.approx(0.5)
    assert clef.average_precision([], {"a"}, 5) == 0.0


def test_mean_average_precision_and_recall():
    qrels = {"1": {"a"}, "2": {"b"}, "3": {"c", "d"}}
    run = {"1": ["a", "x"], "2": ["x", "y", "b"], "3": ["d", "x", "x2", "x3", "x4", "c"]}
    # AP@5: 1, 1/3, (1/1)/2 -> mean 11/18
    assert clef.mean_average_precision(run, qrels, 5) == pytest.approx((1 + 1 / 3 + 0.5) / 3)
    assert clef.mean_average_precision(run, qrels, 1) == pytest.approx((1 + 0 + 0.5) / 3)
    # A judged query missing from the run scores 0.
    assert clef.mean_average_precision({"1": ["a"]}, qrels, 5) == pytest.approx(1 / 3)
    assert clef.recall_at(run, qrels, 20) == pytest.approx(1.0)
    assert clef.recall_at(run, qrels, 2) == pytest.approx((1 + 0 + 0.5) / 3)
    figures = clef.scores(run, qrels)
    assert set(figures) == {"MAP@1", "MAP@3", "MAP@5", "MAP@10", "R@20"}
    with pytest.raises(ValueError):
        clef.mean_average_precision(run, {}, 5)


@pytest.mark.parametrize(
    ("tweet", "expected"),
    [
        (
            "The US drone attack on #Soleimani caught on camera.#IranUsapic.twitter.com/TvRkHvlgby",
            "The US drone attack on Soleimani caught on camera. Iran Usa",
        ),
        ("Read this https://t.co/abc123 now", "Read this now"),
        ("see www.example.com/page and bit.ly/xyz", "see and"),
        ("#StopTheSteal rally", "Stop The Steal rally"),
        ("#COVID19 cases", "COVID 19 cases"),
        ("#NASA_Moon", "NASA Moon"),
        ("thanks @IlhanMN for this", "thanks for this"),
        ("mail me@example.com", "mail me@example.com"),  # not a mention
        ("  many   spaces\n", "many spaces"),
    ],
)
def test_normalize_tweet(tweet, expected):
    assert clef.normalize_tweet(tweet) == expected


def test_normalize_tweet_can_keep_mentions_as_words():
    text = "— Ilhan Omar (@IlhanMN) January 6, 2020"
    assert clef.normalize_tweet(text) == "— Ilhan Omar ( ) January 6, 2020"
    assert (
        clef.normalize_tweet(text, keep_mentions=True)
        == "— Ilhan Omar ( Ilhan MN ) January 6, 2020"
    )


def test_split_hashtag():
    assert clef.split_hashtag("IranUSA2020") == "Iran USA 2020"
    assert clef.split_hashtag("lowercase") == "lowercase"


KNOWN = {"fyre", "festival", "neon", "nettle", "commie", "traitor", "fit", "ton"}


def known(word):
    return word.casefold() in KNOWN


def test_normalize_tweet_cuts_glued_hashtags_and_handles_into_known_words():
    assert clef.normalize_tweet("Chaos at #fyrefestival", known=known) == "Chaos at fyre festival"
    # Capitalised first letter only: still one glued run.
    assert clef.normalize_tweet("#Fyrefestival", known=known) == "Fyre festival"
    # A handle glued to a hashtag, and hashtags glued to each other, all come apart.
    assert (
        clef.normalize_tweet("@NeonNettle#neonnettle", keep_mentions=True, known=known)
        == "Neon Nettle neon nettle"
    )
    assert clef.normalize_tweet("Sen #commie#traitor", known=known) == "Sen commie traitor"
    # Capitals already cut a name: "Fitton" is not cut again into known words.
    assert clef.normalize_tweet("@TomFitton", keep_mentions=True, known=known) == "Tom Fitton"
    # Without `known` a lower-case run stays whole.
    assert clef.normalize_tweet("#fyrefestival") == "fyrefestival"


def test_readers(tmp_path):
    claims = tmp_path / "claims.tsv"
    claims.write_text(
        '\tvclaim\ttitle\n0\t"A ""quoted"" claim"\tTitle one\n7\tSecond claim\tTitle two\n',
        encoding="utf-8",
    )
    read = clef.read_claims(claims)
    assert [c.id for c in read] == ["0", "7"]
    assert read[0].vclaim == 'A "quoted" claim'
    assert read[1].text == "Second claim Title two"

    queries = tmp_path / "q.tsv"
    queries.write_text("\ttweet_content\n1\tfirst tweet\n2\tsecond tweet\n", encoding="utf-8")
    assert clef.read_queries(queries) == [("1", "first tweet"), ("2", "second tweet")]

    qrels = tmp_path / "q.qrels"
    qrels.write_text("1\t0\t7\t1\n2\t0\t0\t1\n2\t0\t7\t0\n", encoding="utf-8")
    assert clef.read_qrels(qrels) == {"1": {"7"}, "2": {"0"}}


@pytest.mark.parametrize(
    ("content", "reader"),
    [
        ("", clef.read_claims),
        ("\tvclaim\n0\tonly two fields\n", clef.read_claims),
        ("\tvclaim\ttitle\n0\ta\tb\n0\tc\td\n", clef.read_claims),  # duplicate id
        ("\tvclaim\ttitle\n0\ta\n", clef.read_claims),  # short row
        ("\ttweet_content\n\tno id\n", clef.read_queries),
        ("1 0 7\n", clef.read_qrels),
        ("1 0 7 yes\n", clef.read_qrels),
    ],
)
def test_bad_files_raise_format_error(tmp_path, content, reader):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(clef.FormatError):
        reader(path)
