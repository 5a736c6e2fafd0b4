"""`manage.py evaluate_tracking`: the Emergent reader and scores (pure), the command on tiny
files through the real pipeline in a rolled-back transaction, and the real data set."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.engine.datasets import emergent
from claims.engine.datasets.emergent import ArticleOutcome, FormatError, Row
from claims.engine.reliability import TrackRecord, grade_of, wilson_interval
from claims.models import Claim, Evidence, StatusChange
from claims.services.claims import claim_create
from sources.models import Report, Source
from tests.conftest import shared_path

HEADER = [
    "claimHeadline",
    "articleHeadline",
    "articleHeadlineStance",
    "articleId",
    "claimId",
    "url",
    "source",
    "claimTruth",
]


def _row(
    claim: str,
    article: str,
    article_id: str,
    *,
    stance: str | None = "for",
    truth: str | None = "true",
    url: str = "",
    source: str = "example.com",
    claim_headline: str | None = None,
) -> Row:
    return Row(
        claim_id=claim,
        claim_headline=claim_headline or f"headline of {claim}",
        article_id=article_id,
        article_headline=article,
        url=url,
        source=source,
        stance=stance,
        truth=truth,
    )


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- pure: reading ---------------------------------------------------------------------------


def test_reads_rows_with_and_without_gold_columns(tmp_path):
    full = _write(
        tmp_path / "full.csv",
        ["", *HEADER],  # the shared files start with an unnamed index column
        [["0", "C one", "A one", "For", "a1", "c1", "http://x.com/1", "x.com", "FALSE"]],
    )
    [row] = emergent.read_rows(full)
    assert (row.claim_id, row.article_id, row.stance, row.truth) == ("c1", "a1", "for", "false")
    assert emergent.has_stances([row]) and emergent.has_truths([row])

    bare_header = [h for h in HEADER if h not in ("articleHeadlineStance", "claimTruth")]
    bare = _write(tmp_path / "bare.csv", bare_header, [["C one", "A one", "a1", "c1", "", "x.com"]])
    [row] = emergent.read_rows(bare)
    assert row.stance is None and row.truth is None and row.url == ""
    assert not emergent.has_stances([row]) and not emergent.has_truths([row])


@pytest.mark.parametrize(
    ("columns", "values", "message"),
    [
        (
            ["claimHeadline", "articleHeadline", "claimId"],
            ["c", "a", "1"],
            "missing column(s) articleId, url, source",
        ),
        (
            HEADER,
            ["c", "a", "maybe", "a1", "c1", "", "x.com", "true"],
            "articleHeadlineStance 'maybe'",
        ),
        (HEADER, ["c", "a", "for", "a1", "c1", "", "x.com", "probably"], "claimTruth 'probably'"),
        (
            HEADER,
            ["c", "", "for", "a1", "c1", "", "x.com", "true"],
            "line 2: empty articleHeadline",
        ),
    ],
)
def test_a_bad_file_is_a_format_error_naming_the_file(tmp_path, columns, values, message):
    path = _write(tmp_path / "bad.csv", columns, [values])
    with pytest.raises(FormatError) as caught:
        emergent.read_rows(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_clashing_rows_are_format_errors(tmp_path):
    twice = _write(
        tmp_path / "twice.csv",
        HEADER,
        [
            ["c", "a", "for", "a1", "c1", "", "x.com", "true"],
            ["c", "b", "for", "a1", "c1", "", "x.com", "true"],
        ],
    )
    with pytest.raises(FormatError, match="filed under claim c1 twice"):
        emergent.read_rows(twice)
    truths = _write(
        tmp_path / "truths.csv",
        HEADER,
        [
            ["c", "a", "for", "a1", "c1", "", "x.com", "true"],
            ["c", "b", "for", "a2", "c1", "", "x.com", "false"],
        ],
    )
    with pytest.raises(FormatError, match="claim c1 has two truths"):
        emergent.read_rows(truths)


def test_folds_are_the_claim_ids_of_the_fold_files(tmp_path):
    for n in emergent.FOLDS:
        _write(
            tmp_path / f"train-fold-{n}.csv",
            ["", "claimHeadline", "claimId"],
            [["0", "x", f"t{n}"], ["1", "x", f"t{n}"], ["2", "y", "shared"]],
        )
        _write(tmp_path / f"validation-fold-{n}.csv", ["claimId"], [[f"v{n}"]])
    folds = emergent.read_folds(tmp_path)
    assert [f.number for f in folds] == list(range(1, 11))
    assert folds[2].train == {"t3", "shared"} and folds[2].validation == {"v3"}

    (tmp_path / "validation-fold-7.csv").unlink()
    with pytest.raises(FormatError, match=r"validation-fold-7\.csv"):
        emergent.read_folds(tmp_path)


# --- pure: scoring ---------------------------------------------------------------------------


def test_scores_links_stances_strays_and_statuses():
    rows = [
        _row("t", "t says yes", "1", stance="for", truth="true"),
        _row("t", "t maybe", "2", stance="observing", truth="true"),
        _row("f", "f says yes", "3", stance="for", truth="false"),
        _row("f", "f says no", "4", stance="against", truth="false"),
        _row("u", "u maybe", "5", stance="observing", truth="unknown"),
        _row("u2", "u2 maybe", "6", stance="observing", truth="unknown"),
    ]
    outcomes = {
        ("1", "t"): ArticleOutcome("supports"),
        ("2", "t"): ArticleOutcome("supports", frozenset({"f"})),  # wrong stance, one stray
        ("3", "f"): ArticleOutcome("supports", frozenset({"t", "u"})),  # two strays
        # ("4", "f") not linked at all
        ("5", "u"): ArticleOutcome("discusses"),
        ("6", "u2"): ArticleOutcome(None, frozenset({"u"})),
    }
    statuses = {"t": "corroborated", "f": "corroborated", "u": "disputed"}  # u2: unverified
    s = emergent.score(rows, outcomes, statuses)
    assert (s.articles, s.linked, s.claims) == (6, 4, 4)
    assert s.link_recall == pytest.approx(4 / 6)
    assert s.stance_correct == 3  # 1, 3 and 5; 2 is wrong, 4 and 6 unlinked
    assert s.stance_accuracy == pytest.approx(3 / 6)
    assert s.stance_confusion[("contradicts", "unlinked")] == 1
    assert (s.stray_links, s.articles_with_stray) == (4, 3)
    assert s.stray_share == pytest.approx(4 / 6)
    assert s.status_correct == 3  # t, u (disputed), u2 (unverified); f is wrong
    assert s.always_unverified_accuracy == pytest.approx(2 / 4)
    assert s.table[("false", "corroborated")] == 1
    assert (s.false_claims, s.false_corroborated, s.false_corroborated_share) == (1, 1, 1.0)
    # truth read from status: t->true, f->true, u->unknown, u2->unknown
    # true: gold 1, predicted 2, right 1 -> 2/3; false: gold 1, predicted 0 -> 0;
    # unknown: gold 2, predicted 2, right 2 -> 1
    assert s.f1 == pytest.approx({"true": 2 / 3, "false": 0.0, "unknown": 1.0})
    assert s.macro_f1 == pytest.approx((2 / 3 + 0 + 1) / 3)

    text = emergent.format_scores(s)
    for label in (
        "link recall",
        "stray links",
        "stance accuracy (all)",
        "status accuracy",
        "macro-F1",
        "false rumours corroborated",
        "truth x final status",
    ):
        assert label in text


def test_an_article_filed_under_two_claims_is_not_a_stray_link_to_either():
    rows = [
        _row("a", "Shared story", "1", url="http://x.com/s"),
        _row("b", "Shared story", "2", url="http://x.com/s"),
        _row("c", "Same words, another outlet", "3"),
        _row("d", "same  words, ANOTHER outlet", "4"),
    ]
    outcomes = {
        ("1", "a"): ArticleOutcome("supports", frozenset({"b"})),
        ("2", "b"): ArticleOutcome("supports", frozenset({"a", "c"})),  # c is a stray
        ("3", "c"): ArticleOutcome("supports", frozenset({"d"})),
        ("4", "d"): ArticleOutcome("supports", frozenset({"c"})),
    }
    s = emergent.score(rows, outcomes, {})
    assert (s.stray_links, s.articles_with_stray) == (1, 1)


def test_without_gold_columns_only_links_are_scored():
    rows = [_row("a", "x", "1", stance=None, truth=None)]
    s = emergent.score(rows, {("1", "a"): ArticleOutcome("supports")}, {"a": "corroborated"})
    assert s.link_recall == 1.0
    assert s.stance_accuracy is None and s.status_accuracy is None and s.macro_f1 is None
    assert "status accuracy" not in emergent.format_scores(s)


def test_pooled_and_mean_scores():
    one = emergent.score(
        [_row("a", "x", "1", truth="true")],
        {("1", "a"): ArticleOutcome("supports")},
        {"a": "corroborated"},
    )
    two = emergent.score([_row("b", "y", "2", truth="false")], {}, {})
    means = emergent.mean_scores([one, two])
    assert means["link_recall"] == pytest.approx(0.5)
    assert means["status_accuracy"] == pytest.approx(0.5)
    both = emergent.pooled([one, two])
    assert (both.articles, both.linked, both.claims, both.status_correct) == (2, 1, 2, 1)
    assert both.table == {("true", "corroborated"): 1, ("false", "unverified"): 1}


def test_outlet_records_and_grades():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(1, 1)
    assert low == pytest.approx(0.2065, abs=1e-3) and high == 1.0
    rows = [
        *[
            _row(f"t{i}", "h", f"a{i}", stance="for", truth="true", source="good.com")
            for i in range(5)
        ],
        _row("f1", "h", "b1", stance="for", truth="false", source="bad.com"),
        _row("t9", "h", "b2", stance="against", truth="true", source="bad.com"),
        _row("f2", "h", "c1", stance="against", truth="false", source="once.com"),
        # not judged: observing, or an unknown verdict
        _row("f3", "h", "d1", stance="observing", truth="false", source="hedger.com"),
        _row("u1", "h", "d2", stance="for", truth="unknown", source="hedger.com"),
    ]
    records = emergent.learn_outlet_records(rows)
    assert set(records) == {"good.com", "bad.com", "once.com"}
    assert (records["good.com"].agreed, records["good.com"].grade) == (5, "C")
    assert grade_of(wilson_interval(8, 8)[0]) == "B"
    assert grade_of(wilson_interval(16, 16)[0]) == "A"
    assert (records["bad.com"].disagreed, records["bad.com"].grade) == (2, "E")
    assert records["once.com"].grade == "D"


def test_a_track_record_suggests_a_grade_only_once_something_was_judged():
    assert TrackRecord(0, 0).suggested_grade is None
    assert TrackRecord(1, 0).suggested_grade == "D"
    assert TrackRecord(5, 0).suggested_grade == "C"
    assert TrackRecord(8, 0).suggested_grade == "B"
    assert TrackRecord(16, 0).suggested_grade == "A"
    assert TrackRecord(1, 1).suggested_grade == "E"


# --- the command -----------------------------------------------------------------------------

# Two rumours and their headlines; the first headline of each restates its claim word for word.
TINY = [
    # claimHeadline, articleHeadline, stance, articleId, claimId, url, source, truth
    [
        "Banksy was arrested by police in London",
        "Banksy was arrested by police in London",
        "for",
        "a1",
        "c1",
        "http://rumours.example/banksy",
        "rumours.example",
        "false",
    ],
    [
        "Banksy was arrested by police in London",
        "Police deny that the street artist Banksy was arrested in London",
        "against",
        "a2",
        "c1",
        "http://wire.example/banksy-denial",
        "wire.example",
        "false",
    ],
    [
        "Banksy was arrested by police in London",
        "Weather forecast: sunny spells across Scotland",
        "observing",
        "a3",
        "c1",
        "http://weather.example/today",
        "weather.example",
        "false",
    ],
    [
        "Apple will sell a gold watch for ten thousand dollars",
        "Apple will sell a gold watch for ten thousand dollars",
        "for",
        "a4",
        "c2",
        "http://gadgets.example/watch",
        "gadgets.example",
        "true",
    ],
]


def _tiny(tmp_path: Path, *, gold: bool = True) -> Path:
    if gold:
        return _write(tmp_path / "tiny.csv", HEADER, TINY)
    keep = [i for i, h in enumerate(HEADER) if h not in ("articleHeadlineStance", "claimTruth")]
    return _write(
        tmp_path / "tiny.csv",
        [HEADER[i] for i in keep],
        [[row[i] for i in keep] for row in TINY],
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate_tracking", *args, stdout=out)
    return out.getvalue()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_command_scores_a_tiny_file_and_writes_its_files(tmp_path):
    output = _run("--csv", str(_tiny(tmp_path)), "--out", str(tmp_path / "out"))
    for label in (
        "link recall",
        "stray links",
        "stance accuracy (all)",
        "status accuracy",
        "macro-F1",
        "false rumours corroborated",
        "truth x final status",
        "run time",
    ):
        assert label in output

    claims = _read_csv(tmp_path / "out" / "claims.csv")
    assert [c["claimId"] for c in claims] == ["c1", "c2"]
    assert all(c["status"] in emergent.STATUSES and 1 <= int(c["credibility"]) <= 6 for c in claims)
    articles = _read_csv(tmp_path / "out" / "articles.csv")
    assert [(a["articleId"], a["claimId"]) for a in articles] == [
        ("a1", "c1"),
        ("a2", "c1"),
        ("a3", "c1"),
        ("a4", "c2"),
    ]
    by_id = {a["articleId"]: a for a in articles}
    # A word-for-word restatement is linked to its claim; the weather is linked to nothing.
    assert by_id["a1"]["stance"] in ("supports", "contradicts", "discusses")
    assert by_id["a4"]["stance"] in ("supports", "contradicts", "discusses")
    assert by_id["a3"]["stance"] == ""
    assert all(a["other_claims"].isdigit() for a in articles)


@pytest.mark.django_db
def test_without_gold_columns_it_runs_writes_the_files_and_scores_nothing_gold(tmp_path):
    output = _run("--csv", str(_tiny(tmp_path, gold=False)), "--out", str(tmp_path / "out"))
    assert "status accuracy" not in output and "stance accuracy" not in output
    assert "no claimTruth column" in output and "no articleHeadlineStance column" in output
    assert len(_read_csv(tmp_path / "out" / "claims.csv")) == 2
    assert len(_read_csv(tmp_path / "out" / "articles.csv")) == 4


@pytest.mark.django_db
def test_the_run_leaves_nothing_and_ignores_claims_already_there(tmp_path):
    before = claim_create(text="Banksy was arrested by police in London")
    Source.objects.create(name="rumours.example", grade="E")
    counts = (Claim.objects.count(), Report.objects.count(), Evidence.objects.count())
    output = _run("--csv", str(_tiny(tmp_path)), "--out", str(tmp_path / "out"))
    assert "1 claims already in the database were kept out of the index" in output
    assert (Claim.objects.count(), Report.objects.count(), Evidence.objects.count()) == counts
    assert not StatusChange.objects.exists()
    assert Source.objects.get(name="rumours.example").grade == "E"  # graded C for the run only
    assert not Source.objects.filter(name="wire.example").exists()
    assert not Evidence.objects.filter(claim=before).exists()
    articles = {a["articleId"]: a for a in _read_csv(tmp_path / "out" / "articles.csv")}
    assert articles["a1"]["stance"] != ""
    assert articles["a1"]["other_claims"] == "0"  # not linked to the claim already there


@pytest.mark.django_db
def test_debug_lists_unlinked_articles_and_wrong_statuses(tmp_path):
    output = _run("--csv", str(_tiny(tmp_path)), "--debug")
    assert "== Articles not linked to their own claim" in output
    assert "Weather forecast: sunny spells across Scotland" in output
    assert "own coverage" in output
    assert "== Links to a claim the article is not about" in output
    assert "== Claims whose final status is wrong" in output


@pytest.mark.django_db
def test_folds_score_each_validation_fold_and_learn_grades_from_its_training_claims(tmp_path):
    tiny = _tiny(tmp_path)
    folds = tmp_path / "folds"
    folds.mkdir()
    for n in emergent.FOLDS:
        validation, train = (["c1"], ["c2"]) if n % 2 else (["c2"], ["c1"])
        _write(folds / f"validation-fold-{n}.csv", ["claimId"], [[c] for c in validation])
        _write(folds / f"train-fold-{n}.csv", ["claimId"], [[c] for c in train])
    output = _run(
        "--csv",
        str(tiny),
        "--folds",
        str(folds),
        "--learn-grades-from",
        str(tiny),
        "--out",
        str(tmp_path / "out"),
    )
    assert "learned grades (fold 1) for 1 outlets: D 1" in output  # gadgets.example, 1 of 1
    assert "learned grades (fold 2) for 2 outlets: D 1, E 1" in output
    table = output.split("fold  claims")[1].split("pooled over the validation folds:")[0]
    assert [line.split()[0] for line in table.strip().splitlines()[1:]] == [
        *[str(n) for n in emergent.FOLDS],
        "mean",
    ]
    assert "truth x final status" in output.split("pooled over the validation folds:")[1]
    assert len(_read_csv(tmp_path / "out" / "claims.csv")) == 10  # one claim per fold


@pytest.mark.django_db
def test_a_file_missing_a_column_is_a_command_error_naming_it(tmp_path):
    path = _write(
        tmp_path / "bad.csv",
        [h for h in HEADER if h != "source"],
        [[v for h, v in zip(HEADER, TINY[0], strict=True) if h != "source"]],
    )
    with pytest.raises(CommandError, match=r"missing column\(s\) source"):
        _run("--csv", str(path))
    with pytest.raises(CommandError, match="no such file"):
        _run("--csv", str(tmp_path / "absent.csv"))


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_emergent_file_runs_end_to_end(tmp_path):
    path = shared_path("datasets", "emergent", "train-with-truth.csv")
    output = _run("--csv", str(path), "--out", str(tmp_path / "out"))
    assert "2071 articles on 240 claims" in output
    for label in (
        "link recall",
        "stray links",
        "stance accuracy (all)",
        "status accuracy",
        "macro-F1",
        "false rumours corroborated",
        "truth x final status",
    ):
        assert label in output
    assert len(_read_csv(tmp_path / "out" / "claims.csv")) == 240
    assert len(_read_csv(tmp_path / "out" / "articles.csv")) == 2071
