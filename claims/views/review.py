"""The editors' review queue: accept or override the engine's proposed status and publish."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims.forms.review import AcceptForm, OverrideForm
from claims.http import HtmxHttpRequest
from claims.models import Claim, Rating
from claims.permissions import REVIEW_QUEUE, VERDICT_PUBLISH, required
from claims.selectors.publishing import Citation, claim_citations, claims_citations
from claims.selectors.review import (
    ReviewItem,
    active_ratings,
    review_claim,
    review_item,
    review_queue,
    review_queue_size,
)
from claims.services.review import Conflict, review_accept, review_override

PER_PAGE = 20


@dataclass
class ReviewCard:
    item: ReviewItem
    accept_form: AcceptForm
    override_form: OverrideForm
    own: bool
    citations: list[Citation]
    alert: str = ""
    override_open: bool = False


def _card(
    item: ReviewItem,
    ratings: Sequence[Rating],
    user: User | AnonymousUser,
    *,
    bound: AcceptForm | OverrideForm | None = None,
    alert: str = "",
    citations: list[Citation] | None = None,
) -> ReviewCard:
    pk = item.claim.pk
    seen = {"seen_version": item.seen_version, "seen_verdict": item.last_verdict_id}
    # The rationale is published: the editor writes it. The engine's explanation and the
    # evidence to cite stand beside the empty field (review.html), never in it.
    accept = AcceptForm(initial=seen, auto_id=f"c{pk}-accept-%s")
    override = OverrideForm(initial=seen, ratings=ratings, auto_id=f"c{pk}-override-%s")
    if isinstance(bound, AcceptForm):
        accept = bound
    elif isinstance(bound, OverrideForm):
        override = bound
    return ReviewCard(
        item=item,
        accept_form=accept,
        override_form=override,
        own=item.claim.created_by_id is not None and item.claim.created_by_id == user.pk,
        citations=claim_citations(item.claim) if citations is None else citations,
        alert=alert,
        override_open=isinstance(bound, OverrideForm),
    )


def _queue_page(request: HtmxHttpRequest, *, status: int = 200) -> HttpResponse:
    page = Paginator(review_queue(), PER_PAGE).get_page(request.GET.get("page"))
    ratings = active_ratings()
    claims = list(page.object_list)
    cited = claims_citations(claims)
    cards = [
        _card(review_item(claim), ratings, request.user, citations=cited[claim.pk])
        for claim in claims
    ]
    return render(
        request,
        "claims/review_queue.html",
        {
            "page": page,
            "cards": cards,
            "can_publish": request.user.has_perm("claims.publish_verdict"),
        },
        status=status,
    )


def _card_response(
    request: HtmxHttpRequest,
    card: ReviewCard,
    *,
    status: int,
) -> HttpResponse:
    context = {"card": card, "can_publish": True}
    if request.htmx:
        return render(request, "claims/_review_item.html", context, status=status)
    # Without htmx, show the one item being worked on, so its errors are in view.
    return render(
        request,
        "claims/review_queue.html",
        {**context, "cards": [card], "single": True},
        status=status,
    )


def _refusal(
    request: HtmxHttpRequest, card: ReviewCard, *, message: str, status: int
) -> HttpResponse:
    if request.htmx:
        card.alert = message
        return render(
            request, "claims/_review_item.html", {"card": card, "can_publish": True}, status=status
        )
    messages.error(request, message)
    return _queue_page(request, status=status)


@login_required
@permission_required(required(REVIEW_QUEUE), raise_exception=True)
@require_GET
def review_queue_page(request: HtmxHttpRequest) -> HttpResponse:
    return _queue_page(request)


@login_required
@permission_required(required(VERDICT_PUBLISH), raise_exception=True)
@require_POST
def review_publish(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in {"accept", "override"}:
        return HttpResponseBadRequest("Unknown decision.")
    ratings = active_ratings()
    form: AcceptForm | OverrideForm
    if decision == "accept":
        form = AcceptForm(request.POST, auto_id=f"c{pk}-accept-%s")
    else:
        form = OverrideForm(request.POST, ratings=ratings, auto_id=f"c{pk}-override-%s")

    def current_card(alert: str = "") -> ReviewCard:
        claim = review_claim(claim_id=pk)
        if claim is None:
            raise Http404("No such claim.")
        return _card(review_item(claim), ratings, request.user, bound=form, alert=alert)

    if not form.is_valid():
        return _card_response(request, current_card(), status=422)
    data = form.cleaned_data
    assert isinstance(request.user, User)  # login_required
    try:
        if isinstance(form, OverrideForm):
            verdict = review_override(
                claim_id=pk,
                editor=request.user,
                rating=data["rating"],
                rationale=data["rationale"],
                seen_version=data["seen_version"],
                seen_verdict_id=data["seen_verdict"],
            )
        else:
            verdict = review_accept(
                claim_id=pk,
                editor=request.user,
                rationale=data["rationale"],
                seen_version=data["seen_version"],
                seen_verdict_id=data["seen_verdict"],
            )
    except Claim.DoesNotExist as exc:
        raise Http404("No such claim.") from exc
    except Conflict as exc:
        if request.htmx:
            return render(
                request,
                "claims/_review_conflict.html",
                {"message": exc.message, "claim_id": pk},
                status=409,
            )
        messages.error(request, exc.message)
        return _queue_page(request, status=409)
    except PermissionDenied as exc:
        message = str(exc) or "You may not publish a verdict on this claim."
        return _refusal(request, current_card(), message=message, status=403)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, field_errors in errors.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _card_response(request, current_card(), status=422)

    public_url = reverse("claim-public", args=[pk])
    if request.htmx:
        return render(
            request,
            "claims/_review_done.html",
            {"verdict": verdict, "public_url": public_url, "queue_size": review_queue_size()},
        )
    messages.success(
        request,
        f"Published “{verdict.rating.label}” on “{truncatechars(verdict.claim.text, 80)}”. "
        f"Public page: {request.build_absolute_uri(public_url)}",
    )
    return redirect("review-queue")
