import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.engine.vocabulary import Status
from claims.models import AppendOnlyError, Claim, Quantity, StatusChange
from claims.services.claims import HopSpec, QuantitySpec, claim_create
from tests.factories import make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db


def test_claim_defaults_are_unverified_credibility_6_with_an_explanation():
    claim = make_claim()
    assert claim.status == Status.UNVERIFIED
    assert claim.credibility == 6
    assert claim.explanation.startswith("Unverified")
    assert set(Status.values()) == {"unverified", "corroborated", "disputed", "refuted"}


@pytest.mark.parametrize(
    ("field", "value"), [("status", "true"), ("credibility", 0), ("credibility", 7)]
)
def test_claim_status_and_credibility_are_checked_by_the_database(field, value):
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(**{field: value})


def test_duplicate_evidence_pair_is_refused():
    evidence = make_evidence()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_evidence(claim=evidence.claim, report=evidence.report, stance="contradicts")


def test_quantity_low_above_high_is_refused_by_the_database():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quantity.objects.create(claim=claim, what="people detained", words="x", low=10, high=5)
    Quantity.objects.create(claim=claim, what="killed", words="at least 40", low=40, high=None)


def test_claim_create_builds_hops_in_order_and_refuses_bad_quantities_without_saving():
    spokesman = make_source(name="Saltanat Azirbek")
    local = make_source(name="local media")
    paper = make_source(name="The National")
    claim = claim_create(
        text="Police killed dozens of assailants.",
        quote="Dozens of assailants were eliminated",
        claimant=spokesman,
        hops=[HopSpec(spokesman, "said"), HopSpec(local, "told"), HopSpec(paper, "reported")],
        quantities=[QuantitySpec("assailants killed", "dozens", 24, 99, running=True)],
        hedges=[" reportedly "],
    )
    assert [(a.position, a.source.name, a.cue) for a in claim.attributions.all()] == [
        (0, "Saltanat Azirbek", "said"),
        (1, "local media", "told"),
        (2, "The National", "reported"),
    ]
    assert claim.hedges == ["reportedly"]
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        claim_create(text="Bad", quantities=[QuantitySpec("x", "y", 10, 1)])
    assert "quantities[0]" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        claim_create(text="   ")
    assert "text" in excinfo.value.message_dict
    assert Claim.objects.count() == before


def test_status_history_is_append_only():
    claim = make_claim()
    change = StatusChange.objects.create(
        claim=claim,
        from_status="unverified",
        to_status="corroborated",
        from_credibility=6,
        to_credibility=2,
        explanation="x",
        worker="w1@host",
    )
    change.explanation = "rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(AppendOnlyError):
        StatusChange.objects.filter(pk=change.pk).update(explanation="rewritten")
    with pytest.raises(AppendOnlyError):
        StatusChange.objects.all().delete()
    change.refresh_from_db()
    assert change.explanation == "x"


def test_status_change_needs_an_author():
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(
            claim=make_claim(),
            from_status="unverified",
            to_status="refuted",
            from_credibility=6,
            to_credibility=5,
            explanation="x",
        )


def test_default_rating_scale_is_created_by_migration():
    from claims.models import Rating

    assert list(Rating.objects.values_list("label", flat=True)) == [
        "True",
        "Mostly true",
        "Mixed",
        "Mostly false",
        "False",
        "Unproven",
    ]


def test_report_deletion_keeps_claims_but_drops_their_evidence():
    report = make_report()
    evidence = make_evidence(report=report)
    claim = evidence.claim
    report.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert not claim.evidence.exists()
