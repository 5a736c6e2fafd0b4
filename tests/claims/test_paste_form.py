import pytest
from django.urls import reverse

from sources.models import Report

pytestmark = pytest.mark.django_db

BODY = "Reuters reporters in Almaty saw armoured vehicles enter the main square on Thursday."


def test_fact_checker_pastes_a_report_and_lands_on_its_page(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.post(
        reverse("report-paste"),
        {
            "title": "Troops in the square",
            "publisher": "Reuters",
            "body": BODY,
            "published_at": "2022-01-06T10:00",
        },
    )
    report = Report.objects.get(title="Troops in the square")
    assert response.status_code == 302 and response["Location"] == reverse(
        "report-detail", args=[report.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Troops in the square" in page.content.decode()


def test_form_errors_name_the_fields_and_save_nothing(client, fact_checker, roles):
    client.force_login(fact_checker)
    before = Report.objects.count()
    response = client.post(reverse("report-paste"), {"title": "", "publisher": "", "body": "tiny"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "publisher", "body"}
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"url": "https://example.com:99999/x"}, {"url"}),
        ({"url": "http://[::1]:8080/x"}, {"publisher"}),
        ({"publisher": "Reuters", "published_at": "9999-12-31 00:00"}, {"published_at"}),
    ],
)
def test_a_url_or_time_no_report_can_have_is_a_form_error(client, fact_checker, roles, fields, errors):
    client.force_login(fact_checker)
    before = Report.objects.count()
    body = "Reuters reporters saw armoured vehicles enter the main square in Almaty."
    response = client.post(reverse("report-paste"), {"title": "T", "body": body, **fields})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == errors
    assert Report.objects.count() == before


def test_user_text_is_escaped(client, fact_checker, roles):
    client.force_login(fact_checker)
    client.post(
        reverse("report-paste"),
        {"title": "<script>alert(1)</script>", "publisher": "X", "body": BODY + "<b>"},
    )
    report = Report.objects.get()
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_signed_out_visitors_are_sent_to_sign_in(client, roles):
    response = client.get(reverse("report-paste"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_user_without_report_rights_is_refused_the_form(client, no_role_user):
    user = no_role_user
    client.force_login(user)
    assert client.get(reverse("report-paste")).status_code == 403
    assert (
        client.post(
            reverse("report-paste"), {"title": "T", "publisher": "X", "body": BODY}
        ).status_code
        == 403
    )
    assert not Report.objects.exists()


def test_report_page_polls_until_processed_then_shows_evidence(client, fact_checker, demo_story):
    from claims.pipeline.assess import claims_status_update
    from claims.pipeline.index import reset_index
    from claims.pipeline.linking import report_link

    client.force_login(fact_checker)
    client.post(
        reverse("report-paste"),
        {
            "title": "Seen",
            "publisher": "Reuters",
            "body": "Reuters reporters saw dozens of assailants eliminated by police in Almaty.",
        },
    )
    report = Report.objects.get(title="Seen")
    fragment = client.get(reverse("report-evidence", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "updated" not in fragment
    reset_index()
    touched = report_link(report_id=report.pk)
    fragment = client.get(reverse("report-evidence", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment  # evidence in, statuses not yet: still polling
    claims_status_update(claim_ids=touched, worker="test", report_id=report.pk)
    reset_index()
    fragment = client.get(reverse("report-evidence", args=[report.pk])).content.decode()
    assert "hx-trigger" not in fragment
    assert "updated-cue" in fragment and "Automatic" in fragment


def test_report_page_query_count_is_fixed(
    client, fact_checker, demo_story, django_assert_max_num_queries
):
    from claims.models import Claim
    from tests.factories import make_evidence

    report = Report.objects.get()
    for claim in Claim.objects.all():
        make_evidence(claim=claim, report=report)
    client.force_login(fact_checker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("report-detail", args=[report.pk]))
    assert response.status_code == 200
