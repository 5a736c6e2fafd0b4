"""The claims list: search, filters, sorting, pagination, and rows that update themselves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime

from claims.forms.claim_list import ClaimFilterForm
from claims.http import HtmxHttpRequest
from claims.models import Claim
from claims.permissions import CLAIM_VIEW, required
from claims.selectors.assignment import assignee_options
from claims.selectors.claim_list import (
    claims_changed_since,
    claims_filtered,
)

PAGE_SIZE = 50
MAX_POLLED_IDS = 200


@dataclass(frozen=True)
class Row:
    claim: Claim
    url: str


def rows_for(claims: Iterable[Claim]) -> list[Row]:
    return [Row(claim=c, url=c.get_absolute_url()) for c in claims]


def _assign_context(request: HttpRequest) -> dict[str, object]:
    """The rows' assign menus, for those who may assign (editors)."""
    can_assign = request.user.has_perm("claims.assign_claim")
    return {"can_assign": can_assign, "assign_options": assignee_options() if can_assign else []}


def _poll_url(ids: Iterable[int], version: datetime) -> str:
    query = urlencode({"ids": ",".join(str(i) for i in ids), "v": version.isoformat()})
    return f"{reverse('claim-list-changes')}?{query}"


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
def claim_list(request: HtmxHttpRequest) -> HttpResponse:
    # Only the results are swapped for htmx; a history restore needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    form = ClaimFilterForm(request.GET)
    filters = form.filters(user_id=request.user.pk)
    if not partial:
        form.load_options()

    # The Paginator's COUNT(*) runs on this same lean queryset: no evidence prefetch and only
    # the claimant/assignee joins, so at 100k claims it is an index-only count on PostgreSQL
    # for the unfiltered list and an index range count for status/event/date filters. Only the
    # 50 rows of the page are fetched.
    paginator = Paginator(claims_filtered(filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = rows_for(page.object_list)
    rendered_at = timezone.now()
    # The newest change on screen is the version: a change committed after this page was read
    # but stamped a little earlier would be missed if the render time were used instead.
    version = max((r.claim.status_changed_at for r in rows), default=rendered_at)
    context = {
        "form": form,
        "page": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": rows,
        "filtered": any(
            v for k, v in form.cleaned_data.items() if k != "sort" and v not in (None, "", False)
        ),
        "poll_url": _poll_url([r.claim.pk for r in rows], version) if rows else None,
        # The verdicts export's form carries the list's filters along (not the page number).
        "export_filters": [
            (name, value)
            for name, value in request.GET.items()
            if name in ClaimFilterForm.base_fields and value
        ],
        **_assign_context(request),
    }
    template = "claims/_list_results.html" if partial else "claims/claim_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _parse_ids(raw: str) -> list[int]:
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
    return ids[:MAX_POLLED_IDS]


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
def claim_list_changes(request: HttpRequest) -> HttpResponse:
    """Polled every 3 s by the list: out-of-band swaps for the rows on screen whose status
    changed after the version the page showed, or 204 so htmx leaves the page alone."""
    ids = _parse_ids(request.GET.get("ids", ""))
    try:
        version = parse_datetime(request.GET.get("v", ""))
    except ValueError:  # well-formed but impossible, e.g. month 13
        version = None
    if not ids or version is None:
        return HttpResponse("Give the ids on screen and the version they show.", status=400)
    if timezone.is_naive(version):
        version = timezone.make_aware(version)
    changed = claims_changed_since(ids=ids, version=version)
    if not changed:
        return HttpResponse(status=204)
    new_version = max([version, *(c.status_changed_at for c in changed)])
    return render(
        request,
        "claims/_list_changes.html",
        {
            "rows": rows_for(changed),
            "poll_url": _poll_url(ids, new_version),
            **_assign_context(request),
        },
    )
