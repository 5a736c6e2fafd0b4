"""The claim page, its live status panel, the fact-checkers' evidence actions, attribution
editing and the new-claim form."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from claims.engine.vocabulary import Stance
from claims.forms.assignment import AssignForm
from claims.forms.claim import (
    AttributionFormSet,
    ClaimForm,
    EvidenceAddForm,
    EvidenceRelabelForm,
    HopFormSet,
    QuantityFormSet,
    SourceChoice,
)
from claims.http import HtmxHttpRequest
from claims.models import Claim
from claims.permissions import (
    ATTRIBUTION_EDIT,
    CLAIM_ASSIGN,
    CLAIM_CREATE,
    CLAIM_VIEW,
    EVIDENCE_LABEL,
    required,
)
from claims.selectors.assignment import assignee_options
from claims.selectors.claim_detail import (
    claim_audit_trail,
    claim_evidence,
    claim_evidence_version,
    claim_for_page,
    claim_latest_verdict,
    claim_quantities,
    claim_status_only,
    claim_timeline,
    evidence_of_claim,
    report_search,
)
from claims.selectors.claim_list import claim_row
from claims.services.claims import (
    HopSpec,
    QuantitySpec,
    attribution_replace,
    claim_assign,
    claim_create,
)
from claims.services.evidence import evidence_reject, evidence_set_manual
from sources.models import Source
from sources.services import source_for_label

LABEL_PERMS = required(EVIDENCE_LABEL)
MAX_ROWS = 20
REASSESS_NOTICE = "Saved. The workers are re-assessing the claim; its status will follow."
ASSIGN_PERMS = required(CLAIM_ASSIGN)


def status_version(claim: Claim) -> int:
    """The status panel's version: status_changed_at in epoch milliseconds."""
    return int(claim.status_changed_at.timestamp() * 1000)


def _can_label(request: HtmxHttpRequest) -> bool:
    return request.user.has_perms(LABEL_PERMS)


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    # The public page and the review queue are other screens; a deployment may lack them.
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _evidence_context(
    request: HtmxHttpRequest,
    claim: Claim,
    *,
    add_form: EvidenceAddForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    can_label = _can_label(request)
    if can_label and add_form is None:
        add_form = EvidenceAddForm(search_url=reverse("claim-report-options", args=[claim.pk]))
    return {
        "claim": claim,
        "evidence": claim_evidence(claim),
        "evidence_version": claim_evidence_version(claim.pk),
        "can_label": can_label,
        "add_form": add_form,
        "stance_choices": Stance.evidence_choices(),
        "notice": notice,
    }


def _page(
    request: HtmxHttpRequest,
    claim: Claim,
    *,
    add_form: EvidenceAddForm | None = None,
    chain: dict[str, Any] | None = None,
) -> HttpResponse:
    verdict = claim_latest_verdict(claim)
    user = request.user
    context = {
        **_evidence_context(request, claim, add_form=add_form),
        **(chain or _chain_context(request, claim)),
        **_assign_context(request),
        "quantities": claim_quantities(claim),
        "timeline": claim_timeline(claim),
        "audit_trail": claim_audit_trail(claim),
        "verdict": verdict,
        "public_url": (
            _url_or_none("claim-public", pk=claim.pk)
            if verdict is not None and verdict.published_at
            else None
        ),
        "review_url": _url_or_none("review-queue")
        if user.has_perm("claims.review_claim")
        else None,
        "version": status_version(claim),
    }
    return render(request, "claims/claim_detail.html", context)


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
@require_safe
def claim_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claim_for_page(), pk=pk)
    return _page(request, claim)


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
@require_safe
def claim_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The polled status panel: 204 while the client's version is current, else the new panel
    flagged as just updated, with the timeline swapped out of band."""
    claim = get_object_or_404(claim_status_only(), pk=pk)
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        seen = -1
    version = status_version(claim)
    if seen >= version:
        return HttpResponse(status=204)
    # The evidence list is not swapped under the reader (they may be relabelling a row or
    # typing in the add form); when it is out of date they get a notice and choose when to load
    # it. The page sends the version of the list it shows (ev); no ev, no notice.
    shown = request.GET.get("ev")
    return render(
        request,
        "claims/_detail_status_update.html",
        {
            "claim": claim,
            "version": version,
            "just_updated": True,
            "timeline": claim_timeline(claim),
            "evidence_stale": bool(shown) and shown != claim_evidence_version(claim.pk),
        },
    )


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
@require_safe
def claim_evidence_section(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The evidence section alone, as it is now (the notice's "show the latest evidence")."""
    claim = get_object_or_404(Claim.objects.only("id", "claimant_id"), pk=pk)
    return render(request, "claims/_detail_evidence.html", _evidence_context(request, claim))


