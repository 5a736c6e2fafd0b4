"""The source page: who a source is, what it rolls up to, and its track record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from claims.selectors.sources import source_page, source_track_record
from sources.models import Source
from sources.services import source_update


@login_required
@permission_required("sources.view_source", raise_exception=True)
@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = source_page(pk=pk)
    if page is None:
        raise Http404("No such source.")
    return render(request, "sources/source_detail.html", {"page": page, "source": page.source})



@login_required
@permission_required("sources.change_source", raise_exception=True)
@require_POST
def source_accept_grade(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin takes the grade the source's record against published verdicts suggests; the
    claims its evidence touches are re-assessed (sources.services.source_update)."""
    source = get_object_or_404(Source, pk=pk)
    suggested = source_track_record(source).suggested_grade
    if suggested is None:
        messages.error(request, "No published verdict judges this source's reports yet.")
    elif suggested == source.grade:
        messages.info(request, f"{source.name} is already graded {suggested}.")
    else:
        old = source.grade
        source_update(source=source, grade=suggested)
        messages.success(
            request,
            f"{source.name} is now graded {suggested} (was {old}); its claims are being re-assessed.",
        )
    return redirect("source-detail", pk=pk)
