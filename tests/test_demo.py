import json

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from claims.demo import story as demo
from claims.models import Attribution, Claim, Quantity, Rating
from claims.services.claims import claim_create
from claims.services.review import verdict_publish
from sources.models import Report, Source, SourceAlias, SourceDomain
from tests.conftest import shared_path

pytestmark = pytest.mark.django_db

COUNTED = (Source, SourceAlias, SourceDomain, Report, Claim, Attribution, Quantity)


def _snapshot():
    return {
        model.__name__: sorted(
            map(str, model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        )
        for model in COUNTED
    }


def test_load_demo_twice_changes_nothing(roles):
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first
    assert len(first["Claim"]) == len(demo.CLAIMS)


def test_the_three_headline_claims_are_there_with_their_chains(demo_story):
    eliminated = Claim.objects.get(quote="Dozens of assailants were eliminated")
    assert eliminated.claimant.name == "Saltanat Azirbek"
    assert [a.source.name for a in eliminated.attributions.all()] == [
        "Saltanat Azirbek",
        "Local media (Kazakhstan)",
        "The National",
    ]
    q = eliminated.quantities.get()
    assert (q.words, q.low, q.high, q.running) == ("dozens", 24, 99, True)

    training = Claim.objects.get(text__icontains="training abroad")
    assert training.claimant.name == "Kassym-Jomart Tokayev"
    assert training.claimant.top().name == "Government of Kazakhstan"

    toll = Claim.objects.get(quote__contains="13 security officers")
    assert toll.hedges == ["allegedly"]
    assert ("security officers killed", 13, 13) in toll.quantities.values_list(
        "what", "low", "high"
    )


def test_sources_roll_up_as_the_story_needs(demo_story):
    top = Source.objects.get
    assert top(name="Almaty police").top().name == "Government of Kazakhstan"
    assert top(name="Interior Ministry of Kazakhstan").top().name == "Government of Kazakhstan"
    assert top(name="Tass").top().name == "Russian state"
    assert top(name="Nikol Pashinyan").top().name == "Collective Security Treaty Organisation"
    assert top(name="Reuters").grade == "A" and top(name="Saule").grade == "F"


def test_wires_and_outlets_are_graded_from_the_start(demo_story):
    for name, grade in (("Associated Press", "B"), ("BBC", "B"), ("Eurasianet", "C")):
        source = Source.objects.get(name=name)
        assert (source.grade, source.grade_source) == (grade, "registry"), name
    # The story's own grades and owners stand; the registry's owners are matched to them.
    tass = Source.objects.get(name="Tass")
    assert (tass.grade, tass.grade_source, tass.top().name) == ("C", "desk", "Russian state")
    assert Source.objects.get(name="RIA Novosti").top().name == "Russian state"
    assert not Source.objects.filter(name="Government of Russia").exists()
    assert Source.objects.get(name="Reuters").grade == "A"
    assert Source.objects.get(name="Kazinform").top().name == "Government of Kazakhstan"
    assert Source.objects.get(name="Azattyq").parent.name == "Radio Free Europe/Radio Liberty"


def test_demo_users_sign_in_with_the_printed_passwords(demo_story, rf):
    for user in demo.USERS:
        # With the request, as the sign-in page passes it (the lockout is per username and
        # address).
        signed_in = authenticate(
            rf.post("/accounts/login/"), username=user.username, password=user.password
        )
        assert signed_in is not None
        assert signed_in.groups.filter(name=user.role).exists()


def _labels(source):
    return {source.name.lower(), *(alias.name.lower() for alias in source.aliases.all())}


@pytest.mark.shared_data
def test_every_key_claim_of_the_reference_reading_is_in_the_demo(demo_story):
    reference = json.loads(shared_path("demo", "almaty-2022-01-06.claims.json").read_text())
    for expected in reference["claims"]:
        if not expected["key"]:
            continue
        claim = Claim.objects.get(quote=expected["phrase"])
        hops = [a.source for a in claim.attributions.all()]
        assert hops[-1].name == reference["publisher"]
        if expected["claimant"]:
            claimant = expected["claimant"]
            assert claimant["name"].lower() in _labels(claim.claimant), expected["phrase"]
            if claimant["organisation"]:
                chain = {
                    label
                    for s in [claim.claimant, *claim.claimant.ancestors()]
                    for label in _labels(s)
                }
                assert claimant["organisation"].lower() in chain, expected["phrase"]
        else:
            assert claim.claimant is None
        relays = hops[1:-1] if expected["claimant"] else hops[:-1]
        assert len(relays) == len(expected["relay"]), expected["phrase"]
        for relay_source, relay_label in zip(relays, expected["relay"], strict=True):
            assert relay_label.lower() in _labels(relay_source), (expected["phrase"], relay_label)
        assert sorted(claim.hedges) == sorted(expected["hedges"]), expected["phrase"]
        got = sorted((q.words, q.low, q.high) for q in claim.quantities.all())
        want = sorted((q["text"], q["low"], q["high"]) for q in expected["quantities"])
        assert got == want, expected["phrase"]
        assert claim.kind == expected["kind"], expected["phrase"]


def test_the_demo_has_two_editors_and_each_publishes_the_others_claim(demo_story):
    editors = [u.username for u in demo.USERS if u.role == "editor"]
    assert len(editors) == 2
    first, second = (User.objects.get(username=name) for name in editors)
    rating = Rating.objects.get(label="Mostly true")
    for author, judge in ((first, second), (second, first)):
        claim = claim_create(text=f"A claim {author.username} logged", created_by=author)
        with pytest.raises(PermissionDenied, match="they created"):
            verdict_publish(claim=claim, editor=author, rating=rating, rationale="Mine.")
        verdict = verdict_publish(claim=claim, editor=judge, rating=rating, rationale="Checked.")
        assert verdict.editor == judge and verdict.published_at is not None


def test_the_demo_editors_may_assign_and_the_fact_checker_may_not(demo_story):
    for spec in demo.USERS:
        user = User.objects.get(username=spec.username)
        assert user.has_perm("claims.assign_claim") == (spec.role in ("editor", "admin"))


def test_load_demo_prints_every_login(roles, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for user in demo.USERS:
        assert f"{user.username} / {user.password}" in out
