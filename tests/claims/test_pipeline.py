"""The pipeline's services on the demo story, in-process (the worker tests run the same code
through Celery)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from claims.models import Claim, Evidence, StatusChange
from claims.pipeline.assess import claim_status_update, claims_status_update
from claims.pipeline.index import reset_index
from claims.pipeline.linking import report_link
from claims.pipeline.sweeper import MAX_REPORT_ATTEMPTS, stuck_reports_release
from claims.services.evidence import evidence_reject, evidence_set_manual
from claims.services.reports import IdempotencyConflict, report_receive
from sources.models import Report, Source
from sources.services import source_upsert
from tests.conftest import demo_claim

pytestmark = pytest.mark.django_db

LATER = datetime(2022, 1, 8, 12, 0, tzinfo=UTC)

ELIMINATED = "Dozens of assailants were eliminated"
DETAINED = "About 2,000 people were detained in Almaty"
TRAINING = "received extensive training abroad"
TOLL = "the official death toll stood at 13 security officers"
LUFTHANSA = "Lufthansa has now decided not to offer any more regular flights to Almaty"

REUTERS_OWN = (
    "Reuters reporters in Almaty saw the bodies of dozens of assailants killed by police after "
    "they tried to storm administrative buildings overnight."
)
AFP_OWN = (
    "AFP journalists counted dozens of assailants killed by police as they tried to storm "
    "administrative buildings in Almaty overnight."
)
WIRE_ECHO = "About 2,000 people were detained in Almaty, the Interior Ministry said on Thursday."
INVESTIGATION = (
    "An investigation by Eurasianet found no evidence that the terrorist groups behind the unrest "
    "received extensive training abroad."
)
UNRELATED = "Almaty will host a jazz festival this weekend with musicians from across Central Asia."


@pytest.fixture(autouse=True)
def fresh_index():
    reset_index()
    yield
    reset_index()


@pytest.fixture
def story(demo_story):
    source_upsert(name="Eurasianet", kind="newspaper", grade="B", domains=("eurasianet.org",))


def run(body, publisher, *, title="Report", published_at=LATER):
    received = report_receive(
        title=title, body=body, publisher_label=publisher, published_at=published_at
    )
    touched = report_link(report_id=received.report.pk)
    # What process_report's follow-up task does: assess the touched claims, finish the report.
    claims_status_update(claim_ids=touched, worker="test", report_id=received.report.pk)
    received.report.refresh_from_db()
    return received.report, touched


def test_two_independent_outlets_reporting_first_hand_corroborate(story):
    report, touched = run(REUTERS_OWN, "Reuters")
    claim = demo_claim(ELIMINATED)
    assert report.state == Report.State.PROCESSED
    assert claim.pk in touched
    evidence = Evidence.objects.get(claim=claim, report=report)
    assert (evidence.stance, evidence.origin.name, evidence.method) == (
        "supports",
        "Reuters",
        "auto",
    )
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == ("corroborated", 2)
    run(AFP_OWN, "AFP")
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == ("corroborated", 1)
    assert "Reuters" in claim.explanation and "Agence France-Presse" in claim.explanation
    assert claim.status_changes.count() == 2


def test_a_wire_quoting_the_ministry_again_is_an_echo(story):
    report, _ = run(WIRE_ECHO, "Reuters")
    claim = demo_claim(DETAINED)
    evidence = Evidence.objects.get(claim=claim, report=report)
    assert evidence.origin.name == "Interior Ministry of Kazakhstan"
    claim.refresh_from_db()
    # An echo of the claimant's own side moves neither the status nor the credibility, so the
    # claim does not enter the review queue; the explanation names the echo.
    assert (claim.status, claim.credibility) == ("unverified", 6)
    assert not claim.awaiting_review
    assert "own side" in claim.explanation


def test_an_investigation_finding_no_evidence_disputes_the_claim(story):
    run(INVESTIGATION, "eurasianet.org")
    claim = demo_claim(TRAINING)
    claim.refresh_from_db()
    # Absence of evidence disputes; it does not refute.
    assert (claim.status, claim.credibility) == ("disputed", 4)
    assert "Eurasianet" in claim.explanation and "found no evidence" in claim.explanation


def test_two_reports_finding_no_evidence_still_only_dispute(story):
    source_upsert(name="Human Rights Watch", kind="ngo", grade="B", domains=("hrw.org",))
    run(INVESTIGATION, "eurasianet.org")
    run(
        "Human Rights Watch said it had found no evidence that the terrorist groups behind the "
        "unrest received extensive training abroad.",
        "hrw.org",
    )
    claim = demo_claim(TRAINING)
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == ("disputed", 4)
    assert "disputed by 2 credible independent origins" in claim.explanation


def test_a_positive_denial_by_a_credible_independent_origin_refutes(story):
    report, _ = run(
        "Eurasianet reported that the militants behind the unrest had not been trained abroad.",
        "eurasianet.org",
    )
    claim = demo_claim(TRAINING)
    assert Evidence.objects.get(claim=claim, report=report).stance == "contradicts"
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == ("refuted", 5)
    assert "positively contradicted by 1 credible independent origin, Eurasianet [B]" in (
        claim.explanation
    )


def test_a_glued_hashtag_is_read_as_the_words_it_glues(story):
    # The hashtag holds the claim's rarest terms: uncut, the sentence covers too little of the
    # claim to be linked (checked by hand with the cut switched off).
    body = "Eurasianet found no evidence that the groups behind the unrest were #terroriststrainedabroad."
    report, _ = run(body, "eurasianet.org")
    claim = demo_claim(TRAINING)
    evidence = Evidence.objects.get(claim=claim, report=report)
    assert evidence.stance == "contradicts"
    assert "#terroriststrainedabroad" in evidence.sentence  # the quote as written
    claim.refresh_from_db()
    assert claim.status == "disputed"  # "found no evidence": absence, not a denial


def test_an_unrelated_report_touches_nothing(story):
    before = list(Claim.objects.values_list("pk", "status", "credibility", "explanation"))
    report, touched = run(UNRELATED, "Reuters")
    assert report.state == Report.State.PROCESSED
    assert touched == []
    assert not Evidence.objects.filter(report=report).exists()
    assert list(Claim.objects.values_list("pk", "status", "credibility", "explanation")) == before


def test_a_later_higher_toll_is_an_update_not_a_contradiction(story):
    run(
        "Reuters confirmed on Saturday that 18 security officers had been killed in the unrest.",
        "Reuters",
    )
    claim = demo_claim(TOLL)
    claim.refresh_from_db()
    assert claim.status != "refuted"
    assert "update" in claim.explanation
    # One stance per row: the badge says what the explanation says.
    assert claim.evidence.get().stance == "discusses"


def test_a_running_toll_from_the_same_side_is_one_stance_an_update(story):
    report, _ = run(
        "Kazakh officials said 18 security officers had been killed, up from 13 reported earlier.",
        "Reuters",
    )
    claim = demo_claim(TOLL)
    evidence = Evidence.objects.get(claim=claim, report=report)
    claim.refresh_from_db()
    assert evidence.stance == "discusses"
    assert "later gave 18 for security officers killed, an update of the running count" in (
        claim.explanation
    )
    assert "counts as contradicting" not in claim.explanation
    assert (claim.status, claim.credibility) == ("unverified", 6)


CLAIM_MADE = datetime(2022, 1, 6, 18, 20, tzinfo=UTC)  # the demo report's publication


def test_an_earlier_lower_figure_for_a_running_count_is_an_earlier_count(story):
    run(
        "Reuters reporters confirmed that only 3 security officers had been killed.",
        "Reuters",
        published_at=CLAIM_MADE - timedelta(hours=6),
    )
    claim = demo_claim(TOLL)
    claim.refresh_from_db()
    evidence = claim.evidence.get()
    assert evidence.figures and evidence.figures[0]["what"] == "security officers killed"
    assert evidence.stance == "discusses"
    assert claim.status == "unverified"
    assert "before the claim was made, an earlier count of the running total" in (claim.explanation)


def test_a_later_lower_figure_for_a_running_count_contradicts_on_the_badge_too(story):
    run(
        "Reuters reporters confirmed that only 3 security officers had been killed.",
        "Reuters",
        published_at=CLAIM_MADE + timedelta(days=1),
    )
    claim = demo_claim(TOLL)
    claim.refresh_from_db()
    assert claim.evidence.get().stance == "contradicts"
    assert claim.status == "refuted"
    assert "counts as contradicting" in claim.explanation


def test_a_figure_in_other_words_links_its_claim_beside_the_sentences_own_subject(story):
    # Linked in words to the airport claim; "roughly two thousand people ... taken into
    # custody" is the detention figure in other words.
    report, touched = run(
        "Security forces took back Almaty's airport from the protesters, and the interior "
        "ministry said roughly two thousand people had been taken into custody.",
        "Reuters",
    )
    detained = demo_claim(DETAINED)
    assert detained.pk in touched
    evidence = Evidence.objects.get(claim=detained, report=report)
    assert evidence.figures and evidence.figures[0]["what"] == "people detained"
    assert evidence.stance == "supports"


def test_a_figure_for_everyone_is_not_linked_to_one_group_beside_other_links(story):
    # "people killed" counts everyone; beside the sentence's own subject it is not a count of
    # the assailants the "eliminated" claim is about.
    report, _ = run(
        "Security forces took back Almaty's airport from the protesters; 164 people have been "
        "killed in the unrest.",
        "Reuters",
    )
    assert not Evidence.objects.filter(claim=demo_claim(ELIMINATED), report=report).exists()


def test_a_different_figure_beside_the_sentences_subject_does_not_contradict_another_event(db):
    from claims.services.claims import QuantitySpec, claim_create

    def killed(place: str, count: int, event: str) -> Claim:
        return claim_create(
            text=f"{count} people were killed when a bridge collapsed in {place}.",
            quantities=[
                QuantitySpec(what="people killed", words=str(count), low=count, high=count)
            ],
            event=event,
        )

    here = killed("Dunmere", 12, "dunmere-bridge")
    elsewhere = killed("Harlow", 30, "harlow-bridge")
    report, touched = run(
        "Twelve people were killed when a bridge collapsed in Dunmere.", "Reuters"
    )
    assert here.pk in touched
    # The Harlow claim shares the template and counts the same thing, at another figure: it is
    # another event's count, not a contradiction of it.
    assert not Evidence.objects.filter(claim=elsewhere, report=report).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.status == "unverified"


def test_a_sentence_denied_by_the_next_one_contradicts_in_the_reports_own_voice(db):
    from claims.services.claims import claim_create

    arrested = claim_create(
        text="Lindhaven's mayor, Clara Voss, was detained at the city's airport on Tuesday."
    )
    report, touched = run(
        "An article published on Tuesday evening said that Mayor Clara Voss had been detained "
        "at Lindhaven airport. That was wrong: she was not detained. We have removed the article.",
        "The Daily Ledger",
    )
    assert arrested.pk in touched
    evidence = Evidence.objects.get(claim=arrested, report=report)
    assert evidence.stance == "contradicts"
    assert evidence.origin.name == "The Daily Ledger"
    assert "That was wrong" in evidence.sentence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("That was wrong: she was not detained.", True),
        ("The claim was false.", True),
        ("That's not true.", True),
        ("This was entirely false.", True),
        ("It is wrong to say so, he added.", False),
        ("It was not clear whether she left.", False),
        ("That is what he said.", False),
    ],
)
def test_a_sentence_can_deny_the_one_before_it_by_reference(sentence, expected):
    from claims.engine.stance.sentence import denies_the_previous

    assert denies_the_previous(sentence) is expected


def test_a_sentence_speaking_to_two_claims_links_both_but_not_a_third_sharing_the_names(db):
    from claims.services.claims import claim_create

    inquiry = claim_create(
        text="The National Anti-Corruption Bureau has opened an investigation into the award of "
        "Lindhaven's tram contract."
    )
    arrested = claim_create(
        text="Lindhaven's mayor, Clara Voss, was arrested at the city's airport while trying to "
        "leave the country."
    )
    resigned = claim_create(text="Clara Voss has resigned as mayor of Lindhaven.")
    report, touched = run(
        "Mayor Clara Voss was arrested at Lindhaven airport on Tuesday night, hours after the "
        "National Anti-Corruption Bureau confirmed it was investigating the city's tram contract.",
        "Northmark Today",
    )
    assert inquiry.pk in touched and arrested.pk in touched
    assert resigned.pk not in touched
    assert Evidence.objects.filter(claim=arrested, report=report).exists()


def test_a_paraphrase_below_the_coverage_gate_links_when_one_claim_stands_out(story):
    report, touched = run(
        "Lufthansa has suspended its scheduled service to Almaty until further notice.", "Reuters"
    )
    claim = demo_claim(LUFTHANSA)
    assert touched == [claim.pk]
    assert Evidence.objects.get(claim=claim, report=report).stance == "supports"


def test_a_paraphrase_in_other_words_is_found_by_the_reranker_and_read_as_its_speakers(story):
    # "shot dead dozens of people who attacked" shares one word with "Dozens of assailants were
    # eliminated": below every coverage gate, found by the reranker, said in close words.
    claim = demo_claim(ELIMINATED)
    before = (claim.status, claim.credibility)
    report, touched = run(
        "Police in Almaty said on Thursday they had shot dead dozens of people who attacked "
        "the city's police headquarters and other official buildings during the night.",
        "Reuters",
    )
    evidence = Evidence.objects.get(claim=claim, report=report)
    assert claim.pk in touched
    assert evidence.stance == "supports"
    assert evidence.origin.name != "Reuters"  # the police say it; Reuters relays them
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == before  # the claimant's side repeating itself


def test_a_paraphrase_matching_two_claims_alike_links_to_neither(story):
    # About as close to the airport, the Gulf airlines' and Lufthansa's claims: no clear winner.
    report, touched = run("Airlines cancelled flights to Almaty on Wednesday.", "Reuters")
    assert touched == []
    assert not Evidence.objects.filter(report=report).exists()


def test_processing_and_assessing_twice_changes_nothing(story):
    report, _ = run(REUTERS_OWN, "Reuters")
    claim = demo_claim(ELIMINATED)
    snapshot = list(Evidence.objects.values_list("pk", "stance", "confidence", "updated_at"))
    Report.objects.filter(pk=report.pk).update(state=Report.State.RECEIVED)
    # Processed again, it hands back the claims it speaks to (their assessment may have been
    # lost the first time), but assessing them again changes nothing.
    again = report_link(report_id=report.pk)
    assert claim.pk in again
    assert claims_status_update(claim_ids=again, worker="again", report_id=report.pk) == []
    assert claim_status_update(claim_id=claim.pk, worker="again") is None
    assert (
        list(Evidence.objects.values_list("pk", "stance", "confidence", "updated_at")) == snapshot
    )
    assert StatusChange.objects.filter(claim=claim).count() == 1


def test_the_same_report_posted_twice_is_stored_once(story):
    first = report_receive(title="a", body=REUTERS_OWN, publisher_label="Reuters")
    second = report_receive(title="b", body=REUTERS_OWN, publisher_label="Reuters")
    keyed = report_receive(title="c", body=AFP_OWN, publisher_label="AFP", idempotency_key="k-1")
    keyed_again = report_receive(
        title="c", body=AFP_OWN, publisher_label="AFP", idempotency_key="k-1"
    )
    assert first.created and not second.created and second.report == first.report
    assert keyed.created and not keyed_again.created and keyed_again.report == keyed.report
    # The key with another body is another report under a used key: refused, nothing stored.
    with pytest.raises(IdempotencyConflict) as conflict:
        report_receive(
            title="c", body=AFP_OWN + " Updated.", publisher_label="AFP", idempotency_key="k-1"
        )
    assert conflict.value.report == keyed.report
    assert Report.objects.filter(title__in=["a", "b", "c"]).count() == 2


def test_manual_labels_win_and_survive_reprocessing(story, fact_checker):
    report, _ = run(REUTERS_OWN, "Reuters")
    claim = demo_claim(ELIMINATED)
    evidence = Evidence.objects.get(claim=claim, report=report)
    evidence_set_manual(claim=claim, report=report, stance="discusses", user=fact_checker)
    claim_status_update(claim_id=claim.pk, worker="test")
    Report.objects.filter(pk=report.pk).update(state=Report.State.RECEIVED)
    report_link(report_id=report.pk)
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.method, evidence.confirmed_by) == (
        "discusses",
        "manual",
        fact_checker,
    )
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_a_rejected_link_stays_rejected_and_stops_counting(story, fact_checker):
    report, _ = run(REUTERS_OWN, "Reuters")
    claim = demo_claim(ELIMINATED)
    evidence_reject(evidence=Evidence.objects.get(claim=claim, report=report), user=fact_checker)
    claim_status_update(claim_id=claim.pk, worker="test")
    Report.objects.filter(pk=report.pk).update(state=Report.State.RECEIVED)
    report_link(report_id=report.pk)
    evidence = Evidence.objects.get(claim=claim, report=report)
    assert evidence.rejected
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_a_user_without_evidence_rights_cannot_label(story, django_user_model):
    from django.core.exceptions import PermissionDenied

    report, _ = run(REUTERS_OWN, "Reuters")
    nobody = django_user_model.objects.create_user("reader", password="x")
    with pytest.raises(PermissionDenied):
        evidence_set_manual(
            claim=demo_claim(ELIMINATED), report=report, stance="refutes", user=nobody
        )


def test_unknown_publisher_and_speaker_become_grade_f_sources(story):
    run(
        "A local resident said dozens of assailants were eliminated by police overnight in Almaty.",
        "almaty-blog.example",
    )
    assert Source.objects.get(name="almaty-blog.example").grade == "F"
    claim = demo_claim(ELIMINATED)
    claim.refresh_from_db()
    assert claim.status == "unverified"  # grade F alone never moves a claim


def test_the_sweeper_hands_back_stuck_reports(story):
    received = report_receive(title="x", body=UNRELATED, publisher_label="Reuters")
    Report.objects.filter(pk=received.report.pk).update(
        state=Report.State.PROCESSING, state_changed_at=datetime.now(UTC) - timedelta(hours=1)
    )
    assert stuck_reports_release(older_than=timedelta(minutes=5)) == [received.report.pk]
    received.report.refresh_from_db()
    assert received.report.state == Report.State.RECEIVED
    assert stuck_reports_release(older_than=timedelta(minutes=5)) == []


def test_a_lost_assessment_leaves_the_report_to_the_sweeper_which_recovers_it(story):
    received = report_receive(title="r", body=REUTERS_OWN, publisher_label="Reuters")
    touched = report_link(report_id=received.report.pk)
    claim = demo_claim(ELIMINATED)
    assert claim.pk in touched
    # The assess_claims message is lost (broker down at the hand-over, worker killed).
    received.report.refresh_from_db()
    assert received.report.state == Report.State.PROCESSING
    claim.refresh_from_db()
    assert claim.status == "unverified"
    Report.objects.filter(pk=received.report.pk).update(
        state_changed_at=datetime.now(UTC) - timedelta(hours=1)
    )
    assert stuck_reports_release(older_than=timedelta(minutes=5)) == [received.report.pk]
    again = report_link(report_id=received.report.pk)
    assert claim.pk in again  # nothing changed in the evidence, yet the claim is handed on
    claims_status_update(claim_ids=again, worker="test", report_id=received.report.pk)
    received.report.refresh_from_db()
    claim.refresh_from_db()
    assert received.report.state == Report.State.PROCESSED
    assert (claim.status, claim.credibility) == ("corroborated", 2)
    assert StatusChange.objects.filter(claim=claim).count() == 1


def test_the_sweeper_gives_up_on_a_report_after_max_attempts(story):
    received = report_receive(title="x", body=UNRELATED, publisher_label="Reuters")
    Report.objects.filter(pk=received.report.pk).update(
        state=Report.State.PROCESSING,
        state_changed_at=datetime.now(UTC) - timedelta(hours=1),
        attempts=MAX_REPORT_ATTEMPTS,
    )
    assert stuck_reports_release(older_than=timedelta(minutes=5)) == []
    received.report.refresh_from_db()
    assert received.report.state == Report.State.FAILED
    assert f"{MAX_REPORT_ATTEMPTS} attempts" in received.report.error


def test_a_report_that_breaks_processing_is_marked_failed_with_the_error(story, monkeypatch):
    import claims.pipeline.linking

    def broken(*args, **kwargs):
        raise ValueError("extractor exploded")

    monkeypatch.setattr(claims.pipeline.linking, "extract_statements", broken)
    report, touched = run(REUTERS_OWN, "Reuters")
    assert report.state == Report.State.FAILED
    assert "extractor exploded" in report.error
    assert touched == []


def _round_trips(captured):
    # The test's own transaction turns the pipeline's atomic blocks into savepoints; in a
    # worker they are BEGIN/COMMIT, which Django does not log as queries.
    return [
        q["sql"][:90]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def test_a_report_costs_a_fixed_handful_of_queries(story):
    """The hot path's round trips are the pipeline's throughput (docs/benchmarks.md): taking
    and reading a report is one UPDATE ... RETURNING, the publisher and the origins' top
    organisations come from the worker's source caches, the index's per-report check is one
    plain query. This pins the steady-state budget, so a change that adds a query per report
    has to say so here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for body, publisher in ((REUTERS_OWN, "Reuters"), (AFP_OWN, "AFP")):
        run(body, publisher)  # warms the index and the source caches, as a busy worker is
    received = report_receive(
        title="Report",
        body="Reuters reporters in Almaty counted the bodies of dozens of assailants killed by "
        "police after they tried to storm administrative buildings overnight.",
        publisher_label="Reuters",
        published_at=LATER,
    )
    with CaptureQueriesContext(connection) as captured:
        touched = report_link(report_id=received.report.pk)
    assert touched == [demo_claim(ELIMINATED).pk]
    # take + read, index check, candidate claims, their quantities ("dozens" is a figure),
    # evidence insert, and whether any known fact-check is imported (none: nothing more)
    assert len(_round_trips(captured)) == 6, _round_trips(captured)
    with CaptureQueriesContext(connection) as captured:
        changes = claims_status_update(
            claim_ids=touched, worker="test", report_id=received.report.pk
        )
    # A third first-hand report leaves the claim corroborated with a new explanation: the
    # report's state, the locked claim, its evidence, its quantities, the status change and the
    # claim's update.
    assert [(c.from_status, c.to_status) for c in changes] == [("corroborated", "corroborated")]
    assert len(_round_trips(captured)) == 6, _round_trips(captured)


