"""A lost database connection answers 503, not a 500 traceback page.

When PostgreSQL drops a connection under a request (a restart, a failover, an administrator's
``pg_terminate_backend``), the query raises ``OperationalError`` or ``InterfaceError``. That is
the service being briefly unavailable, not a bug: the client is told to retry (503 with
``Retry-After``), as JSON under ``/api/`` and as a plain page on the desk, and the error is
logged. Django closes the broken connection when the request ends (``CONN_MAX_AGE`` with
``CONN_HEALTH_CHECKS``, ``factcheck.env.env_database``), so the next request connects afresh
without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponseBase:
    """The 503 for a request whose database connection was lost."""
    response: HttpResponseBase
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The database is unavailable for a moment; retry shortly."}, status=503
        )
    else:
        # Without the request: its context processors (the signed-in user, the navigation)
        # would query the database whose connection was just lost.
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view (or its template) into a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not isinstance(exception, CONNECTION_ERRORS):
            return None
        logger.error(
            "database unavailable for %s %s: answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        return database_unavailable(request)
