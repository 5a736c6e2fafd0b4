"""Writes for sources' records against published verdicts: each verdict refreshes the grade the
record suggests for the sources whose evidence it judges (claims.engine.reliability), and a
source nobody has graded is then weighed by it."""

from __future__ import annotations

from claims.engine.vocabulary import Stance
from claims.enqueue import send_after_commit
from claims.models import Evidence
from claims.selectors.sources import source_track_records
from sources.models import Source


def source_records_refresh(*, claim_id: int) -> list[int]:
    """Refresh `learned_grade` of every source that took a side on the claim (its evidence,
    not rejected, supports or contradicts it). A source nobody has graded whose learned grade
    changed is weighed differently from now on, so the claims its evidence touches are
    re-assessed (after commit, by the same task as a regrade). Returns the ids of the sources
    whose learned grade changed."""
    origin_ids = set(
        Evidence.objects.filter(
            claim_id=claim_id,
            rejected=False,
            stance__in=(Stance.SUPPORTS, Stance.CONTRADICTS),
        )
        .order_by()
        .values_list("origin_id", flat=True)
    )
    from claims.tasks import reassess_source_claims  # tasks import services; avoid the cycle

    changed: list[int] = []
    records = source_track_records(origin_ids)
    for source in Source.objects.filter(pk__in=origin_ids).order_by("pk"):
        learned = records[source.pk].suggested_grade or ""
        if learned == source.learned_grade:
            continue
        Source.objects.filter(pk=source.pk).update(learned_grade=learned)
        changed.append(source.pk)
        if source.grade_source == Source.GradeSource.UNRATED:
            send_after_commit(reassess_source_claims, source.pk)
    return changed