# --- reading a linked sentence's commitment (pure; claims.engine.stance.sentence.read_sentence) --

SENTENCE_STANCES = [
    # (claim, sentence, the model's stance, attributed to a named speaker, stance stored)
    pytest.param(
        "Banksy was arrested in London",
        "Banksy arrested in London",
        "contradicts",
        False,
        "contradicts",
        id="model-contradiction-stands",
    ),
    pytest.param(
        "Banksy was arrested in London",
        "London weather",
        "unrelated",
        False,
        "unrelated",
        id="unrelated-stands",
    ),
    pytest.param(
        "Macaulay Culkin has died",
        "Macaulay Culkin dead?",
        "supports",
        False,
        "discusses",
        id="a-question-asserts-nothing",
    ),
    pytest.param(
        "A Florida woman got a third breast",
        "Woman with three breasts is a fake",
        "supports",
        False,
        "contradicts",
        id="a-debunk-contradicts",
    ),
    pytest.param(
        "Banksy was arrested in London",
        "No, Banksy was never arrested",
        "supports",
        False,
        "contradicts",
        id="an-opening-no-contradicts",
    ),
    pytest.param(
        "Banksy was arrested in London",
        "Banksy has not been arrested in London",
        "discusses",
        False,
        "contradicts",
        id="negated-claim-words-contradict",
    ),
    pytest.param(
        "The Batmobile was not stolen",
        "The Batmobile theft story was false",
        "supports",
        False,
        "supports",
        id="a-negative-claim-is-left-to-the-model",
    ),
    pytest.param(
        "Apple will buy Path", "Apple may buy Path", "supports", False, "discusses", id="modal"
    ),
    pytest.param(
        "Apple will buy Path",
        "Apple is reportedly buying Path",
        "supports",
        False,
        "discusses",
        id="reportedly",
    ),
    pytest.param(
        "Tiger Woods is selling his island in Sweden",
        "Tiger Woods' former luxury island goes on sale",
        "discusses",
        False,
        "supports",
        id="the-publishers-plain-statement-asserts",
    ),
    pytest.param(
        "Tiger Woods is selling his island in Sweden",
        "Tiger Woods' former luxury island goes on sale",
        "discusses",
        True,
        "supports",
        # The evidence's origin is the speaker, and the speaker asserts it: whether that
        # counts is the engine's call (an echo of the claimant's side counts for nothing).
        id="a-named-speakers-statement-is-the-speakers-assertion",
    ),
    pytest.param(
        "A Saudi cleric declared snowmen anti-Islamic",
        "Saudi cleric says snowmen are anti-Islamic",
        "discusses",
        False,
        "discusses",
        id="reported-speech-is-relayed",
    ),
    pytest.param(
        "Apple Watch shipping is delayed",
        "Apple Watch shipping delayed: Bloomberg",
        "discusses",
        False,
        "discusses",
        id="headline-attribution-is-relayed",
    ),
    pytest.param(
        "The bank accounts of Mayor Voss were frozen",
        "FactWatch found no court order freezing the mayor's bank accounts.",
        "discusses",
        False,
        "contradicts",
        id="a-search-that-found-nothing-disputes",
    ),
    pytest.param(
        "More than 2,000 people were detained in Almaty",
        "Eurasianet was unable to independently verify the figure of 2,000 people detained.",
        "supports",
        False,
        "discusses",
        id="a-source-that-could-not-check-relays",
    ),
    pytest.param(
        "A Florida woman got a third breast",
        "Third boob likely a hoax",
        "unrelated",
        False,
        "contradicts",
        id="a-linked-debunk-in-other-words-contradicts",
    ),
    pytest.param(
        "Rap artist Macklemore joined ISIS",
        "Macklemore gets Twitter-trolled with the MacklemoreJoinedISIS hashtag",
        "supports",
        False,
        "contradicts",
        id="trolled-denies",
    ),
    pytest.param(
        "Kurdish fighter Rehana was killed by ISIS",
        "Rehana is alive and well, her supporters say",
        "discusses",
        False,
        "contradicts",
        id="alive-denies-a-death",
    ),
    pytest.param(
        "Kurdish fighter Rehana was captured by ISIS",
        "Rehana is alive and well, her supporters say",
        "discusses",
        False,
        "discusses",
        id="alive-denies-only-a-death",
    ),
    pytest.param(
        "Police denied that the mayor was arrested",
        "The arrest story was a hoax",
        "unrelated",
        False,
        "unrelated",
        id="no-denial-of-a-negated-claim",
    ),
    pytest.param(
        "Terrorists commandeered five planes at the airport",
        "All the aircraft stayed at their stands, contrary to the president's statement",
        "supports",
        False,
        "contradicts",
        id="contrary-to-denies",
    ),
    pytest.param(
        "The mayor was arrested at the airport",
        "Border police said no detention had taken place at the airport",
        "discusses",
        True,
        "contradicts",
        id="no-such-event-took-place-denies",
    ),
    pytest.param(
        "Banksy was arrested in London",
        "Banksy was not arrested, his agent said",
        "unrelated",
        False,
        "contradicts",
        id="a-linked-negation-in-other-words-contradicts",
    ),
    pytest.param(
        "Mitt Romney said Michelle Obama should be called the First Woman",
        "Did Mitt Romney Call Michelle Obama First Woman'?",
        "contradicts",
        False,
        "discusses",
        id="a-question-denies-nothing-even-where-the-model-read-denial",
    ),
    pytest.param(
        "Apple is buying Path",
        "Morin refuses to confirm or deny report that Apple is buying Path",
        "contradicts",
        False,
        "discusses",
        id="a-non-answer-denies-nothing",
    ),
    pytest.param(
        "Apple will hold a launch event in February",
        "Apple May Or May Not Hold An Event In February",
        "contradicts",
        False,
        "discusses",
        id="may-or-may-not-denies-nothing",
    ),
    pytest.param(
        "A Texas plumbing company's truck is being used by militants in Syria",
        "Texas Plumber Isn't Sure How Extremists In Syria Ended Up With His Work Truck",
        "contradicts",
        False,
        "discusses",
        id="not-knowing-how-takes-the-event-as-given",
    ),
    pytest.param(
        "A Texas plumbing company's truck is being used by militants in Syria",
        "Texas Plumber Has No Idea How Company Truck Ended Up With Militants In Syria",
        "discusses",
        False,
        "discusses",
        id="no-idea-how-is-no-negation-of-the-claims-words",
    ),
    pytest.param(
        "New York Police will start issuing tickets, rather than make arrests, for marijuana",
        "In New York City, Marijuana May Mean Ticket, Not Arrest",
        "discusses",
        False,
        "discusses",
        id="a-not-mirroring-the-claims-own-contrast-is-no-denial",
    ),
    pytest.param(
        "Banksy was arrested in London",
        "Banksy refuses to say whether the arrest in London was a hoax",
        "contradicts",
        False,
        "contradicts",
        id="a-non-answer-that-debunks-still-contradicts",
    ),
    pytest.param(
        "The anti-corruption bureau has opened an investigation into the tram contract",
        "The mayor was arrested, hours after the anti-corruption bureau confirmed it was "
        "investigating the tram contract",
        "discusses",
        False,
        "supports",
        id="the-claims-own-word-is-no-hedge-on-it",
    ),
    pytest.param(
        "The mayor was arrested at the airport",
        "The mayor was arrested at the airport, and police are investigating",
        "discusses",
        False,
        "discusses",
        id="a-hedge-word-the-claim-does-not-use-still-hedges",
    ),
    pytest.param(
        "A Michigan pizza delivery guy received a 2,084 tip",
        "Pizza delivery man gets tipped more than 2,000 for a single delivery",
        "supports",
        False,
        "supports",
        id="tipped-for-a-tip-is-no-rumour-hedge",
    ),
    pytest.param(
        "Apple will launch a 12-inch MacBook Air",
        "Apple tipped to launch a 12-inch MacBook Air",
        "supports",
        False,
        "discusses",
        id="tipped-to-is-a-rumour-hedge",
    ),
]


