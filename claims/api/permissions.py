"""The API's permission classes: each view names, per HTTP method, an operation of
claims.permissions, the one table the desk's views read too. A token acts with its owner's
permissions; anonymous callers get 401, a signed-in caller without the role 403."""

from __future__ import annotations

import time
from typing import Any

from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from claims.permissions import required

# A feed client posts many reports a second with one token; loading its permissions (two joins
# over the auth tables) for every one cost more than storing the report. A change of role or a
# deactivation reaches the API within this many seconds; a revoked token at once (it is looked
# up on every request).
PERMISSION_CACHE_SECONDS = 30.0
_granted: dict[tuple[int, str], tuple[float, bool]] = {}


def has_perm_cached(user: Any, perm: str) -> bool:
    key = (user.pk, perm)
    hit = _granted.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    allowed = bool(user.has_perm(perm))
    if len(_granted) > 10_000:
        _granted.clear()
    _granted[key] = (now + PERMISSION_CACHE_SECONDS, allowed)
    return allowed


def clear_permission_cache() -> None:
    _granted.clear()


def may(user: Any, operation: str) -> bool:
    """claims.permissions.may, through the cache."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return all(has_perm_cached(user, perm) for perm in required(operation))


class OperationPermission(permissions.BasePermission):
    """Allows a request when the user may do the view's operation for its method
    (`view.operations`, e.g. {"GET": CLAIM_VIEW, "POST": CLAIM_CREATE}; HEAD and OPTIONS
    follow GET)."""

    message = "Your account may not do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        operations: dict[str, str] = view.operations
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        operation = operations.get(method or "")
        if operation is None:
            return True  # the view answers 405
        return may(request.user, operation)


class OperationsView(APIView):
    """A view whose permission is its operations table (`operations`, per HTTP method)."""

    permission_classes = [OperationPermission]
    operations: dict[str, str] = {}
