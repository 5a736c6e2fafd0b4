"""The claims list as files: CSV and JSON Lines with the list's filters and order, each claim
with its latest verdict; and every published verdict of the claims those filters pick, within
a range of publication days, for a newsroom's own systems. Streamed row by row, so 100k claims
never sit in memory; for whoever may see the list (and, for verdicts, the verdicts)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from claims.forms.claim_list import ClaimFilterForm, PublishedRangeForm
from claims.permissions import CLAIM_VIEW, VERDICT_VIEW, required
from claims.selectors.exports import (
    EXPORT_FIELDS,
    VERDICT_FIELDS,
    claims_for_export,
    verdicts_for_export,
)

COLUMNS = (
    *(field.replace("__", "_") for field in EXPORT_FIELDS),
    *(name for name, _ in VERDICT_FIELDS),
    "url",
)
VERDICT_COLUMNS = (
    "id",
    "claim_id",
    "claim_text",
    "claimant",
    "event",
    "rating",
    "rating_value",
    "status_at_review",
    "rationale",
    "editor",
    "editor_name",
    "created_at",
    "published_at",
    # Whether this is the verdict the claim's public page shows (a later one supersedes it).
    "current",
    "public_url",
    "claim_url",
)
# Published verdicts are shown to anyone on the public pages, but the export also names the
# editor's account and lists superseded verdicts: desk readers only.
VERDICT_EXPORT_PERMS = (*required(CLAIM_VIEW), *required(VERDICT_VIEW))
# A cell a spreadsheet would run as a formula: =, +, -, @, or a tab or carriage return first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _url_pattern(request: HttpRequest, route: str) -> str:
    """The absolute URL of `route` for one claim, with `{}` for its id (built once per export,
    not once per row)."""
    return request.build_absolute_uri(reverse(route, args=[999_999_999])).replace("999999999", "{}")


def _rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    form = ClaimFilterForm(request.GET)
    filters = form.filters(user_id=request.user.pk)
    page = _url_pattern(request, "claim-detail")
    for row in claims_for_export(filters):
        out = {field.replace("__", "_"): _value(row[field]) for field in EXPORT_FIELDS}
        out.update((name, _value(row[name])) for name, _ in VERDICT_FIELDS)
        out["url"] = page.format(row["id"])
        yield out


def _verdict_rows(request: HttpRequest, published: PublishedRangeForm) -> Iterator[dict[str, Any]]:
    filters = ClaimFilterForm(request.GET).filters(user_id=request.user.pk)
    public, desk = _url_pattern(request, "claim-public"), _url_pattern(request, "claim-detail")
    rows = verdicts_for_export(
        filters,
        published_from=published.cleaned_data.get("published_from"),
        published_to=published.cleaned_data.get("published_to"),
    )
    for row in rows:
        yield {
            "id": row["id"],
            "claim_id": row["claim_id"],
            "claim_text": row["claim__text"],
            "claimant": row["claim__claimant__name"],
            "event": row["claim__event"],
            "rating": row["rating__label"],
            "rating_value": row["rating__rating_value"],
            "status_at_review": row["status_at_review"],
            "rationale": row["rationale"],
            "editor": row["editor__username"],
            # The name the public page signs the verdict with (get_full_name's rule).
            "editor_name": f"{row['editor__first_name']} {row['editor__last_name']}".strip(),
            "created_at": _value(row["created_at"]),
            "published_at": _value(row["published_at"]),
            "current": row["id"] == row["current_id"],
            "public_url": public.format(row["claim_id"]),
            "claim_url": desk.format(row["claim_id"]),
        }


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


def _csv_lines(rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([csv_cell(row[column]) for column in columns])


def _jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _filename(extension: str, what: str = "claims") -> str:
    return f"{what}-{timezone.now():%Y%m%d-%H%M%S}.{extension}"


CSV_TYPE = "text/csv; charset=utf-8"
JSONL_TYPE = "application/x-ndjson; charset=utf-8"


def _attachment(lines: Iterator[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
@require_safe
def claims_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _attachment(_csv_lines(_rows(request)), CSV_TYPE, _filename("csv"))


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
@require_safe
def claims_export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    return _attachment(_jsonl_lines(_rows(request)), JSONL_TYPE, _filename("jsonl"))


def _published_range(request: HttpRequest) -> PublishedRangeForm | HttpResponse:
    """The asked range of publication days, or a 400 naming what is wrong with it: unlike a
    list filter, a range the export left out would quietly widen a newsroom's import."""
    form = PublishedRangeForm(request.GET)
    if form.is_valid():
        return form
    problems = "; ".join(
        (f"{name}: " if name != "__all__" else "") + " ".join(map(str, errors))
        for name, errors in form.errors.items()
    )
    return HttpResponseBadRequest(
        f"The range of publication days is refused: {problems}", content_type="text/plain"
    )


def _verdicts_export(
    request: HttpRequest,
    lines_of: Callable[[Iterable[dict[str, Any]]], Iterator[str]],
    content_type: str,
    extension: str,
) -> HttpResponseBase:
    published = _published_range(request)
    if isinstance(published, HttpResponse):
        return published
    lines = lines_of(_verdict_rows(request, published))
    return _attachment(lines, content_type, _filename(extension, "verdicts"))


@login_required
@permission_required(VERDICT_EXPORT_PERMS, raise_exception=True)
@require_safe
def verdicts_export_csv(request: HttpRequest) -> HttpResponseBase:
    return _verdicts_export(
        request, lambda rows: _csv_lines(rows, VERDICT_COLUMNS), CSV_TYPE, "csv"
    )


@login_required
@permission_required(VERDICT_EXPORT_PERMS, raise_exception=True)
@require_safe
def verdicts_export_jsonl(request: HttpRequest) -> HttpResponseBase:
    return _verdicts_export(request, _jsonl_lines, JSONL_TYPE, "jsonl")