@pytest.mark.parametrize(
    ("claim_text", "sentence", "model", "attributed", "expected"), SENTENCE_STANCES
)
def test_a_linked_sentence_is_read_for_its_commitment(
    claim_text, sentence, model, attributed, expected
):
    from claims.engine.stance.base import StanceResult
    from claims.engine.stance.sentence import read_sentence
    from claims.engine.vocabulary import Stance

    stance, confidence = read_sentence(
        claim_text, sentence, StanceResult(Stance(model), 0.7, "test"), attributed=attributed
    )
    assert stance == expected
    assert 0.0 <= confidence <= 1.0


TOLL_41 = "The collapse killed 41 people in all, and no one is still missing."
FINAL_41 = "The ministry put the final number of dead at 41; everyone reported missing was found."
FROZEN = "Investigators froze the mayor's bank accounts"
FROZEN_ACCORDING_TO = (
    "Investigators have frozen the mayor's bank accounts, according to the Telegram channel"
)


@pytest.mark.parametrize(
    ("claim_text", "sentence", "options", "expected"),
    [
        pytest.param(
            TOLL_41, FINAL_41, {"restates_figure": True}, "supports",
            id="the-claims-own-figure-is-asserted",
        ),
        pytest.param(
            TOLL_41, FINAL_41, {"restates_figure": False}, "discusses",
            id="a-claim-with-a-negation-is-not-plain",
        ),
        pytest.param(
            FROZEN, FROZEN_ACCORDING_TO, {"attributed": True, "cue": "according to"}, "supports",
            id="according-to-a-named-source-is-the-sources-word",
        ),
        pytest.param(
            FROZEN, FROZEN_ACCORDING_TO, {"attributed": False, "cue": None}, "discusses",
            id="an-unresolved-according-to-hedges",
        ),
    ],
)  # fmt: skip
def test_what_the_sentence_reader_is_told_changes_its_reading(
    claim_text, sentence, options, expected
):
    assert read_as(claim_text, sentence, "discusses", **options) == expected


