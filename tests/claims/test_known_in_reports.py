"""Known fact-checks found in reports: the worker stores, per report, the known fact-checks its
check-worthy sentences repeat (one row per fact-check, replaced on reprocessing, none for a
report about nothing known, a failure logged without failing the report); the report page, its
polled fragment and the API show them; on the claim page nothing changes."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import IntegrityError
from django.urls import reverse

import claims.pipeline.linking
from claims.models import Evidence, KnownFactCheck, ReportKnownFactCheck
from claims.pipeline.known_in_reports import accepted
from claims.pipeline.linking import report_link
from claims.services.known_fact_checks import known_fact_checks_import_file
from claims.services.reports import report_receive
from sources.models import Report
from tests.factories import make_claim, token_client

pytestmark = pytest.mark.django_db

FEED = {
    "@context": "https://schema.org",
    "@type": "DataFeed",
    "dataFeedElement": [
        {
            "@type": "DataFeedItem",
            "item": [
                {
                    "@type": "ClaimReview",
                    "url": url,
                    "claimReviewed": claim,
                    "datePublished": "2024-03-05",
                    "inLanguage": "en",
                    "author": {"@type": "Organization", "name": "Full Fact"},
                    "reviewRating": {"@type": "Rating", "alternateName": rating},
                }
            ],
        }
        for url, claim, rating in (
            ("https://fullfact.org/bleach", "Drinking bleach cures the coronavirus.", "False"),
            ("https://fullfact.org/5g", "5G masts spread COVID-19.", "False"),
            (
                "https://fullfact.org/nhs",
                "The NHS has 50,000 more nurses than in 2019.",
                "Misleading",
            ),
        )
    ],
}

ABOUT_BLEACH = (
    "Health officials warned on Tuesday against a video shared widely online.\n\n"
    "In the video, a self-styled wellness coach says that drinking bleach cures the "
    "coronavirus.\n\n"
    "Doctors said 40 people had been treated for poisoning, according to the health ministry."
)
UNRELATED = (
    "The mayor opened a new bridge over the river on Monday, the city council said.\n\n"
    "About 3,000 people crossed it in the first hour, officials said."
)


@pytest.fixture
def known() -> None:
    known_fact_checks_import_file(data=json.dumps(FEED).encode(), name="feed.json")


def process(body: str, *, title: str = "Report") -> Report:
    received = report_receive(title=title, body=body, publisher_label="Daily Planet")
    report_link(report_id=received.report.pk)
    received.report.refresh_from_db()
    return received.report


def reprocess(report: Report) -> Report:
    Report.objects.filter(pk=report.pk).update(state=Report.State.RECEIVED)
    report_link(report_id=report.pk)
    report.refresh_from_db()
    return report


# --- the worker ------------------------------------------------------------------------------


def test_a_sentence_repeating_a_known_fact_check_gets_its_row(known):
    report = process(ABOUT_BLEACH)
    row = ReportKnownFactCheck.objects.get(report=report)
    assert row.fact_check.url == "https://fullfact.org/bleach"
    assert row.sentence == (
        "In the video, a self-styled wellness coach says that drinking bleach cures the "
        "coronavirus."
    )
    assert ABOUT_BLEACH[row.position :].startswith(row.sentence)
    assert row.rank == 1
    assert 0.0 < row.coverage <= 1.0
    assert report.state == Report.State.PROCESSED


def test_a_report_about_nothing_known_gets_no_row(known):
    report = process(UNRELATED)
    assert report.state == Report.State.PROCESSED
    assert not ReportKnownFactCheck.objects.filter(report=report).exists()


def test_reprocessing_replaces_the_rows_and_never_duplicates(known):
    report = process(ABOUT_BLEACH)
    first = list(ReportKnownFactCheck.objects.filter(report=report).values_list("fact_check_id"))
    reprocess(report)
    again = list(ReportKnownFactCheck.objects.filter(report=report).values_list("fact_check_id"))
    assert again == first and len(again) == 1
    # The text changed (a re-fetched page): the old match goes, the new one comes.
    Report.objects.filter(pk=report.pk).update(
        body="Posts on social media claim that 5G masts spread COVID-19, a viral video said."
    )
    reprocess(report)
    urls = [r.fact_check.url for r in ReportKnownFactCheck.objects.filter(report=report)]
    assert urls == ["https://fullfact.org/5g"]
    # One row per (report, fact-check), held by the database too.
    row = ReportKnownFactCheck.objects.get(report=report)
    with pytest.raises(IntegrityError):
        ReportKnownFactCheck.objects.create(
            report=report,
            fact_check=row.fact_check,
            sentence="x",
            position=0,
            score=1.0,
            coverage=1.0,
            rank=1,
        )


def test_an_empty_table_costs_one_query_and_stores_nothing(django_assert_max_num_queries):
    from claims.pipeline.known_in_reports import report_known_fact_checks_store

    report = report_receive(title="R", body=ABOUT_BLEACH, publisher_label="Daily Planet").report
    with django_assert_max_num_queries(1):
        assert report_known_fact_checks_store(report=report, statements=[]) == 0


def test_deleting_a_known_fact_check_drops_its_report_rows(known):
    report = process(ABOUT_BLEACH)
    KnownFactCheck.objects.filter(url="https://fullfact.org/bleach").delete()
    assert not ReportKnownFactCheck.objects.filter(report=report).exists()


def test_a_failure_matching_known_fact_checks_keeps_the_reports_links(known, monkeypatch, caplog):
    """Known fact-checks are a reading aid: if matching them fails, the report's evidence is
    still stored and the report still finishes, and the failure is logged."""
    claim = make_claim(text="Drinking bleach cures the coronavirus")

    def broken(**kwargs):
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(claims.pipeline.linking, "report_known_fact_checks_store", broken)
    monkeypatch.setattr(logging.getLogger("claims.pipeline.linking"), "disabled", False)
    with caplog.at_level(logging.ERROR, logger="claims.pipeline.linking"):
        received = report_receive(title="R", body=ABOUT_BLEACH, publisher_label="Daily Planet")
        touched = report_link(report_id=received.report.pk)
    assert touched == [claim.pk]
    assert Evidence.objects.filter(report=received.report, claim=claim).exists()
    received.report.refresh_from_db()
    assert received.report.state == Report.State.PROCESSING  # waiting for its assessment
    assert not received.report.error
    assert not ReportKnownFactCheck.objects.exists()
    assert "known fact-checks not matched" in caplog.text
    assert "matcher exploded" in caplog.text


def test_the_acceptance_rule():
    from claims.engine.retrieval.index import Match

    def match(score: float, coverage: float) -> Match:
        return Match(1, score, coverage, ())

    # The reranker sure of the pair, or the sentence carrying most of the fact-check's words.
    assert accepted([match(3.6, 0.2)], reranked=True)
    assert accepted([match(1.0, 0.7)], reranked=True)
    assert not accepted([match(3.0, 0.4)], reranked=True)
    assert not accepted([match(3.6, 0.1)], reranked=True)
    # Without the reranker its score means nothing: coverage alone decides.
    assert not accepted([match(9.0, 0.4)], reranked=False)
    assert accepted([match(0.1, 0.7)], reranked=False)


# --- the report page, its fragment and the API ------------------------------------------------


def test_report_page_shows_the_known_fact_checks(known, client, fact_checker):
    report = process(ABOUT_BLEACH)
    client.force_login(fact_checker)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Already fact-checked elsewhere" in html
    assert "a self-styled wellness coach says that drinking bleach cures" in html
    assert "Drinking bleach cures the coronavirus." in html
    assert (
        '<a href="https://fullfact.org/bleach" rel="noopener noreferrer external" '
        'target="_blank">' in html
    )
    assert "False" in html and "Full Fact" in html and "2024-03-05" in html
    # The fragment the page polls carries the section too.
    fragment = client.get(reverse("report-evidence", args=[report.pk])).content.decode()
    assert "Already fact-checked elsewhere" in fragment


def test_report_page_says_when_nothing_known_matched(known, client, fact_checker):
    report = process(UNRELATED)
    client.force_login(fact_checker)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "No sentence of this report repeats a known fact-check." in html


def test_api_report_has_its_known_fact_checks(known, fact_checker):
    report = process(ABOUT_BLEACH)
    api = token_client(fact_checker)
    body = api.get(reverse("api-report-detail", args=[report.pk])).json()
    [found] = body["known_fact_checks"]
    assert found["url"] == "https://fullfact.org/bleach"
    assert found["claim_reviewed"] == "Drinking bleach cures the coronavirus."
    assert (found["rating"], found["reviewer"], found["date_published"]) == (
        "False",
        "Full Fact",
        "2024-03-05",
    )
    assert found["sentence"].startswith("In the video, a self-styled wellness coach")
    assert found["rank"] == 1
    assert set(found) >= {"id", "score", "coverage", "title", "language"}
    listed = api.get(reverse("api-report-list")).json()["results"]
    assert [r["known_fact_checks"][0]["url"] for r in listed if r["id"] == report.pk] == [
        "https://fullfact.org/bleach"
    ]
    other = process(UNRELATED, title="Other")
    assert api.get(reverse("api-report-detail", args=[other.pk])).json()["known_fact_checks"] == []


def test_report_admin_lists_them_read_only(known, client, admin_user):
    report = process(ABOUT_BLEACH)
    client.force_login(admin_user)
    html = client.get(reverse("admin:sources_report_change", args=[report.pk])).content.decode()
    assert "known fact-check of a report" in html.lower()
    assert "Drinking bleach cures the coronavirus." in html
    assert 'name="known_fact_check_matches-0-score"' not in html  # nothing to edit


# --- the measuring command ---------------------------------------------------------------------


def test_evaluate_known_in_reports_prints_the_pipelines_rule_and_the_grid(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    claims = tmp_path / "claims.tsv"
    claims.write_text(
        "\tvclaim\ttitle\n"
        "c1\tDrinking bleach cures the coronavirus.\tDoes bleach cure COVID-19?\n"
        "c2\t5G masts spread COVID-19.\tDo 5G masts spread the virus?\n"
        "c3\tThe moon landing was filmed in a studio.\tWas it staged?\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "\ttweet_content\nq1\tdrinking bleach cures the coronavirus, trust me\n", encoding="utf-8"
    )
    qrels = tmp_path / "q.qrels"
    qrels.write_text("q1 0 c1 1\n", encoding="utf-8")
    out = StringIO()
    args = ["--claims", str(claims), "--queries", str(queries), "--qrels", str(qrels)]
    call_command("evaluate_known_in_reports", *args, stdout=out)
    text = out.getvalue()
    assert "3 verified claims" in text
    assert "known: right 1 (1.000), wrong 0, none 0" in text
    assert "unchecked-story reports with a row" in text
    assert "grid (score" in text
    with pytest.raises(CommandError):
        call_command("evaluate_known_in_reports", *args[:4], "--qrels", str(tmp_path / "no"))
