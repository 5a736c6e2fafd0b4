"""Known fact-checks: the importers (ClaimReview JSON-LD and TSV), their idempotency and bad
files, the matcher over the table, the claim page's section, the API endpoint and the admin's
upload; and, on CLEF-2020, that the matcher through the table scores what evaluate_retrieval
prints."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.models import KnownFactCheck
from claims.pipeline.known_fact_checks import (
    known_fact_check_index,
    known_fact_checks_for,
    known_fact_checks_matching,
)
from claims.services.known_fact_checks import (
    FactCheckFileError,
    fact_check_key,
    known_fact_checks_import_file,
)
from tests.conftest import shared_path
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

CLEF_TSV = (
    "\tvclaim\ttitle\n"
    "0\t122 detainees released from Guantanamo Bay under President Obama have re-engaged in "
    "terrorist activities.\tDid 122 Prisoners Released from Guantanamo Return to the Battlefield?\n"
    "1\tDrinking bleach cures the coronavirus.\tDoes Drinking Bleach Cure COVID-19?\n"
    '2\t"A ""quoted"" claim\nover two lines."\tQuoted\n'
)


def review(url: str, claim: str, rating: str, **extra: object) -> dict[str, object]:
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2024-03-05",
        "inLanguage": "en",
        "author": {"@type": "Organization", "name": "Full Fact", "url": "https://fullfact.org"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": rating},
        **extra,
    }


def data_feed(*reviews: dict[str, object]) -> dict[str, object]:
    """The shape of the project's own /published/claimreview.json."""
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "dateCreated": "2024-03-05", "item": [r]} for r in reviews
        ],
    }


def run(path, *args: str) -> str:
    out = StringIO()
    call_command("import_fact_checks", str(path), *args, stdout=out)
    return out.getvalue()


# --- importers -------------------------------------------------------------------------------


def test_clef_tsv_import_reads_the_real_header_and_is_idempotent(tmp_path):
    path = tmp_path / "verified_claims.docs.tsv"
    path.write_text(CLEF_TSV, encoding="utf-8")
    first = run(path, "--publisher", "Snopes", "--language", "en")
    assert "3 read: 3 new, 0 updated, 0 unchanged" in first
    row = KnownFactCheck.objects.get(external_id="1")
    assert row.claim_text == "Drinking bleach cures the coronavirus."
    assert row.title == "Does Drinking Bleach Cure COVID-19?"
    assert (row.publisher, row.language, row.url) == ("Snopes", "en", "")
    assert row.source == "verified_claims.docs.tsv (TSV)"
    assert KnownFactCheck.objects.get(external_id="2").claim_text == (
        'A "quoted" claim over two lines.'
    )
    again = run(path, "--publisher", "Snopes", "--language", "en")
    assert "3 read: 0 new, 0 updated, 3 unchanged" in again
    assert KnownFactCheck.objects.count() == 3
    # A changed title updates the row it belongs to (same publisher and claim).
    path.write_text(CLEF_TSV.replace("Does Drinking Bleach", "Can Drinking Bleach"), "utf-8")
    assert "0 new, 1 updated, 2 unchanged" in run(path, "--publisher", "Snopes", "--language", "en")
    assert KnownFactCheck.objects.get(external_id="1").title.startswith("Can Drinking Bleach")


def test_claim_review_data_feed_single_and_list(tmp_path):
    feed = data_feed(
        review("https://fullfact.org/a", "Drinking bleach cures the coronavirus.", "False"),
        review("https://fullfact.org/b", "The moon is made of cheese.", "Pants on fire"),
    )
    path = tmp_path / "claimreview.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    assert "2 read: 2 new" in run(path)
    row = KnownFactCheck.objects.get(url="https://fullfact.org/a")
    assert (row.rating, row.publisher, row.language) == ("False", "Full Fact", "en")
    assert row.published_on.isoformat() == "2024-03-05"
    assert row.source == "claimreview.json (ClaimReview)"

    # One review alone, and a list, keyed by URL: the same URL updates its row.
    single = review("https://fullfact.org/a", "Drinking bleach cures the coronavirus.", "Wrong")
    path.write_text(json.dumps(single), encoding="utf-8")
    assert "1 read: 0 new, 1 updated" in run(path)
    assert KnownFactCheck.objects.get(url="https://fullfact.org/a").rating == "Wrong"
    listed = [single, review("https://fullfact.org/c", "Vaccines contain microchips.", "False")]
    path.write_text(json.dumps(listed), encoding="utf-8")
    assert "2 read: 1 new, 0 updated, 1 unchanged" in run(path)
    assert KnownFactCheck.objects.count() == 3


def test_the_projects_own_feed_imports(client, editor, other_editor, tmp_path):
    from claims.models import Rating
    from tests.factories import make_verdict

    claim = make_claim(text="The city's budget doubled in 2023")
    make_verdict(claim, Rating.objects.order_by("pk").first().label, other_editor)
    body = client.get(reverse("claim-review-feed")).content
    summary = known_fact_checks_import_file(data=body, name="claimreview.json")
    assert summary.created == 1
    row = KnownFactCheck.objects.get()
    assert row.claim_text == claim.text
    assert row.url.endswith(reverse("claim-public", args=[claim.pk]))
    assert row.rating == Rating.objects.order_by("pk").first().label


