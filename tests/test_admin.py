"""Every admin page renders for an admin user; the sources list does what admins need."""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.models import Claim
from sources.models import Report, Source

pytestmark = pytest.mark.django_db


def _admin_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def admin_client_demo(client, admin_user, demo_story):
    client.force_login(admin_user)
    return client


def test_every_registered_model_renders_list_add_and_change_pages(admin_client_demo):
    from claims.models import StatusChange

    StatusChange.objects.create(
        claim=Claim.objects.first(),
        from_status="unverified",
        to_status="unverified",
        from_credibility=6,
        to_credibility=3,
        explanation="x",
        worker="w@h",
    )
    checked = []
    for model, model_admin in _admin_models():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        if meta.label in {"auth.Group"}:
            continue  # admins view users, the groups are fixed by migration
        response = admin_client_demo.get(changelist)
        assert response.status_code == 200, (meta.label, response.status_code)
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            response = admin_client_demo.get(change)
            assert response.status_code == 200, (meta.label, "change", response.status_code)
        request = response.wsgi_request
        if model_admin.has_add_permission(request):
            response = admin_client_demo.get(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            )
            assert response.status_code == 200, (meta.label, "add")
        checked.append(meta.label)
    assert {
        "sources.Source",
        "sources.Report",
        "claims.Claim",
        "claims.Evidence",
        "claims.Verdict",
        "claims.StatusChange",
        "claims.Rating",
        "claims.Attribution",
        "claims.Quantity",
    } <= set(checked)


def test_source_list_shows_kind_grade_parent_and_counts(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:sources_source_changelist"))
    html = response.content.decode()
    for column in ("Kind", "Country", "Grade", "Parent", "Claims made", "Reports published"):
        assert column in html
    tokayev = response.context["cl"].queryset.get(name="Kassym-Jomart Tokayev")
    assert (
        tokayev.claims_count
        == Claim.objects.filter(claimant__name="Kassym-Jomart Tokayev").count()
        >= 3
    )
    national = response.context["cl"].queryset.get(name="The National")
    assert national.reports_count == Report.objects.filter(publisher=national).count() == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("AFP", "Agence France-Presse"), ("tass.com", "Tass"), ("Tokayev", "Kassym-Jomart Tokayev")],
)
def test_source_search_by_name_alias_and_domain(admin_client_demo, query, expected):
    response = admin_client_demo.get(reverse("admin:sources_source_changelist"), {"q": query})
    names = {s.name for s in response.context["cl"].result_list}
    assert expected in names


def test_source_filters_by_kind_grade_and_country(admin_client_demo):
    url = reverse("admin:sources_source_changelist")
    agencies = admin_client_demo.get(url, {"kind__exact": "news_agency"}).context["cl"].result_list
    assert {s.kind for s in agencies} == {"news_agency"} and len(agencies) >= 3
    grade_a = admin_client_demo.get(url, {"grade__exact": "A"}).context["cl"].result_list
    assert "Reuters" in {s.name for s in grade_a} and {s.grade for s in grade_a} == {"A"}
    kz = admin_client_demo.get(url, {"country__exact": "KZ"}).context["cl"].result_list
    assert {s.country for s in kz} == {"KZ"}


def test_source_page_shows_the_parent_chain_and_alias_inline(admin_client_demo):
    police = Source.objects.get(name="Saltanat Azirbek")
    html = admin_client_demo.get(
        reverse("admin:sources_source_change", args=[police.pk])
    ).content.decode()
    assert (
        "Saltanat Azirbek [C] → Almaty police [C] → Interior Ministry of Kazakhstan [C] → Government of Kazakhstan [C]"
        in html
    )
    tass = Source.objects.get(name="Tass")
    html = admin_client_demo.get(
        reverse("admin:sources_source_change", args=[tass.pk])
    ).content.decode()
    assert 'value="TASS"' in html and 'value="tass.com"' in html


def test_claim_page_shows_attributions_and_quantities_inline(admin_client_demo):
    claim = Claim.objects.get(quote="About 2,000 people were detained in Almaty")
    html = admin_client_demo.get(
        reverse("admin:claims_claim_change", args=[claim.pk])
    ).content.decode()
    assert "quoted … as saying" in html
    assert 'value="about 2,000"' in html
    assert "Attributions" in html and "Evidence" in html


@pytest.mark.parametrize("year", ["9999", "1", "99999999999"])
def test_the_report_list_filtered_to_an_impossible_year_is_no_server_error(
    admin_client_demo, year
):
    response = admin_client_demo.get("/admin/sources/report/", {"published_at__year": year})
    assert response.status_code in (200, 302)
