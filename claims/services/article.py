"""Claims logged from an article in one step: the article is stored as a report (the claims'
first report, so it is never counted as evidence about them) and each chosen proposal becomes
a claim with its attribution chain and figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from claims.models import Claim
from claims.services.claims import HopSpec, QuantitySpec, claim_create
from claims.services.reports import report_receive
from sources.models import Report
from sources.services import source_for_label

# The publisher's hop, last in every chain.
PUBLISHER_CUE = "reported"


@dataclass(frozen=True)
class ArticleClaim:
    """One chosen proposal, as the fact-checker left it."""

    statement: str
    kind: str = Claim.Kind.PARAPHRASE
    claimant: str = ""
    cue: str = ""
    relays: Sequence[str] = ()
    hedges: Sequence[str] = ()
    quantities: Sequence[dict[str, object]] = field(default_factory=tuple)


def _quantity(row: dict[str, object]) -> QuantitySpec:
    try:
        low = float(row["low"])  # type: ignore[arg-type]
        high = None if row.get("high") is None else float(row["high"])  # type: ignore[arg-type]
        return QuantitySpec(what=str(row["what"]), words=str(row["text"]), low=low, high=high)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError({"quantities": ["A figure was garbled."]}) from exc


@transaction.atomic
def claims_from_article(
    *,
    title: str,
    body: str,
    publisher_label: str,
    url: str | None,
    published_at: datetime | None,
    country: str,
    picks: Sequence[ArticleClaim],
    user: User,
) -> tuple[Report, list[Claim]]:
    """Store the article (or find it, if the desk has it already) and log each of `picks`.
    All or nothing: a claim that fails validation leaves no report and no claim behind."""
    if not picks:
        raise ValidationError({"picks": ["Choose at least one claim to log."]})
    report = report_receive(
        title=title, body=body, publisher_label=publisher_label, url=url, published_at=published_at
    ).report
    created = []
    for pick in picks:
        claimant = source_for_label(label=pick.claimant, country=country) if pick.claimant else None
        hops = [HopSpec(claimant, pick.cue)] if claimant is not None else []
        hops += [HopSpec(source_for_label(label=name, country=country)) for name in pick.relays]
        hops.append(HopSpec(report.publisher, PUBLISHER_CUE))
        # "Reuters, citing Tass" published by Reuters: one hop per source in a row.
        hops = [hop for i, hop in enumerate(hops) if i == 0 or hops[i - 1].source != hop.source]
        statement = pick.statement.strip()
        created.append(
            claim_create(
                text=statement,
                quote=statement[:500] if pick.kind == Claim.Kind.QUOTE else "",
                kind=pick.kind,
                claimant=claimant,
                hops=hops,
                quantities=[_quantity(q) for q in pick.quantities],
                hedges=pick.hedges,
                first_report=report,
                created_by=user,
            )
        )
    return report, created
