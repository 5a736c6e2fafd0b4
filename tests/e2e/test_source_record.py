"""The source page's record against published verdicts: an admin reads the suggested grade and
accepts it in one click."""

import pytest

from claims.demo import story as demo
from sources.models import Source
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import make_claim, make_evidence, make_verdict

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = next(u for u in demo.USERS if u.role == "admin")
EDITOR = next(u for u in demo.USERS if u.role == "editor")


def test_an_admin_accepts_the_grade_a_source_has_earned(page, live_server, demo_story):
    from django.contrib.auth.models import User

    outlet = Source.objects.create(name="Steppe Ledger", kind="newspaper", grade="F")
    editor = User.objects.get(username=EDITOR.username)
    for index, (stance, label) in enumerate(
        [("supports", "True")] * 4 + [("contradicts", "False")] * 2
    ):
        claim = make_claim(text=f"A claim the Steppe Ledger reported on, number {index}")
        make_evidence(claim=claim, origin=outlet, stance=stance)
        make_verdict(claim, label, editor, rationale="Checked against the records.")

    sign_in(page, live_server.url, ADMIN.username, ADMIN.password)
    page.goto(f"{live_server.url}/sources/{outlet.pk}/")
    record = page.locator("section[aria-labelledby=verdict-record-h]")
    assert "6 reports" in record.inner_text() and "Suggested grade: B" in record.inner_text()
    screenshot(page, "source-record")

    page.get_by_role("button", name="Grade Steppe Ledger B").click()
    page.wait_for_load_state("networkidle")
    assert "now graded B (was F)" in page.inner_text(".messages")
    outlet.refresh_from_db()
    assert outlet.grade == "B"
    screenshot(page, "source-record-accepted")