def read_as(claim_text: str, sentence: str, model: str, **options: Any) -> str:
    """The stance `read_sentence` stores for a sentence the model read as `model`."""
    from claims.engine.stance.base import StanceResult
    from claims.engine.stance.sentence import read_sentence
    from claims.engine.vocabulary import Stance

    stance, _ = read_sentence(
        claim_text, sentence, StanceResult(Stance(model), 0.7, "t"), **options
    )
    return str(stance)


@pytest.mark.parametrize(
    ("claim_text", "sentence", "expected"),
    [
        (
            "Clara Voss has resigned as mayor of Lindhaven.",
            "Clara Voss has stepped down as mayor of Lindhaven, people close to city hall said",
            True,
        ),
        (
            "The National Anti-Corruption Bureau has opened an inquiry into Lindhaven's trams.",
            "the National Anti-Corruption Bureau confirmed it was investigating Lindhaven's trams",
            True,
        ),
        ("Twelve people were killed in Harlow.", "Twelve people were killed in Dunmere.", False),
    ],
    ids=["same-names-other-words", "hyphenated-and-possessive-names", "same-event-elsewhere"],
)
def test_a_second_claim_must_be_named_in_the_sentence(claim_text, sentence, expected):
    from claims.engine.stance.sentence import names_given

    assert names_given(claim_text, sentence) is expected