def _after_action(
    request: HtmxHttpRequest, claim: Claim, *, add_form: EvidenceAddForm | None = None
) -> HttpResponse:
    if add_form is not None and add_form.errors:
        if request.htmx:
            return render(
                request,
                "claims/_detail_evidence.html",
                _evidence_context(request, claim, add_form=add_form),
            )
        return _page(request, get_object_or_404(claim_for_page(), pk=claim.pk), add_form=add_form)
    if request.htmx:
        # The desk's audit trail gained a line: swapped in beside the evidence (out of band).
        return render(
            request,
            "claims/_detail_evidence.html",
            {
                **_evidence_context(request, claim, notice=REASSESS_NOTICE),
                "audit_trail": claim_audit_trail(claim),
                "audit_oob": True,
            },
        )
    messages.success(request, REASSESS_NOTICE)
    return redirect(reverse("claim-detail", args=[claim.pk]) + "#evidence")


@login_required
@permission_required(required(EVIDENCE_LABEL), raise_exception=True)
@require_POST
def evidence_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = EvidenceAddForm(
        request.POST, search_url=reverse("claim-report-options", args=[claim.pk])
    )
    if not form.is_valid():
        return _after_action(request, claim, add_form=form)
    data = form.cleaned_data
    evidence_set_manual(
        claim=claim,
        report=data["report"],
        stance=data["stance"],
        user=request.user,  # type: ignore[arg-type]
        sentence=data["sentence"].strip(),
        origin=data["origin"],
    )
    return _after_action(request, claim)


