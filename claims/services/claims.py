"""Writes for claims and their attribution chains and quantities."""


from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims.models import Assignment, Attribution, Claim, Quantity
from claims.roles import ASSIGNABLE_ROLES
from sources.models import Report, Source


@dataclass(frozen=True)
class HopSpec:
    source: Source
    cue: str = ""


@dataclass(frozen=True)
class QuantitySpec:
    what: str
    words: str
    low: float
    high: float | None
    running: bool = False


@transaction.atomic
def claim_create(
    *,
    text: str,
    quote: str = "",
    kind: str = Claim.Kind.PARAPHRASE,
    claimant: Source | None = None,
    hops: Sequence[HopSpec] = (),
    quantities: Sequence[QuantitySpec] = (),
    hedges: Sequence[str] = (),
    first_report: Report | None = None,
    event: str = "",
    context: str = "",
    made_at: datetime | None = None,
    created_by: User | None = None,
) -> Claim:
    """Create a claim with its attribution hops (claimant first, publisher last) and quantities.

    Validates everything before writing, so a bad quantity leaves no half-made claim behind.
    """
    claim = Claim(
        text=text.strip(),
        quote=quote.strip(),
        kind=kind,
        claimant=claimant,
        hedges=[h.strip() for h in hedges if h.strip()],
        first_report=first_report,
        event=event.strip(),
        context=context,
        made_at=made_at or (first_report.published_at if first_report else None),
        created_by=created_by,
    )
    claim.full_clean()
    quantity_rows = [
        Quantity(claim=claim, what=q.what, words=q.words, low=q.low, high=q.high, running=q.running)
        for q in quantities
    ]
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(quantity_rows):
        try:
            row.full_clean(exclude=["claim"])
        except ValidationError as exc:
            errors[f"quantities[{index}]"] = exc.messages
        if row.high is not None and row.low > row.high:
            errors.setdefault(f"quantities[{index}]", []).append(
                f"low ({row.low:g}) is above high ({row.high:g})."
            )
    if errors:
        raise ValidationError(errors)
    claim.save()
    for row in quantity_rows:
        row.claim = claim
    Quantity.objects.bulk_create(quantity_rows)
    Attribution.objects.bulk_create(
        [
            Attribution(claim=claim, position=position, source=hop.source, cue=hop.cue)
            for position, hop in enumerate(hops)
        ]
    )
    return claim


@transaction.atomic
def attribution_replace(*, claim: Claim, hops: Sequence[HopSpec], user: User) -> list[Attribution]:
    """Replace a claim's attribution chain with ``hops`` (claimant first, publisher last)."""
    if not user.has_perm("claims.change_attribution"):
        raise PermissionDenied("Only fact-checkers and editors may edit attributions.")
    if not hops:
        raise ValidationError({"hops": "Give at least one hop: who said it, or who published it."})
    rows = [
        Attribution(claim=claim, position=position, source=hop.source, cue=hop.cue.strip())
        for position, hop in enumerate(hops)
    ]
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=["claim"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors[f"hops[{index}]"] = exc.messages
    if errors:
        raise ValidationError(errors)
    # The lock serialises two editors saving at once; otherwise both deletes would run before
    # either insert and the (claim, position) constraint would fail one of them mid-way.
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    # One by one with the user, so each removed and added hop keeps a revision saying who
    # (claims.models.Attribution.history); a chain is a handful of hops.
    for old in Attribution.objects.filter(claim=locked):
        old._history_user = user
        old.delete()
    created = bulk_create_with_history(rows, Attribution, default_user=user)
    # Lists ordered by last change should show the edited claim.
    Claim.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return created



@transaction.atomic
def claim_assign(*, claim: Claim, assignee: User | None, user: User) -> Claim:
    """Give the claim to ``assignee`` (None: to nobody), on behalf of ``user``, an editor.

    Only the desk's fact-checkers and editors can be given a claim. A change is recorded as an
    Assignment (the claim's audit trail shows it); assigning the claim to whoever already has
    it records nothing.
    """
    if not user.has_perm("claims.assign_claim"):
        raise PermissionDenied("Only editors may assign claims.")
    if assignee is not None and not (
        assignee.is_active and assignee.groups.filter(name__in=ASSIGNABLE_ROLES).exists()
    ):
        raise ValidationError(
            {
                "assignee": f"{assignee.username} is not one of the desk's fact-checkers or "
                "editors; a claim can only be assigned to them."
            }
        )
    # The lock orders two editors assigning at once, so the log follows the claim's changes.
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    # A plain update: who works a claim is not a change the workers' index needs (updated_at).
    Claim.objects.filter(pk=locked.pk).update(assignee=assignee)
    Assignment.objects.create(claim=locked, assignee=assignee, assigned_by=user)
    locked.assignee = assignee
    return locked