# --- the paraphrase fallback (pure; claims.pipeline.linking._fallback_match) ---------------------

FALLBACKS = [
    # (coverages of the candidates in the index's order, index of the one linked or None)
    pytest.param([], None, id="no-candidates"),
    pytest.param([0.36, 0.14], 0, id="stands-out"),
    pytest.param([0.36], 0, id="alone"),
    pytest.param([0.22, 0.23, 0.17], None, id="three-alike"),
    pytest.param([0.30, 0.21], None, id="lead-too-small"),
    pytest.param([0.19], None, id="too-little-of-the-claim"),
    pytest.param([0.45, 0.30, 0.10], 0, id="clear-lead"),
]


LEADS = [
    # (the reranker's scores in the index's order, whether the first is sure and alone)
    pytest.param([], False, id="no-candidates"),
    pytest.param([2.4], True, id="alone"),
    pytest.param([2.4, 1.2], True, id="clear-lead"),
    pytest.param([2.4, 1.6], False, id="lead-too-small"),
    pytest.param([1.6, -0.5], False, id="not-sure-enough"),
]


@pytest.mark.parametrize(("scores", "leads"), LEADS)
def test_a_paraphrase_needs_less_of_the_claim_said_only_when_the_reranker_has_no_rival(
    scores, leads
):
    from claims.engine.retrieval.index import Match
    from claims.pipeline.linking import _leads

    assert _leads([Match(100 + i, score, 0.2, ()) for i, score in enumerate(scores)]) is leads


