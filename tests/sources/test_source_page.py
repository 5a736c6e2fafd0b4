"""The source page: identity, ownership, and the track record of what it claimed, published
and originated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim
from sources.models import Source
from tests.factories import make_claim, make_evidence, make_report, make_source, make_verdict

pytestmark = pytest.mark.django_db


def test_demo_source_shows_its_parent_chain_children_and_names(client, fact_checker, demo_story):
    ministry = Source.objects.get(name="Interior Ministry of Kazakhstan")
    client.force_login(fact_checker)
    response = client.get(reverse("source-detail", args=[ministry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Interior Ministry of Kazakhstan</h1>" in html
    assert "C — fairly reliable" in html and "Government body" in html and "KZ" in html
    government = Source.objects.get(name="Government of Kazakhstan")
    assert (
        f'<a href="{reverse("source-detail", args=[government.pk])}">Government of Kazakhstan</a>'
        in html
    )
    police = Source.objects.get(name="Almaty police")
    assert f'<a href="{reverse("source-detail", args=[police.pk])}">Almaty police</a>' in html
    assert "Kazakh Interior Ministry" in html  # an alias
    # It claimed "about 2,000 detained".
    assert "About 2,000 people were detained in Almaty." in html


def test_spokesman_parent_chain_runs_to_the_top(client, fact_checker, demo_story):
    spokesman = Source.objects.get(name="Saltanat Azirbek")
    client.force_login(fact_checker)
    response = client.get(reverse("source-detail", args=[spokesman.pk]))
    assert [s.name for s in response.context["page"].ancestors] == [
        "Almaty police",
        "Interior Ministry of Kazakhstan",
        "Government of Kazakhstan",
    ]
    assert "police spokesman" in response.content.decode()


def test_track_record_counts_claims_reports_and_evidence(client, fact_checker, roles):
    outlet = make_source(name="Daily Example", grade="C")
    outlet.domains.create(domain="example.org")
    statuses = ["corroborated"] * 3 + ["refuted"] * 2 + ["disputed"] + ["unverified"] * 4
    for status in statuses:
        make_claim(claimant=outlet, status=status, credibility=3)
    make_claim(claimant=make_source())  # someone else's
    for state in ["processed", "processed", "failed"]:
        make_report(publisher=outlet, state=state, title=f"Story {state}")
    for stance in ["supports", "supports", "contradicts", "discusses"]:
        make_evidence(origin=outlet, stance=stance)
    make_evidence(origin=outlet, stance="supports", rejected=True)

    client.force_login(fact_checker)
    response = client.get(reverse("source-detail", args=[outlet.pk]))
    page = response.context["page"]
    assert {row.value: row.count for row in page.status_counts} == {
        "unverified": 4,
        "corroborated": 3,
        "disputed": 1,
        "refuted": 2,
    }
    assert page.claims_total == 10 and len(page.claims) == 10
    assert {row.value: row.count for row in page.stance_counts} == {
        "supports": 2,
        "contradicts": 1,
        "discusses": 1,
    }
    assert page.reports_total == 3
    html = response.content.decode()
    assert '<td class="num" data-status="corroborated">3</td>' in html
    assert '<td class="num" data-stance="supports">2</td>' in html
    assert html.count('<span class="st st-refuted">Refuted</span>') == 2 + 1  # rows + header
    assert '<span class="badge s-failed">Failed</span>' in html
    assert "example.org" in html


def test_source_text_is_escaped(client, fact_checker, roles):
    outlet = make_source(name="<script>alert(1)</script>", role="<b>x</b>")
    client.force_login(fact_checker)
    html = client.get(reverse("source-detail", args=[outlet.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


def test_source_page_query_count_is_fixed(
    client, fact_checker, roles, django_assert_max_num_queries
):
    top = make_source(name="Holding")
    outlet = make_source(name="Outlet", parent=make_source(name="Division", parent=top))
    for index in range(5):
        make_source(name=f"Bureau {index}", parent=outlet)
        outlet.aliases.create(name=f"Outlet alias {index}")
    for index in range(50):
        claim = make_claim(claimant=outlet, status=["unverified", "corroborated"][index % 2])
        report = make_report(publisher=outlet, title=f"Report {index}")
        make_evidence(claim=claim, report=report, origin=outlet)
    assert Claim.objects.filter(claimant=outlet).count() == 50
    client.force_login(fact_checker)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("source-detail", args=[outlet.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].claims) == 50
    assert len(response.context["page"].reports) == 50


def test_source_page_needs_view_source(client, no_role_user):
    outlet = make_source()
    client.force_login(no_role_user)
    assert client.get(reverse("source-detail", args=[outlet.pk])).status_code == 403


def test_unknown_source_is_404(client, fact_checker, roles):
    client.force_login(fact_checker)
    assert client.get(reverse("source-detail", args=[987654])).status_code == 404


def test_signed_out_visitors_go_to_sign_in(client, roles):
    outlet = make_source()
    response = client.get(reverse("source-detail", args=[outlet.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the record against published verdicts and the grade it suggests ------------------------


@pytest.fixture
def judged_outlet(editor):
    """An outlet graded F whose reports agreed with five published verdicts and disagreed with
    none; one more report sits on a claim rated Mixed, which judges nothing."""
    outlet = make_source(name="Judged outlet", grade="F")
    for index in range(3):
        claim = make_claim(text=f"True claim {index}")
        make_evidence(claim=claim, origin=outlet, stance="supports")
        make_verdict(claim, "True", editor)
    for index in range(2):
        claim = make_claim(text=f"False claim {index}")
        make_evidence(claim=claim, origin=outlet, stance="contradicts")
        make_verdict(claim, "False", editor)
    mixed = make_claim(text="Mixed claim")
    make_evidence(claim=mixed, origin=outlet, stance="supports")
    make_verdict(mixed, "Mixed", editor)
    unpublished = make_claim(text="Not yet ruled on")
    make_evidence(claim=unpublished, origin=outlet, stance="contradicts")
    return outlet


def test_the_record_counts_reports_against_the_latest_publishedmake_verdict(judged_outlet, editor):
    from claims.selectors.sources import source_track_record

    record = source_track_record(judged_outlet)
    assert (record.agreed, record.disagreed) == (5, 0)
    assert record.suggested_grade == "C"
    # A later verdict replaces the earlier one: the outlet supported a claim now rated False.
    claim = Claim.objects.get(text="True claim 0")
    make_verdict(claim, "False", editor)
    record = source_track_record(judged_outlet)
    assert (record.agreed, record.disagreed) == (4, 1)
    assert record.suggested_grade == "D"


def test_an_admin_sees_the_suggestion_and_accepts_it_in_one_click(
    client, admin_user, judged_outlet, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    page = client.get(reverse("source-detail", args=[judged_outlet.pk])).content.decode()
    assert "Suggested grade:" in page and "Grade Judged outlet C</button>" in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("source-accept-grade", args=[judged_outlet.pk]))
    assert response.status_code == 302
    judged_outlet.refresh_from_db()
    assert judged_outlet.grade == "C" and judged_outlet.grade_source == "desk"
    assert callbacks, "the regrade announces itself after commit, to re-assess its claims"


@pytest.mark.parametrize("role", ["fact_checker", "editor"])
def test_only_admins_may_accept_a_suggested_grade(client, request, role, judged_outlet):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("source-detail", args=[judged_outlet.pk])).content.decode()
    assert "Suggested grade:" in page and "<button" not in page.split("verdict-record-h")[1].split("</section>")[0]
    response = client.post(reverse("source-accept-grade", args=[judged_outlet.pk]))
    assert response.status_code == 403
    judged_outlet.refresh_from_db()
    assert judged_outlet.grade == "F"


def test_accepting_needs_post_and_a_record(client, admin_user):
    unjudged = make_source(name="Unjudged", grade="F")
    client.force_login(admin_user)
    url = reverse("source-accept-grade", args=[unjudged.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "No published verdict judges" in response.content.decode()
    unjudged.refresh_from_db()
    assert unjudged.grade == "F"
