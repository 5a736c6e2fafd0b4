"""The API's OpenAPI schema: the committed file is what the code generates, it is served with
its docs page, and Schemathesis finds no server error and no answer outside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import REPO_ROOT

SCHEMA_FILE = REPO_ROOT / "docs" / "api" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --validate --file docs/api/openapi.yaml"


def test_the_committed_schema_is_what_the_code_generates(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == SCHEMA_FILE.read_text(), (
        f"docs/api/openapi.yaml is out of date: run `{REGENERATE}` and commit it"
    )


@pytest.mark.django_db
def test_the_schema_and_its_docs_page_are_served(client: Any) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/reports/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


# How the API refuses a request that breaks the schema. A body over the byte limit is refused
# with 413 before any field is read, so text that breaks a field's maxLength in multi-byte
# characters meets 413, not 400 (Schemathesis' default list lacks 413); a server error is never
# a refusal.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
schema = schemathesis.openapi.from_path(
    SCHEMA_FILE,
    config=SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
    ),
)
schema.app = get_wsgi_application()


@pytest.fixture
def in_test_transaction() -> Any:
    """Django's WSGI handler closes the database connection when a request ends, which would
    end the test's transaction; Django's own test client keeps it open the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(fact_checker: Any, in_test_transaction: None) -> str:
    from rest_framework.authtoken.models import Token

    return str(Token.objects.create(user=fact_checker).key)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case: Any, token: str) -> None:
    # Every check but one: no server error, documented status codes, content types, headers
    # and bodies. Left out: that every schema-valid request is accepted. The API also refuses,
    # with a 400 naming the field, what a schema cannot say (a body of blanks, a URL to a private
    # address, a date in 1066, neither publisher nor URL); tests/test_bad_input_properties.py
    # holds those refusals to their contract.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance]
    )


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_and_a_desk_one_the_page(client: Any) -> None:
    for path in ("/api/reports/abc/", "/api/nothing-here/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