def test_a_review_without_a_claim_is_skipped_and_repeats_count_once(tmp_path):
    feed = data_feed(
        review("https://x.org/1", "", "False"),
        review("https://x.org/2", "A claim.", "False"),
        review("https://x.org/2", "A claim.", "True"),
    )
    summary = known_fact_checks_import_file(data=json.dumps(feed).encode(), name="f.json")
    assert (summary.created, summary.skipped, summary.repeated) == (1, 1, 1)
    assert KnownFactCheck.objects.get().rating == "True"  # the last one counts


def test_only_web_links_are_kept():
    feed = data_feed(
        review("javascript:alert(1)", "A claim with a script for a link.", "False"),
        review("data:text/html,x", "A claim with a data link.", "False"),
        review("HTTPS://fullfact.org/ok", "A claim with a web link.", "False"),
    )
    known_fact_checks_import_file(data=json.dumps(feed).encode(), name="f.json")
    assert sorted(KnownFactCheck.objects.values_list("url", flat=True)) == [
        "",
        "",
        "HTTPS://fullfact.org/ok",
    ]


def test_key_is_the_url_else_publisher_and_claim():
    assert fact_check_key(url="https://a/1", publisher="X", claim_text="c") == fact_check_key(
        url="https://a/1", publisher="Y", claim_text="other"
    )
    assert fact_check_key(url="", publisher="Snopes", claim_text="A  claim") == fact_check_key(
        url="", publisher="snopes", claim_text="a claim"
    )
    assert fact_check_key(url="", publisher="A", claim_text="c") != fact_check_key(
        url="", publisher="B", claim_text="c"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", b"{not json", "not JSON"),
        ("empty.json", b'{"@type": "Organization"}', "no ClaimReview"),
        ("bad.tsv", b"id\ttext\n1\tx\n", "no claim column"),
        ("short.tsv", b"\tvclaim\ttitle\n1\tonly two\n", "row 2 has 2 fields"),
        ("latin1.tsv", "\tvclaim\ttitle\n1\tcaf\xe9\tx\n".encode("latin-1"), "UTF-8"),
        ("empty.tsv", b"", "empty file"),
    ],
)
def test_unreadable_files_exit_non_zero_and_store_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert not KnownFactCheck.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "nowhere.tsv")


# --- the matcher -----------------------------------------------------------------------------


def _import_feed(*reviews):
    known_fact_checks_import_file(data=json.dumps(data_feed(*reviews)).encode(), name="f.json")


FEED = (
    review("https://fullfact.org/bleach", "Drinking bleach cures the coronavirus.", "False"),
    review("https://fullfact.org/5g", "5G masts spread COVID-19.", "False"),
    review(
        "https://fullfact.org/nhs", "The NHS has 50,000 more nurses than in 2019.", "Misleading"
    ),
)


def test_a_paraphrased_claim_finds_its_known_fact_check():
    _import_feed(*FEED)
    claim = make_claim(text="Coronavirus can be cured by drinking bleach, says influencer")
    found = known_fact_checks_for(claim)
    assert found, "no known fact-check found"
    assert found[0].fact_check.url == "https://fullfact.org/bleach"
    assert 0.0 < found[0].coverage <= 1.0
    # An unrelated claim is not "already checked".
    assert known_fact_checks_for(make_claim(text="The mayor opened a new bridge")) == []


def test_the_index_keeps_in_step_with_imports_and_deletions():
    _import_feed(*FEED[:1])
    assert len(known_fact_check_index()) == 1
    assert known_fact_checks_matching("mobile masts spreading covid 19") == []
    _import_feed(*FEED[1:])  # the next search picks the new rows up
    found = known_fact_checks_matching("5G masts are spreading COVID-19")
    assert found[0].fact_check.url == "https://fullfact.org/5g"
    assert len(known_fact_check_index()) == 3
    KnownFactCheck.objects.filter(url="https://fullfact.org/5g").delete()
    assert all(
        m.fact_check.url != "https://fullfact.org/5g"
        for m in known_fact_checks_matching("5G masts are spreading COVID-19")
    )
    assert len(known_fact_check_index()) == 2


# --- the claim page, the API, the admin ------------------------------------------------------


def test_claim_page_loads_the_section_and_the_section_shows_the_matches(client, fact_checker):
    _import_feed(*FEED)
    claim = make_claim(text="Drinking bleach will cure the coronavirus")
    client.force_login(fact_checker)
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    section_url = reverse("claim-known-fact-checks", args=[claim.pk])
    assert f'hx-get="{section_url}"' in page
    assert "Already fact-checked elsewhere" in page
    html = client.get(section_url).content.decode()
    assert 'href="https://fullfact.org/bleach"' in html
    assert "False" in html and "Full Fact" in html and "2024-03-05" in html
    assert re.search(r"match -?\d+\.\d\d \(\d+% shared\)", html), html
    assert "hx-get" not in html  # loaded: no second request


