"""Write service that loads the demo story; idempotent, so running it twice changes nothing."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.demo import story as demo
from claims.models import Claim, Rating
from claims.services.claims import HopSpec, QuantitySpec, claim_create
from claims.services.review import verdict_publish
from sources.models import Report, Source, SourceAlias
from sources.registry import read_registry
from sources.services import registry_load, report_ingest, source_upsert


@dataclass(frozen=True)
class DemoSummary:
    sources: int
    registry_created: int
    claims_created: int
    claims_total: int
    report_created: bool
    users_created: int
    verdicts_published: int


@transaction.atomic
def demo_load() -> DemoSummary:
    by_name: dict[str, Source] = {}
    for spec in demo.SOURCES:
        # A source the desk already has under another name (the registry's "Government of
        # Russia" is the story's "Russian state") is the story's, not a twin of it.
        name = _known_as(spec.name)
        by_name[spec.name] = source_upsert(
            name=name,
            kind=spec.kind,
            grade=spec.grade,
            country=spec.country,
            role=spec.role,
            parent=by_name[spec.parent] if spec.parent else None,
            aliases=spec.aliases if name == spec.name else (*spec.aliases, spec.name),
            domains=spec.domains,
        )
    # The registry of wires and outlets, so that AP, the BBC or Eurasianet reporting on the
    # story are graded from the start. After the story's own sources: an outlet the story
    # grades (Reuters, Tass) keeps the story's grade, and its owner is matched to the story's
    # ("Government of Russia" is the story's "Russian state").
    registry = registry_load(entries=read_registry())
    publisher = by_name[demo.PUBLISHER]
    ingest = report_ingest(
        title=demo.REPORT_TITLE,
        body=demo.REPORT_BODY,
        publisher=publisher,
        published_at=demo.PUBLISHED_AT,
    )
    report = ingest.report
    if ingest.created:
        # The claims below were logged from this report by hand; it is their source, not
        # evidence about them, so it does not go through the pipeline.
        Report.objects.filter(pk=report.pk).update(state=Report.State.PROCESSED)

    created = 0
    for claim_spec in demo.CLAIMS:
        if Claim.objects.filter(first_report=report, quote=claim_spec.quote).exists():
            continue
        claimant = by_name[claim_spec.claimant] if claim_spec.claimant else None
        hops = [HopSpec(claimant, claim_spec.claimant_cue)] if claimant else []
        hops += [HopSpec(by_name[name], cue) for name, cue in claim_spec.relays]
        hops.append(HopSpec(publisher, "reported"))
        claim_create(
            text=claim_spec.text,
            quote=claim_spec.quote,
            kind=claim_spec.kind,
            claimant=claimant,
            hops=hops,
            hedges=claim_spec.hedges,
            quantities=[
                QuantitySpec(what=q.what, words=q.words, low=q.low, high=q.high, running=q.running)
                for q in claim_spec.quantities
            ],
            first_report=report,
            event=demo.EVENT,
        )
        created += 1

    users_created = 0
    User = get_user_model()
    for spec_user in demo.USERS:
        user, was_created = User.objects.get_or_create(
            username=spec_user.username, defaults={"is_staff": spec_user.is_staff}
        )
        if was_created:
            user.set_password(spec_user.password)
            user.save(update_fields=["password"])
            users_created += 1
        user.groups.add(Group.objects.get(name=spec_user.role))
        if spec_user.authenticator_secret:
            _demo_second_factor(user, spec_user)

    # Published through the review service, as an editor publishes them: the public pages,
    # feeds and webhooks see them as they would any verdict. A claim with a verdict keeps it.
    verdicts_published = 0
    for spec_verdict in demo.VERDICTS:
        claim = Claim.objects.get(first_report=report, quote=spec_verdict.quote)
        if claim.verdicts.exists():
            continue
        verdict_publish(
            claim=claim,
            editor=User.objects.get(username=spec_verdict.editor),
            rating=Rating.objects.get(label=spec_verdict.rating),
            rationale=spec_verdict.rationale,
        )
        verdicts_published += 1

    return DemoSummary(
        sources=len(by_name),
        registry_created=registry.count("created"),
        claims_created=created,
        claims_total=Claim.objects.filter(first_report=report).count(),
        report_created=ingest.created,
        users_created=users_created,
        verdicts_published=verdicts_published,
    )


def _demo_second_factor(user: Any, spec_user: demo.DemoUser) -> None:
    """The demo user's authenticator, enrolled with the printed secret, and the printed backup
    codes, put back if spent (so each `make run` can sign in with them again)."""
    key = base64.b32decode(spec_user.authenticator_secret).hex()
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
    backup, _ = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    for code in spec_user.backup_codes:
        StaticToken.objects.get_or_create(device=backup, token=code)


def _known_as(name: str) -> str:
    """The name of the source called `name`, exactly or by an alias; `name` when none is."""
    if Source.objects.filter(name=name).exists():
        return name
    alias = SourceAlias.objects.filter(name__iexact=name).select_related("source").first()
    return alias.source.name if alias is not None else name
