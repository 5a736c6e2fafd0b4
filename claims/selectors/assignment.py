"""Reads for assigning claims: who can be given one, and the open claims a person holds."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from claims.models import Claim, Verdict
from claims.roles import ASSIGNABLE_ROLES, EDITOR

ASSIGNED_LIMIT = 10


def assignable_users() -> QuerySet[User]:
    """The desk's active fact-checkers and editors, by username."""
    users: QuerySet[User] = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ASSIGNABLE_ROLES)
        .distinct()
        .order_by("username")
    )
    return users


def assignee_options() -> list[tuple[int, str]]:
    """(id, label) for the assign menus: the username, with "editor" beside editors."""
    editors = set(
        assignable_users().filter(groups__name=EDITOR).values_list("pk", flat=True)
    )
    return [
        (pk, f"{username} (editor)" if pk in editors else username)
        for pk, username in assignable_users().values_list("pk", "username")
    ]


def _open() -> Q:
    """A claim still to be worked: no published verdict yet, or changed since its last."""
    published = Verdict.objects.filter(claim_id=OuterRef("pk"), published_at__isnull=False)
    return Q(awaiting_review=True) | ~Q(Exists(published))


def assigned_open_claims(*, user_id: int, limit: int = ASSIGNED_LIMIT) -> tuple[list[Claim], int]:
    """The open claims assigned to the user, most recently changed first (at most ``limit``),
    and how many there are in all."""
    mine = Claim.objects.filter(_open(), assignee_id=user_id)
    rows = list(
        mine.select_related("claimant")
        .only("id", "text", "status", "credibility", "status_changed_at", "claimant__name")
        .order_by("-status_changed_at", "-id")[:limit]
    )
    total = len(rows) if len(rows) < limit else mine.count()
    return rows, total
