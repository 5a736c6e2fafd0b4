"""Who may do what, in one table: every desk route, API operation and a sample of the admin,
against every kind of caller. A route added without a row here fails
`test_every_route_has_a_row`, so no screen or endpoint ships without its refusals checked.

Callers: anonymous, a signed-in user in no role, a fact-checker, an editor, an admin (staff), and
a fact-checker's API token sent with no session. Outcomes:
- ALLOW: the operation runs (any answer below 500 but a refusal: 200, a redirect elsewhere than
  sign-in, a 400 for the empty form the matrix sends, a 404 or 409 the data decides);
- LOGIN: sent to sign in (the desk's or the admin's page) or, on the API, 401/403;
- FORBID: signed in but refused (403).

The sessions here have passed any second factor (the test settings do not ask for one);
tests/test_two_factor.py holds what an editor or admin who has not given it is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ALLOW, LOGIN, FORBID = "allow", "login", "forbid"
CALLERS = ("anonymous", "no_role", "fact_checker", "editor", "admin", "token")

# Shorthands for the usual rows, in CALLERS order.
PUBLIC = (ALLOW,) * 6
DESK = (LOGIN, FORBID, ALLOW, ALLOW, ALLOW, LOGIN)  # every desk role; a token has no session
EDITORS = (LOGIN, FORBID, FORBID, ALLOW, ALLOW, LOGIN)  # review and publishing
API_DESK = (LOGIN, FORBID, ALLOW, ALLOW, ALLOW, ALLOW)  # the token is a fact-checker's
API_EDITORS = (LOGIN, FORBID, FORBID, ALLOW, ALLOW, FORBID)  # the token's fact-checker may not
ADMIN_ONLY = (LOGIN, LOGIN, LOGIN, LOGIN, ALLOW, LOGIN)  # non-staff are sent to admin sign-in


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    expected: tuple[str, ...]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    data: dict[str, Any] = field(default_factory=dict)
    query: str = ""


def claim(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["claim"].pk}


def evidence(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["claim"].pk, "evidence_pk": objects["evidence"].pk}


def report(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["report"].pk}


def source(objects: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objects["source"].pk}


def verdict(objects: dict[str, Any]) -> dict[str, Any]:
    return {"object_id": objects["verdict"].pk}


MATRIX: tuple[Row, ...] = (
    # The desk.
    Row("dashboard", "get", DESK),
    Row("claim-list", "get", DESK),
    Row("claim-list-changes", "get", DESK),
    # The list as files, with its filters: for whoever may see the list.
    Row("claim-export-csv", "get", DESK, query="?status=unverified"),
    Row("claim-export-jsonl", "get", DESK),
    # Every published verdict as files: for whoever may see the claims and their verdicts.
    Row("verdict-export-csv", "get", DESK, query="?published_from=2020-01-01"),
    Row("verdict-export-jsonl", "get", DESK),
    Row("claim-new", "get", DESK),
    Row("claim-new", "post", DESK),
    Row("claim-from-article", "get", DESK),
    Row("claim-from-article", "post", DESK, data={"propose": "1"}),
    Row("claim-detail", "get", DESK, claim),
    Row("claim-status", "get", DESK, claim),
    Row("claim-attributions", "post", DESK, claim),
    Row("claim-assign", "post", EDITORS, claim),  # editors hand claims to fact-checkers
    Row("claim-evidence", "get", DESK, claim),
    Row("claim-known-fact-checks", "get", DESK, claim),
    Row("claim-evidence-add", "post", DESK, claim),
    Row("claim-report-options", "get", DESK, claim),
    Row("claim-evidence-relabel", "post", DESK, evidence, {"stance": "discusses"}),
    Row("claim-evidence-reject", "post", DESK, evidence),
    Row("report-paste", "get", DESK),
    Row("report-paste", "post", DESK),
    Row("report-detail", "get", DESK, report),
    Row("report-evidence", "get", DESK, report),
    Row("report-fetch", "post", DESK, report),
    Row("source-detail", "get", DESK, source),
    Row("source-suggest", "get", DESK, query="?q=Reu&for=id_claimant"),
    # Accepting a learned grade is an admin's call (change_source).
    Row("source-accept-grade", "post", (LOGIN, FORBID, FORBID, FORBID, ALLOW, LOGIN), source),
    Row("review-queue", "get", EDITORS),
    Row("review-publish", "post", EDITORS, claim),
    Row("claim-public", "get", PUBLIC, lambda objects: {"pk": objects["verdict"].claim_id}),
    Row("published-index", "get", PUBLIC),
    Row("published-feed", "get", PUBLIC),
    Row("claim-review-feed", "get", PUBLIC),
    Row("sitemap", "get", PUBLIC),
    # The API.
    Row("api-report-list", "post", API_DESK, data={"title": "t", "body": "b", "publisher": "p"}),
    Row("api-report-list", "get", API_DESK),
    Row("api-report-detail", "get", API_DESK, report),
    Row("api-claim-list", "get", API_DESK),
    Row("api-claim-list", "post", API_DESK),  # the empty body: a 400 for those allowed
    Row("api-claim-detail", "get", API_DESK, claim),
    Row("api-claim-assign", "post", API_EDITORS, claim),  # editors hand claims out
    Row("api-evidence-add", "post", API_DESK, claim),
    Row("api-evidence-relabel", "post", API_DESK, evidence, {"stance": "discusses"}),
    Row("api-evidence-reject", "post", API_DESK, evidence),
    Row("api-source-list", "get", API_DESK),
    Row("api-source-detail", "get", API_DESK, source),
    Row("api-verdict-list", "get", API_DESK),
    # Publishing is for editors (and admins), as on the review screen.
    Row("api-verdict-list", "post", API_EDITORS),
    Row("api-verdict-detail", "get", API_DESK, lambda objects: {"pk": objects["verdict"].pk}),
    Row("api-claim-known-fact-checks", "get", API_DESK, claim),
    Row("api-extract", "post", API_DESK, data={"text": "The ministry said 13 officers died."}),
    # The API's schema and its docs page are public documentation.
    Row("api-schema", "get", PUBLIC),
    Row("api-docs", "get", PUBLIC),
    # Signing in and out, and password reset, are open to all.
    Row("login", "get", PUBLIC),
    # The second factor's pages: for anyone signed in (editors must, others may enrol).
    Row("two_factor_verify", "get", (LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, LOGIN)),
    Row("two_factor_enrol", "get", (LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, LOGIN)),
    Row("password_reset", "get", PUBLIC),
    # The admin: staff only; every desk role is sent to the admin's sign-in.
    Row("admin:index", "get", ADMIN_ONLY),
    Row("admin:sources_source_changelist", "get", ADMIN_ONLY),
    Row("admin:sources_report_changelist", "get", ADMIN_ONLY),
    Row("admin:sources_feed_changelist", "get", ADMIN_ONLY),
    Row("admin:claims_webhooksubscriber_changelist", "get", ADMIN_ONLY),
    Row("admin:claims_deliveryattempt_changelist", "get", ADMIN_ONLY),
    Row("admin:claims_claim_changelist", "get", ADMIN_ONLY),
    Row("admin:claims_verdict_change", "get", ADMIN_ONLY, verdict),
    Row("admin:claims_knownfactcheck_changelist", "get", ADMIN_ONLY),
    Row("admin:claims_knownfactcheck_import", "get", ADMIN_ONLY),
    Row("admin:sources_source_import", "get", ADMIN_ONLY),
    Row("admin:sources_source_export", "get", ADMIN_ONLY),
    Row("admin:auth_user_changelist", "get", ADMIN_ONLY),
    Row("admin:authtoken_tokenproxy_changelist", "get", ADMIN_ONLY),
)

# Named routes that are not operations of their own: Django's sign-in views other than the
# sign-in page (each is reached from it and refuses nothing), reached only after a redirect.
NOT_OPERATIONS = frozenset({
    "logout", "password_change", "password_change_done", "password_reset_done",
    "password_reset_confirm", "password_reset_complete",
})  # fmt: skip


def _named_routes(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin is sampled above: its views refuse through one site
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_has_a_row() -> None:
    routes = set(_named_routes(get_resolver().url_patterns)) - NOT_OPERATIONS
    covered = {row.route for row in MATRIX}
    assert routes - covered == set(), "routes without a row in the permission matrix"
    assert {r for r in covered if not r.startswith("admin:")} - routes == set(), "stale rows"


@pytest.fixture
def objects(roles: None, other_editor: Any) -> dict[str, Any]:
    from claims.models import Rating
    from tests.factories import make_claim, make_evidence, make_source, make_verdict

    make_source(name="Reuters", grade="A")
    evidence_row = make_evidence()
    published = make_claim(text="A claim with a published verdict")
    return {
        "claim": evidence_row.claim,
        "evidence": evidence_row,
        "report": evidence_row.report,
        "source": evidence_row.origin,
        "verdict": make_verdict(
            published, Rating.objects.order_by("pk").first().label, other_editor
        ),
    }


@pytest.fixture
def callers(
    no_role_user: Any, fact_checker: Any, editor: Any, admin_user: Any
) -> dict[str, Client]:
    from rest_framework.authtoken.models import Token

    signed_in = {
        "no_role": no_role_user,
        "fact_checker": fact_checker,
        "editor": editor,
        "admin": admin_user,
    }
    clients = {"anonymous": Client()}
    for name, user in signed_in.items():
        clients[name] = Client()
        clients[name].force_login(user)
    token = Token.objects.create(user=fact_checker)
    clients["token"] = Client(headers={"Authorization": f"Token {token.key}"})
    return clients


def _outcome(response: Any, *, api: bool) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if api and status in (401, 403):
        # The API has no sign-in page: a caller without credentials gets 401 (or 403 when no
        # authenticator offers a challenge); a signed-in caller without the role gets 403.
        detail = str(getattr(response, "data", {}) or {})
        return LOGIN if "credentials" in detail.lower() else FORBID
    if status == 403:
        return FORBID
    if status in (301, 302) and "/login/" in response.get("Location", ""):
        return LOGIN
    assert status != 405, "the matrix names a method the route does not take"
    return ALLOW


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method.upper()} {row.route}")
def test_each_caller_gets_what_the_matrix_says(
    row: Row, objects: dict[str, Any], callers: dict[str, Client]
) -> None:
    url = reverse(row.route, kwargs=row.kwargs(objects)) + row.query
    api = url.startswith("/api/")
    got = {}
    for caller in CALLERS:
        client = callers[caller]
        if row.method == "get":
            response = client.get(url)
        elif api:
            response = client.post(url, row.data, content_type="application/json")
        else:
            response = client.post(url, row.data)
        got[caller] = _outcome(response, api=api)
    assert got == dict(zip(CALLERS, row.expected, strict=True))
