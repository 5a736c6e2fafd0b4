"""The source page (who a source is, what it rolls up to, its track record) and the
suggestions under the desk's source boxes."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from claims.permissions import SOURCE_VIEW, required
from claims.selectors.sources import source_page, source_track_record
from sources.models import Source
from sources.selectors import SUGGEST_MAX_LENGTH, source_resolution, source_suggest
from sources.services import source_update


@login_required
@permission_required(required(SOURCE_VIEW), raise_exception=True)
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


# The id of the box the suggestions are for: Django's form ids ("id_hops-0-source").
_BOX_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


@login_required
@permission_required(required(SOURCE_VIEW), raise_exception=True)
@require_safe
def source_suggest_options(request: HttpRequest) -> HttpResponse:
    """The listbox of known sources matching `q` for the box `for`, and the line saying which
    source saving `q` gives (or that a new one is created). Reads only: a source is created
    when the form is saved, never while typing. With `picked`, the line alone."""
    box = request.GET.get("for", "")
    text = request.GET.get("q", "")
    if not _BOX_ID.fullmatch(box):
        return HttpResponseBadRequest("Say which box the suggestions are for.")
    if "\x00" in text or len(text) > SUGGEST_MAX_LENGTH:
        return HttpResponseBadRequest(
            f"A source's name is at most {SUGGEST_MAX_LENGTH} characters, with no NUL."
        )
    picked = request.GET.get("picked") == "1"
    return render(
        request,
        "claims/_source_suggest.html",
        {
            "box": box,
            "text": text.strip(),
            "matches": [] if picked else source_suggest(text=text),
            "resolution": source_resolution(label=text),
        },
    )
