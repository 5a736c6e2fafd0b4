"""Sign-in throttling (django-axes): five wrong passwords for one username from one address lock
that pair out with a 429 page and a log line, on the desk's and the admin's sign-in pages."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from claims.demo import story as demo

pytestmark = pytest.mark.django_db

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")
ADMIN = next(u for u in demo.USERS if u.role == "admin")


def attempt(client, url, username, password, address="203.0.113.7"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize(
    ("url_name", "user"), [("login", FACT_CHECKER), ("admin:login", ADMIN)]
)
def test_five_wrong_passwords_lock_the_username_on_that_address_with_a_429(
    client, demo_story, caplog, url_name, user
):
    url = reverse(url_name)
    for _ in range(4):
        assert attempt(client, url, user.username, "wrong").status_code == 200
    with caplog.at_level(logging.WARNING, logger="axes"):
        locked = attempt(client, url, user.username, "wrong")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert any("locking out" in r.getMessage().lower() for r in caplog.records)
    # Locked: even the right password is refused until the cool-off ends.
    assert attempt(client, url, user.username, user.password).status_code == 429
    # Another address is not locked: an attacker cannot lock an editor out from elsewhere.
    other = attempt(client, url, user.username, user.password, address="198.51.100.9")
    assert other.status_code == 302


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(client, demo_story):
    url = reverse("login")
    for _ in range(4):
        attempt(client, url, FACT_CHECKER.username, "wrong")
    assert attempt(client, url, FACT_CHECKER.username, FACT_CHECKER.password).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, url, FACT_CHECKER.username, "wrong").status_code == 200


def test_an_admin_clears_a_lock_in_the_admin_and_a_fact_checker_may_not(
    client, demo_story, admin_user, fact_checker
):
    from axes.models import AccessAttempt

    url = reverse("login")
    for _ in range(5):
        attempt(client, url, FACT_CHECKER.username, "wrong")
    assert attempt(client, url, FACT_CHECKER.username, FACT_CHECKER.password).status_code == 429
    lock = AccessAttempt.objects.get(username=FACT_CHECKER.username)
    changelist = reverse("admin:axes_accessattempt_changelist")

    client.force_login(fact_checker)
    assert client.get(changelist).status_code == 302  # no admin panel for the desk
    client.force_login(admin_user)
    page = client.get(changelist)
    assert page.status_code == 200 and FACT_CHECKER.username in page.content.decode()
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"}
    )
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert attempt(client, url, FACT_CHECKER.username, FACT_CHECKER.password).status_code == 302