@pytest.mark.parametrize(("coverages", "linked"), FALLBACKS)
def test_the_paraphrase_fallback_links_only_a_candidate_that_stands_out(coverages, linked):
    from claims.engine.retrieval.index import Match
    from claims.pipeline.linking import _fallback_match

    matches = [Match(100 + i, 1.0 - i / 10, c, ()) for i, c in enumerate(coverages)]
    assert _fallback_match(matches) == ([] if linked is None else [matches[linked]])


@pytest.mark.django_db(transaction=True)
def test_a_speaker_cached_before_a_merge_is_resolved_again(story):
    """A worker keeps the sources it resolved for SOURCE_CACHE_SECONDS; one merged away
    meanwhile (deleted) must not fail the next report that names it."""
    from sources.services import source_merge

    run(WIRE_ECHO, "Reuters")  # caches "the interior ministry" -> Interior Ministry of Kazakhstan
    ministry = Source.objects.get(name="Interior Ministry of Kazakhstan")
    survivor = Source.objects.create(
        name="MVD of the Republic", kind="government_body", grade="C", country="KZ"
    )
    source_merge(absorbed=ministry, survivor=survivor)
    report, _ = run(
        "About 2,000 people were detained in Almaty, the Interior Ministry said again on Friday.",
        "Agence France-Presse",
        title="Another wire",
    )
    assert report.state == Report.State.PROCESSED, report.error
    evidence = Evidence.objects.get(claim=demo_claim(DETAINED), report=report)
    assert evidence.origin == survivor


