"""The source page: who a source is, what it rolls up to, and its track record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.selectors.sources import source_page


@login_required
@permission_required("sources.view_source", raise_exception=True)
@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = source_page(pk=pk)
    if page is None:
        raise Http404("No such source.")
    return render(request, "sources/source_detail.html", {"page": page, "source": page.source})

