"""Property-based bad input (Hypothesis): whatever a client or a fact-checker sends, the API, the
paste form, the new-claim form and the claim list answer with a result or a clear refusal, never
a server error, and a refusal stores nothing.

The strategies mix the shapes real mistakes take (wrong JSON types, nested structures, huge and
tiny numbers, control characters, NUL bytes, lone surrogates' replacement, dates out of range,
URLs with odd ports and hosts) with arbitrary text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Each property runs in the one transaction of its test: examples share the database, which is
# what a stream of bad requests against a live desk looks like too.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "", " ", "\x00", "a\x00b", "\u202e", "\ufeff", "🙂" * 50, "x" * 5000, "<script>",
        "../../etc/passwd", "%00", "\r\n", "9999-12-31T23:59:59Z", "0001-01-01", "NaN",
        "https://example.com:99999/x", "http://[::1]:8080/x", "http://[zz::]/", "ftp://x",
        "javascript:alert(1)", "http://localhost", "//evil.example", "https://", "1e309",
    ]),
)  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
report_fields = ("title", "body", "publisher", "url", "published_at")
report_payloads = st.one_of(
    st.fixed_dictionaries({}, optional={name: json_values for name in report_fields}),
    json_values,
)
form_values = st.one_of(odd_text, st.integers().map(str), st.floats(allow_nan=True).map(str))


def _stored_reports() -> int:
    from sources.models import Report

    return Report.objects.count()


@pytest.fixture
def api(fact_checker: Any) -> Any:
    from tests.factories import token_client

    return token_client(fact_checker)


@pytest.fixture
def desk(fact_checker: Any) -> Client:
    client = Client()
    client.force_login(fact_checker)
    return client


@PROPERTY
@given(payload=report_payloads)
def test_the_report_api_refuses_bad_json_with_a_json_400(api: Any, payload: Any) -> None:
    before = _stored_reports()
    response = api.post("/api/reports/", payload, format="json")
    assert response.status_code in (200, 202, 400, 409, 413), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code == 400:
        assert isinstance(response.json(), dict) and response.json(), "a 400 names its fields"
        assert _stored_reports() == before


@PROPERTY
@given(raw=st.binary(max_size=400))
def test_the_report_api_refuses_bytes_that_are_not_json(api: Any, raw: bytes) -> None:
    before = _stored_reports()
    response = api.post("/api/reports/", raw, content_type="application/json")
    assert response.status_code in (200, 202, 400, 409, 413), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert _stored_reports() == before


@PROPERTY
@given(fields=st.fixed_dictionaries({}, optional={n: form_values for n in report_fields}))
def test_the_paste_form_answers_bad_fields_with_form_errors(
    desk: Client, fields: dict[str, str]
) -> None:
    before = _stored_reports()
    response = desk.post("/reports/new/", fields)
    assert response.status_code in (200, 302), response.content[:300]
    if response.status_code == 200:  # the form again, with its errors
        assert _stored_reports() == before


claim_fields = ("text", "quote", "kind", "claimant", "claimant_cue", "event", "made_at", "hedges",
                "first_report")  # fmt: skip


@PROPERTY
@given(fields=st.fixed_dictionaries({}, optional={n: form_values for n in claim_fields}))
def test_the_new_claim_form_answers_bad_fields_with_form_errors(
    desk: Client, fields: dict[str, str]
) -> None:
    from claims.models import Claim

    before = Claim.objects.count()
    response = desk.post("/claims/new/", fields)
    assert response.status_code in (200, 302), response.content[:300]
    if response.status_code == 200:
        assert Claim.objects.count() == before


list_params = ("q", "status", "credibility", "claimant", "source", "event", "mine", "since", "sort",
               "page")  # fmt: skip


@PROPERTY
@given(params=st.fixed_dictionaries({}, optional={n: form_values for n in list_params}))
@example(params={"claimant": str(2**70)})  # beyond a 64-bit id: once a database error
def test_the_claim_list_answers_any_filter(desk: Client, params: dict[str, str]) -> None:
    response = desk.get("/claims/", params)
    assert response.status_code in (200, 400), response.content[:300]