@pytest.mark.parametrize(
    ("kind", "country", "expected"),
    [
        ("government_body", "KZ", "KZ"),
        ("official", "KZ", "KZ"),
        # A London wire's correspondents claim what they saw in Almaty: no hint that "the
        # interior ministry" of a later report is British.
        ("news_agency", "GB", ""),
        ("newspaper", "GB", ""),
    ],
)
def test_a_bare_office_is_placed_by_a_claimant_that_is_not_a_newsroom(kind, country, expected):
    from claims.models import Claim
    from claims.pipeline.linking import _story_country

    claimant = Source(name="Claimant", kind=kind, country=country)
    assert _story_country(Claim(text="x", claimant=claimant)) == expected
    assert _story_country(Claim(text="x")) == ""


@pytest.mark.parametrize(
    ("sentence", "recalls"),
    [
        ("In December 2011 police in Zhanaozen opened fire on striking oil workers.", True),
        ("Back in early 2019, a similar protest was broken up.", True),
        ("In January 2022, police said 20 people were held.", False),
        ("In 15 minutes the square was cleared.", False),
        ("Police said the toll from 2011 had never been published.", False),
    ],
)
def test_a_sentence_dated_to_an_earlier_year_recalls_another_event(sentence, recalls):
    from claims.engine.stance.sentence import recalls_an_earlier_year

    assert recalls_an_earlier_year(sentence, 2022) is recalls