@login_required
@permission_required(required(EVIDENCE_LABEL), raise_exception=True)
@require_POST
def evidence_relabel(request: HtmxHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    row = evidence_of_claim(claim=claim, evidence_id=evidence_pk)
    if row is None:
        return HttpResponse("No such evidence on this claim.", status=404)
    form = EvidenceRelabelForm(request.POST)
    if not form.is_valid():
        # The select offers only valid stances; anything else is a forged request.
        return HttpResponse("Choose supports, contradicts or discusses.", status=400)
    evidence_set_manual(
        claim=claim,
        report=row.report,
        stance=form.cleaned_data["stance"],
        user=request.user,  # type: ignore[arg-type]
    )
    return _after_action(request, claim)


@login_required
@permission_required(required(EVIDENCE_LABEL), raise_exception=True)
@require_POST
def evidence_reject_view(request: HtmxHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    row = evidence_of_claim(claim=claim, evidence_id=evidence_pk)
    if row is None:
        return HttpResponse("No such evidence on this claim.", status=404)
    evidence_reject(evidence=row, user=request.user)  # type: ignore[arg-type]
    return _after_action(request, claim)


@login_required
@permission_required(required(EVIDENCE_LABEL), raise_exception=True)
@require_safe
def report_options(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """<option>s for the add-evidence report box, as the fact-checker types."""
    reports = report_search(text=request.GET.get("report", ""))
    return render(request, "claims/_detail_report_options.html", {"reports": reports})


# --- rows the forms create -----------------------------------------------------------------


def _materialise(choice: SourceChoice) -> Source:
    return choice.source if choice.source is not None else source_for_label(label=choice.label)


def _with_extra_row(data: QueryDict, prefix: str) -> QueryDict:
    """The submitted data with one more blank row in the formset ``prefix``."""
    copy = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(copy.get(key, "0"))
    except ValueError:
        total = 0
    copy[key] = str(min(total + 1, MAX_ROWS))
    return copy


_SERVICE_ROW = re.compile(r"^(quantities|hops)\[(\d+)\]$")


def _attach_service_errors(
    exc: ValidationError, form: Any, rows: dict[str, list[Any]]
) -> list[str]:
    """Put a service's ValidationError on the fields and rows it names; return the rest."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    rest: list[str] = []
    for key, errors in exc.message_dict.items():
        match = _SERVICE_ROW.match(key)
        if match and int(match[2]) < len(rows.get(match[1], [])):
            rows[match[1]][int(match[2])].add_error(None, errors)
        elif form is not None and key in form.fields:
            form.add_error(key, errors)
        else:
            rest.extend(errors)
    return rest


@login_required
@permission_required(required(CLAIM_CREATE), raise_exception=True)
@require_http_methods(["GET", "POST"])
def claim_new(request: HtmxHttpRequest) -> HttpResponse:
    validated = request.method == "POST"
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if data is not None and ("add_hop" in data or "add_quantity" in data):
        # Growing a formset is not a submission: show the rows again without judging them.
        data = _with_extra_row(data, "hops" if "add_hop" in data else "quantities")
        validated = False
    form = ClaimForm(data)
    hops = HopFormSet(data, prefix="hops")
    quantities = QuantityFormSet(data, prefix="quantities")
    service_errors: list[str] = []
    if validated and all([form.is_valid(), hops.is_valid(), quantities.is_valid()]):
        hop_rows = [f for f in hops.filled_forms() if f.cleaned_data.get("choice")]
        quantity_rows = quantities.filled_forms()
        try:
            with transaction.atomic():
                cleaned = form.cleaned_data
                claimant_choice = cleaned["claimant_choice"]
                claimant = _materialise(claimant_choice) if claimant_choice else None
                chain = [HopSpec(claimant, cleaned["claimant_cue"].strip())] if claimant else []
                chain += [
                    HopSpec(_materialise(f.cleaned_data["choice"]), f.cleaned_data["cue"].strip())
                    for f in hop_rows
                ]
                claim = claim_create(
                    text=cleaned["text"],
                    quote=cleaned["quote"],
                    kind=cleaned["kind"],
                    claimant=claimant,
                    hops=chain,
                    quantities=[
                        QuantitySpec(
                            what=f.cleaned_data["what"],
                            words=f.cleaned_data["words"],
                            low=f.cleaned_data["low"],
                            high=f.cleaned_data["high"],
                            running=f.cleaned_data["running"],
                        )
                        for f in quantity_rows
                    ],
                    hedges=cleaned["hedges"],
                    first_report=cleaned["first_report"],
                    event=cleaned["event"],
                    made_at=cleaned["made_at"],
                    created_by=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as exc:
            service_errors = _attach_service_errors(exc, form, {"quantities": quantity_rows})
        else:
            messages.success(request, "Claim logged. The workers will look for evidence about it.")
            return redirect("claim-detail", pk=claim.pk)
    return render(
        request,
        "claims/claim_form.html",
        {
            "form": form,
            "hops": hops,
            "quantities": quantities,
            "validated": validated,
            "service_errors": service_errors,
            "max_rows": MAX_ROWS,
        },
    )


def _chain_context(
    request: HtmxHttpRequest,
    claim: Claim,
    *,
    formset: Any = None,
    validated: bool = False,
    service_errors: list[str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    attributions = list(claim.attributions.all())
    can_edit = request.user.has_perm("claims.change_attribution")
    if can_edit and formset is None:
        formset = AttributionFormSet(
            initial=[{"source": a.source.name, "cue": a.cue} for a in attributions],
            prefix="hops",
        )
    return {
        "claim": claim,
        "attributions": attributions,
        "can_edit_attributions": can_edit,
        "attr_formset": formset,
        "attr_validated": validated,
        "attr_errors": service_errors or [],
        "attr_open": bool(formset is not None and formset.is_bound),
        "chain_notice": notice,
        "max_rows": MAX_ROWS,
    }


@login_required
@permission_required(required(ATTRIBUTION_EDIT), raise_exception=True)
@require_POST
def attributions_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Replace the hop list. Lives on the claim page: htmx swaps the chain section, a plain
    POST re-renders the page (errors) or redirects back to it (saved)."""
    claim = get_object_or_404(claim_for_page(), pk=pk)
    data: QueryDict = request.POST
    validated = True
    if "add_hop" in data:
        data = _with_extra_row(data, "hops")
        validated = False
    formset = AttributionFormSet(
        data,
        initial=[{"source": a.source.name, "cue": a.cue} for a in claim.attributions.all()],
        prefix="hops",
    )
    service_errors: list[str] = []
    if validated and formset.is_valid():
        try:
            with transaction.atomic():
                attribution_replace(
                    claim=claim,
                    hops=[
                        HopSpec(_materialise(choice), cue)
                        for choice, cue in formset.hops_in_order()
                    ],
                    user=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as exc:
            service_errors = _attach_service_errors(exc, None, {})
        else:
            saved = "Attribution chain saved."
            if request.htmx:
                fresh = get_object_or_404(claim_for_page(), pk=pk)
                return render(
                    request,
                    "claims/_detail_chain.html",
                    _chain_context(request, fresh, notice=saved),
                )
            messages.success(request, saved)
            return redirect(reverse("claim-detail", args=[pk]) + "#chain")
    chain = _chain_context(
        request, claim, formset=formset, validated=validated, service_errors=service_errors
    )
    if request.htmx:
        return render(request, "claims/_detail_chain.html", chain)
    return _page(request, claim, chain=chain)


# --- who works the claim -------------------------------------------------------------------


def _assign_context(
    request: HtmxHttpRequest, *, notice: str = "", error: str = ""
) -> dict[str, Any]:
    can_assign = request.user.has_perm("claims.assign_claim")
    return {
        "can_assign": can_assign,
        "assign_options": assignee_options() if can_assign else [],
        "assign_notice": notice,
        "assign_error": error,
    }


@login_required
@permission_required(required(CLAIM_ASSIGN), raise_exception=True)
@require_POST
def claim_assign_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Give the claim to someone, from the claim page (htmx swaps its "Assigned to" panel) or
    from a row of the claims list (``from=list``: htmx swaps the row). A refusal is shown
    where the menu is; without htmx, as a message on the page the editor came back to."""
    claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=pk)
    form = AssignForm(request.POST)
    error = notice = ""
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            claim = claim_assign(claim=claim, assignee=assignee, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            notice = f"Assigned to {assignee.username}." if assignee else "Nobody has it now."
    else:
        error = " ".join(str(m) for field_errors in form.errors.values() for m in field_errors)
    in_list = request.POST.get("from") == "list"
    if request.htmx and in_list:
        row = claim_row(claim.pk)
        context = {
            "row": {"claim": row, "url": row.get_absolute_url()},
            "assign_row": row.pk,
            **_assign_context(request, error=error),
        }
        return render(request, "claims/_list_row.html", context)
    if request.htmx:
        return render(
            request,
            "claims/_detail_assign.html",
            {
                "claim": claim,
                **_assign_context(request, notice=notice, error=error),
                "audit_trail": claim_audit_trail(claim),
                "audit_oob": not error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    if in_list:
        return redirect(reverse("claim-list"))
    return redirect(reverse("claim-detail", args=[claim.pk]) + "#assign")
