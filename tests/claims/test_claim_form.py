"""The new-claim form: claimant and hops by name, quantities read from their words, and
nothing saved when any row is wrong."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Attribution, Claim, Quantity
from sources.models import Report, Source

pytestmark = pytest.mark.django_db


def formset(prefix: str, rows: list[dict[str, str]], *, total: int | None = None) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def claim_data(*, hops=(), quantities=(), **fields: str) -> dict:
    data = {
        "text": "About 2,000 people were detained in Almaty.",
        "quote": "About 2,000 people were detained",
        "kind": "paraphrase",
        "claimant": "Interior Ministry",  # an alias
        "claimant_cue": "said",
        "event": "almaty-2022-01",
        "made_at": "2022-01-07T09:30",
        "hedges": "about, reportedly ,",
        "first_report": "",
    }
    data.update(fields)
    data.update(formset("hops", list(hops), total=max(len(hops), 3)))
    data.update(formset("quantities", list(quantities), total=max(len(quantities), 2)))
    return data


TWO_HOPS = (
    {"source": "TASS", "cue": "quoted … as saying"},
    {"source": "The National", "cue": "reported"},
)
DETAINED = {
    "what": "people detained",
    "words": "about 2,000",
    "low": "",
    "high": "",
    "running": "on",
}


def test_fact_checker_logs_a_claim_with_two_hops_and_a_quantity(client, fact_checker, demo_story):
    report = Report.objects.get()
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-new"),
        claim_data(hops=TWO_HOPS, quantities=[DETAINED], first_report=str(report.pk)),
    )
    claim = Claim.objects.get(quote="About 2,000 people were detained")
    assert response.status_code == 302
    assert response["Location"] == reverse("claim-detail", args=[claim.pk])
    assert claim.claimant.name == "Interior Ministry of Kazakhstan"
    assert claim.created_by == fact_checker and claim.first_report == report
    assert claim.hedges == ["about", "reportedly"]
    assert claim.made_at.isoformat() == "2022-01-07T09:30:00+00:00"
    hops = [
        (a.source.name, a.cue)
        for a in Attribution.objects.filter(claim=claim).select_related("source")
    ]
    assert hops == [
        ("Interior Ministry of Kazakhstan", "said"),
        ("Tass", "quoted … as saying"),
        ("The National", "reported"),
    ]
    quantity = Quantity.objects.get(claim=claim)
    # Low and high were left empty: read from the words.
    assert (quantity.what, quantity.words, quantity.low, quantity.high, quantity.running) == (
        "people detained",
        "about 2,000",
        1800,
        2200,
        True,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Interior Ministry of Kazakhstan" in page and "1,800\u20132,200" in page


def test_low_above_high_rerenders_with_an_error_and_saves_nothing(client, fact_checker, demo_story):
    claims_before, sources_before = Claim.objects.count(), Source.objects.count()
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-new"),
        claim_data(
            hops=[{"source": "Brand New Blog", "cue": "wrote", "create": "on"}],
            quantities=[
                {"what": "people detained", "words": "2,000", "low": "2200", "high": "1800"}
            ],
            claimant="A Brand New Official",
            create_claimant="on",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "High (1800) is below low (2200)." in html
    assert "Nothing was saved" in html
    assert 'value="Brand New Blog"' in html  # the rows come back as typed
    assert (Claim.objects.count(), Source.objects.count()) == (claims_before, sources_before)


def test_unknown_claimant_is_refused_unless_create_is_ticked(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.post(reverse("claim-new"), claim_data(claimant="Mystery Spokesman"))
    assert response.status_code == 200
    assert "No source is called “Mystery Spokesman”" in response.content.decode()
    assert not Claim.objects.filter(quote="About 2,000 people were detained").exists()

    response = client.post(
        reverse("claim-new"), claim_data(claimant="Mystery Spokesman", create_claimant="on")
    )
    assert response.status_code == 302
    claim = Claim.objects.get(quote="About 2,000 people were detained")
    assert (claim.claimant.name, claim.claimant.grade) == ("Mystery Spokesman", "F")
    assert Attribution.objects.get(claim=claim).source == claim.claimant


def test_unknown_hop_is_refused(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-new"), claim_data(hops=[{"source": "Nowhere Gazette", "cue": "ran"}])
    )
    assert response.status_code == 200
    assert "No source is called “Nowhere Gazette”" in response.content.decode()
    assert not Claim.objects.filter(quote="About 2,000 people were detained").exists()


def test_quantity_rows_need_what_and_readable_words(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-new"),
        claim_data(quantities=[{"what": "", "words": "a great many", "low": "", "high": ""}]),
    )
    html = response.content.decode()
    assert "Say what is counted." in html
    assert "Could not read a number from “a great many”" in html
    assert not Claim.objects.filter(quote="About 2,000 people were detained").exists()


def test_low_without_high_is_open_ended(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    client.post(
        reverse("claim-new"),
        claim_data(
            quantities=[{"what": "people detained", "words": "at least 2,000", "low": "2000"}]
        ),
    )
    quantity = Quantity.objects.get(claim__quote="About 2,000 people were detained")
    assert (quantity.low, quantity.high) == (2000, None)


def test_unknown_first_report_is_a_form_error(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.post(reverse("claim-new"), claim_data(first_report="99999"))
    assert "There is no report number 99999." in response.content.decode()
    assert not Claim.objects.filter(quote="About 2,000 people were detained").exists()


def test_add_a_hop_row_shows_one_more_row_and_no_errors(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    data = claim_data(text="", hops=TWO_HOPS)
    data["add_hop"] = "1"
    response = client.post(reverse("claim-new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="hops-TOTAL_FORMS" value="4"' in html
    assert 'name="hops-3-source"' in html
    assert "errorlist" not in html and "Nothing was saved" not in html
    assert 'value="TASS"' in html
    assert not Claim.objects.filter(quote="About 2,000 people were detained").exists()


def test_the_form_renders_empty_rows(client, fact_checker, roles):
    client.force_login(fact_checker)
    response = client.get(reverse("claim-new"))
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>New claim</h1>" in html
    assert 'name="hops-TOTAL_FORMS" value="3"' in html
    assert "read from the words" in html  # the prefill is explained


def test_claim_text_is_escaped_when_the_form_comes_back(client, fact_checker, roles):
    client.force_login(fact_checker)
    response = client.post(
        reverse("claim-new"),
        claim_data(text="<script>alert(1)</script>", claimant="Nobody Known"),
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_reader_may_not_log_claims(client, no_role_user):
    user = no_role_user
    client.force_login(user)
    assert client.get(reverse("claim-new")).status_code == 403
    assert client.post(reverse("claim-new"), claim_data(claimant="")).status_code == 403
    assert not Claim.objects.exists()


def test_signed_out_visitors_go_to_sign_in(client, roles):
    response = client.get(reverse("claim-new"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
