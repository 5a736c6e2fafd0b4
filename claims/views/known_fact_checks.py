"""The claim page's "Already fact-checked elsewhere" section: the closest known fact-checks,
loaded by htmx after the page (the first search in a process builds the matcher's index)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.models import Claim
from claims.pipeline.known_fact_checks import known_fact_checks_for


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_safe
def claim_known_fact_checks(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.only("id", "text", "quote"), pk=pk)
    return render(
        request,
        "claims/_detail_known.html",
        {"claim": claim, "known": known_fact_checks_for(claim), "loaded": True},
    )
