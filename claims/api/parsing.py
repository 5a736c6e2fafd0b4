"""The API's answers to input it cannot read: JSON 400 or 413 naming the problem, never a 500
or an HTML page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler


class BoundedJSONParser(JSONParser):
    """JSON, with a document nested deeper than Python's recursion limit answered as a parse
    error (400) instead of a RecursionError (500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deep.") from None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a JSON 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django would
    answer an HTML 400), and a service's refusal (Django's ValidationError: a rule the desk's
    forms show beside their fields) as a 400 in the same shape as a serializer's: each field
    with its messages, the rest under "non_field_errors"."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body: dict[str, list[str]] = {
                ("non_field_errors" if key == "__all__" else key): list(messages)
                for key, messages in exc.message_dict.items()
            }
        else:
            body = {"non_field_errors": list(exc.messages)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "Request body too large; a report body may be at most 500,000 characters."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return exception_handler(exc, context)
