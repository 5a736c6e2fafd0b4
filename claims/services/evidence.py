"""A fact-checker's evidence writes: attach, relabel and reject, each followed by a reassessment."""


from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.engine.vocabulary import Stance
from claims.enqueue import send_after_commit
from claims.models import Claim, Evidence
from sources.models import Report, Source


@transaction.atomic
def evidence_set_manual(
    *,
    claim: Claim,
    report: Report,
    stance: str,
    user: User,
    sentence: str = "",
    origin: Source | None = None,
) -> Evidence:
    """A fact-checker attaches or relabels evidence. Manual rows win over automatic ones and
    survive re-processing of the report."""
    if not user.has_perm("claims.change_evidence") or not user.has_perm("claims.add_evidence"):
        raise PermissionDenied("Only fact-checkers and editors may label evidence.")
    if stance not in Stance.evidence_values():
        raise ValidationError({"stance": f"Choose one of {', '.join(Stance.evidence_values())}."})
    labelled = {
        "stance": stance,
        "method": Evidence.Method.MANUAL,
        "rejected": False,
        "confirmed_by": user,
        "confidence": 1.0,
    }
    row, created = Evidence.objects.select_for_update().get_or_create(
        claim=claim,
        report=report,
        defaults={**labelled, "origin": origin or report.publisher, "sentence": sentence},
    )
    if created:
        # get_or_create saved it without knowing who: the attach's revision says so now.
        row.history.filter(history_type="+").update(history_user=user)
    else:
        for field, value in labelled.items():
            setattr(row, field, value)
        if origin is not None:
            row.origin = origin
        if sentence:
            row.sentence = sentence
        row._history_user = user  # the revision says who (claims.models.Evidence.history)
        row.save()
    _reassess_after_commit(claim.pk)
    return row


@transaction.atomic
def evidence_reject(*, evidence: Evidence, user: User) -> Evidence:
    """A fact-checker rejects an automatic link: kept (so re-processing skips it), ignored."""
    if not user.has_perm("claims.change_evidence"):
        raise PermissionDenied("Only fact-checkers and editors may reject evidence.")
    row = Evidence.objects.select_for_update().get(pk=evidence.pk)
    row.rejected = True
    row.method = Evidence.Method.MANUAL
    row.confirmed_by = user
    row._history_user = user  # saved, not updated in place, so the revision is kept
    row.save(update_fields=["rejected", "method", "confirmed_by", "updated_at"])
    evidence.refresh_from_db()
    _reassess_after_commit(evidence.claim_id)
    return evidence


def _reassess_after_commit(claim_id: int) -> None:
    """Mark the claim due for assessment (its outbox row, in this transaction) and queue the
    assessment after commit; if the broker loses it, the sweeper sends it again."""
    from claims.tasks import assess_claim

    Claim.objects.filter(pk=claim_id, assessment_due_at__isnull=True).update(
        assessment_due_at=timezone.now()
    )
    send_after_commit(assess_claim, claim_id)