def test_section_says_when_nothing_matches(client, fact_checker):
    claim = make_claim(text="The mayor opened a new bridge")
    client.force_login(fact_checker)
    html = client.get(reverse("claim-known-fact-checks", args=[claim.pk])).content.decode()
    assert "No known fact-check matches this claim." in html


def test_api_lists_the_closest_known_fact_checks(fact_checker):
    from tests.factories import token_client

    _import_feed(*FEED)
    claim = make_claim(text="Drinking bleach will cure the coronavirus")
    response = token_client(fact_checker).get(
        reverse("api-claim-known-fact-checks", args=[claim.pk])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["claim"] == claim.pk
    first = body["results"][0]
    assert first["url"] == "https://fullfact.org/bleach"
    assert first["rating"] == "False"
    assert first["reviewer"] == "Full Fact"
    assert first["date_published"] == "2024-03-05"
    assert set(first) >= {"claim_reviewed", "score", "coverage", "language", "title"}
    missing = token_client(fact_checker).get(reverse("api-claim-known-fact-checks", args=[999999]))
    assert missing.status_code == 404


def test_admin_uploads_a_file_and_lists_and_searches(client, admin_user, tmp_path):
    client.force_login(admin_user)
    url = reverse("admin:claims_knownfactcheck_import")
    upload = SimpleUploadedFile(
        "claims.tsv", CLEF_TSV.encode(), content_type="text/tab-separated-values"
    )
    response = client.post(url, {"file": upload, "publisher": "Snopes"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Imported claims.tsv: 3 read: 3 new" in text
    assert KnownFactCheck.objects.filter(publisher="Snopes").count() == 3
    changelist = client.get(reverse("admin:claims_knownfactcheck_changelist"), {"q": "bleach"})
    text = changelist.content.decode()
    assert "Drinking bleach cures the coronavirus." in text and "Guantanamo" not in text
    assert "Import a file" in text
    bad = SimpleUploadedFile("bad.json", b"{nope", content_type="application/json")
    refused = client.post(url, {"file": bad})
    assert refused.status_code == 200
    assert "not JSON" in refused.content.decode()
    assert KnownFactCheck.objects.count() == 3


def test_service_refuses_a_file_without_fact_checks():
    with pytest.raises(FactCheckFileError):
        known_fact_checks_import_file(data=b"\tvclaim\ttitle\n", name="header-only.tsv")


# --- measured on CLEF-2020 -------------------------------------------------------------------


@pytest.mark.shared_data
def test_clef_dev_map_at_5_through_the_known_fact_check_table(tmp_path):
    """The verified claims imported into the table, the dev tweets searched through the
    known-fact-check matcher: MAP@5 as evaluate_retrieval prints it (within 0.01: the seven
    claims CLEF lists twice with the same words are one row here, so IDF differs a little)."""
    from claims.engine.datasets import clef

    base = shared_path("datasets", "clef2020-task2")
    tsv = base / "verified_claims.docs.tsv"
    queries = base / "dev" / "tweets.queries.tsv"
    qrels_path = base / "dev" / "tweet-vclaim-pairs.qrels"
    out = StringIO()
    call_command(
        "evaluate_retrieval",
        *("--claims", str(tsv), "--queries", str(queries), "--qrels", str(qrels_path)),
        *("--out", str(tmp_path / "dev.run")),
        stdout=out,
    )
    printed = float(re.search(r"^MAP@5\s+(\d\.\d+)$", out.getvalue(), re.M).group(1))

    summary = run(tsv, "--publisher", "Snopes")
    # Seven ids repeat another's claim (same words, up to case and spacing): one row each.
    assert "10375 read: 10368 new" in summary and "7 repeated" in summary, summary
    # A CLEF id whose text another id repeats answers to the row that text became.
    row_id = {
        key: external_id
        for key, external_id in KnownFactCheck.objects.values_list("key", "external_id")
    }
    canonical = {
        claim.id: row_id[fact_check_key(url="", publisher="Snopes", claim_text=claim.vclaim)]
        for claim in clef.read_claims(tsv)
    }
    qrels = {
        qid: {canonical[c] for c in relevant}
        for qid, relevant in clef.read_qrels(qrels_path).items()
    }
    index = known_fact_check_index()
    run_ = {}
    for qid, tweet in clef.read_queries(queries):
        text = clef.normalize_tweet(tweet, keep_mentions=True, known=index.knows)
        matches = known_fact_checks_matching(text, k=20, min_coverage=0.0)
        run_[qid] = [m.fact_check.external_id for m in matches]
    measured = clef.mean_average_precision(run_, qrels, 5)
    print(f"known-fact-check matcher MAP@5 {measured:.4f}; evaluate_retrieval {printed:.4f}")
    assert measured == pytest.approx(printed, abs=0.01)
