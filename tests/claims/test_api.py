import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sources.models import Report, Source
from tests.factories import post_report, token_client

pytestmark = pytest.mark.django_db

BODY = "Reuters reporters in Almaty saw dozens of assailants killed by police overnight."


@pytest.fixture
def api(fact_checker):
    return token_client(fact_checker)



def test_post_answers_202_with_id_and_state(api, demo_story):
    response = post_report(
        api,
        {
            "title": "T",
            "body": BODY,
            "publisher": "Reuters",
            "published_at": "2022-01-07T10:00:00Z",
        },
    )
    assert response.status_code == 202, response.json()
    report = Report.objects.get(pk=response.json()["id"])
    assert response.json()["state"] == "received"
    assert report.publisher.name == "Reuters"
    assert report.published_at.isoformat() == "2022-01-07T10:00:00+00:00"


def test_same_url_or_body_again_returns_the_existing_report_with_200(api, demo_story):
    first = post_report(
        api,
        {
            "title": "T",
            "body": BODY,
            "publisher": "Reuters",
            "url": "https://reuters.com/x?utm_source=a",
        },
    )
    by_url = post_report(
        api,
        {
            "title": "T",
            "body": BODY + " More.",
            "publisher": "Reuters",
            "url": "https://www.reuters.com/x",
        },
    )
    by_body = post_report(api, {"title": "Other", "body": BODY, "publisher": "AFP"})
    assert first.status_code == 202
    assert (by_url.status_code, by_body.status_code) == (200, 200)
    assert by_url.json()["id"] == by_body.json()["id"] == first.json()["id"]
    assert by_url.json()["duplicate"] is True
    assert Report.objects.filter(title__in=["T", "Other"]).count() == 1


def test_idempotency_key_returns_the_first_report(api, demo_story):
    first = post_report(
        api, {"title": "T", "body": BODY, "publisher": "Reuters"}, HTTP_IDEMPOTENCY_KEY="abc"
    )
    again = post_report(
        api, {"title": "T", "body": BODY, "publisher": "Reuters"}, HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["duplicate"] is True


@pytest.mark.parametrize(
    "changed", [{"body": BODY + " (another report)"}, {"title": "Another title"}]
)
def test_an_idempotency_key_reused_for_another_report_is_refused_and_stores_nothing(
    api, demo_story, changed
):
    first = post_report(
        api, {"title": "T", "body": BODY, "publisher": "Reuters"}, HTTP_IDEMPOTENCY_KEY="abc"
    )
    stored = Report.objects.count()
    other = post_report(
        api,
        {"title": "T", "body": BODY, "publisher": "Reuters", **changed},
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert other.status_code == 409
    assert other.json()["report"] == first.json()["id"]
    assert "Idempotency-Key" in other.json()
    assert Report.objects.count() == stored


def test_unknown_publisher_becomes_a_grade_f_source(api, roles):
    response = post_report(api, {"title": "T", "body": BODY, "publisher": "Steppe Telegraph"})
    assert response.status_code == 202
    assert Source.objects.get(name="Steppe Telegraph").grade == "F"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"title", "body"}),
        ({"title": "T", "body": "short", "publisher": "Reuters"}, {"body"}),
        ({"title": "T", "body": BODY}, {"publisher"}),
        ({"title": "T", "body": BODY, "publisher": "Reuters", "url": "not a url"}, {"url"}),
        (
            {"title": "T", "body": BODY, "publisher": "Reuters", "published_at": "yesterday"},
            {"published_at"},
        ),
        ({"title": "x" * 501, "body": BODY, "publisher": "Reuters"}, {"title"}),
        # Strict types: a number is not a publisher's name, nor a title or a body.
        ({"title": "T", "body": BODY, "publisher": 5}, {"publisher"}),
        ({"title": 12, "body": BODY, "publisher": "Reuters"}, {"title"}),
        ({"title": "T", "body": ["a", "list"], "publisher": "Reuters"}, {"body"}),
        # URLs a report cannot be stored under, or whose host names no outlet.
        ({"title": "T", "body": BODY, "url": "https://example.com:99999/x"}, {"url"}),
        ({"title": "T", "body": BODY, "url": "http://[::1]:8080/x"}, {"publisher"}),
        ({"title": "T", "body": BODY, "url": "http://10.1.2.3/x"}, {"publisher"}),
        # A publication time out of any sane range.
        (
            {"title": "T", "body": BODY, "publisher": "Reuters", "published_at": "9999-12-31T00:00:00Z"},
            {"published_at"},
        ),
        (
            {"title": "T", "body": BODY, "publisher": "Reuters", "published_at": "1066-10-14T09:00:00Z"},
            {"published_at"},
        ),
    ],
)
def test_invalid_input_is_400_naming_each_field_and_stores_nothing(api, roles, payload, fields):
    before = (Report.objects.count(), Source.objects.count())
    response = post_report(api, payload)
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert (Report.objects.count(), Source.objects.count()) == before


def test_get_shows_state_error_and_evidence(api, demo_story):
    from claims.pipeline.assess import claims_status_update
    from claims.pipeline.index import reset_index
    from claims.pipeline.linking import report_link

    reset_index()
    created = post_report(
        api,
        {
            "title": "T",
            "body": BODY + " Dozens of assailants were eliminated, Reuters saw.",
            "publisher": "Reuters",
        },
    )
    touched = report_link(report_id=created.json()["id"])
    claims_status_update(claim_ids=touched, worker="test", report_id=created.json()["id"])
    reset_index()
    data = api.get(reverse("api-report-detail", args=[created.json()["id"]])).json()
    assert data["state"] == "processed" and data["error"] == ""
    assert data["publisher"] == "Reuters"
    assert any(
        ev["stance"] == "supports" and "assailants" in ev["claim"] for ev in data["evidence"]
    )


def test_requests_without_a_token_are_refused(roles):
    response = post_report(APIClient(), {"title": "T", "body": BODY, "publisher": "X"})
    assert response.status_code == 401
    assert not Report.objects.exists()


def test_a_user_without_report_rights_is_refused(no_role_user):
    user = no_role_user
    client = token_client(user)
    assert post_report(client, {"title": "T", "body": BODY, "publisher": "X"}).status_code == 403
    assert not Report.objects.exists()


def test_token_command_creates_a_token_for_a_user(fact_checker, capsys):
    call_command("drf_create_token", fact_checker.username)
    assert Token.objects.get(user=fact_checker).key in capsys.readouterr().out


def test_json_nested_too_deep_is_a_json_400(api, roles):
    before = Report.objects.count()
    response = api.post(
        "/api/reports/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "nested too deep" in response.json()["detail"]
    assert Report.objects.count() == before


def test_a_body_over_the_upload_limit_is_a_json_413(api, roles, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    before = Report.objects.count()
    response = post_report(api, {"title": "T", "body": "x" * 2_000_000, "publisher": "Reuters"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "too large" in response.json()["detail"]
    assert Report.objects.count() == before
