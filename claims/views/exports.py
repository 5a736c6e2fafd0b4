"""The claims list as files: CSV and JSON Lines with the list's filters and order, each claim
with its latest verdict. Streamed row by row, so 100k claims never sit in memory; for whoever
may see the list."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from claims.forms.claim_list import ClaimFilterForm
from claims.selectors.exports import EXPORT_FIELDS, VERDICT_FIELDS, claims_for_export

COLUMNS = (
    *(field.replace("__", "_") for field in EXPORT_FIELDS),
    *(name for name, _ in VERDICT_FIELDS),
    "url",
)
# A cell a spreadsheet would run as a formula: =, +, -, @, or a tab or carriage return first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    form = ClaimFilterForm(request.GET)
    filters = form.filters(user_id=request.user.pk)
    page = request.build_absolute_uri(reverse("claim-detail", args=[999_999_999]))
    page = page.replace("999999999", "{}")
    for row in claims_for_export(filters):
        out = {field.replace("__", "_"): _value(row[field]) for field in EXPORT_FIELDS}
        out.update((name, _value(row[name])) for name, _ in VERDICT_FIELDS)
        out["url"] = page.format(row["id"])
        yield out


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows as text: formulas are escaped with a leading
    apostrophe (OWASP's advice against CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([csv_cell(row[column]) for column in COLUMNS])


def _jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _filename(extension: str) -> str:
    return f"claims-{timezone.now():%Y%m%d-%H%M%S}.{extension}"


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_safe
def claims_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(_rows(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_safe
def claims_export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _jsonl_lines(_rows(request)), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("jsonl")}"'
    return response
