"""Linking a report to the claims it speaks to: split it into attributed statements, retrieve candidate claims, judge stance, upsert one Evidence row per (claim, report).

Idempotent: a report processed again (a retry, the sweeper) changes nothing the first run did not, and a fact-checker's label always survives.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from claims.engine import verification
from claims.engine.extraction import Statement, extract_statements
from claims.engine.language import language_of
from claims.engine.quantities import FoundQuantity, figures_meet, find_quantities, same_thing
from claims.engine.retrieval.index import Match
from claims.engine.stance.base import StanceModel
from claims.engine.stance.learned import LearnedStance
from claims.engine.stance.lexical import LexicalStance
from claims.engine.stance.sentence import (
    denies,
    denies_the_previous,
    names_given,
    read_sentence,
    recalls_an_earlier_year,
)
from claims.engine.text import expand_hashtags
from claims.engine.vocabulary import Stance
from claims.models import Claim, Evidence, Quantity, WebhookEvent
from claims.pipeline.assess import claim_made_at, claim_quantities, figures_of
from claims.pipeline.index import current_index
from claims.pipeline.known_in_reports import report_known_fact_checks_store
from claims.pipeline.rows import FigureRow, quantities_by_claim, report_mark_processed
from claims.pipeline.source_cache import SPEAKER_SOURCES, clear_source_caches, publisher_of
from claims.services.webhooks import emit_after_commit, report_failed_payloads
from sources.models import Report, Source
from sources.services import report_take, source_for_label

logger = logging.getLogger(__name__)


# Retrieval: candidates per sentence and the share of a claim's terms a sentence must carry.
CANDIDATES_PER_SENTENCE = 20


MIN_COVERAGE = 0.15


# A sentence speaks to a claim in words when it carries at least half of the claim's
# distinguishing (IDF-weighted) content; below that, only a figure for the very thing the claim
# counts links them, and only when the sentence is not plainly about another claim.
TEXT_COVERAGE = 0.5


# A sentence that restates one claim in full and half-matches others (the same kind of event
# in the same city, another day or toll) speaks to the first, not to all: of the claims above
# TEXT_COVERAGE, only those within this margin of the sentence's best match are linked, at most
# MAX_LINKS_PER_SENTENCE of them. This also keeps the work per report flat as the claim base
# grows, instead of linking every near-duplicate as "discusses".
NEAR_MISS_MARGIN = 0.1


MAX_LINKS_PER_SENTENCE = 5


# Paraphrase fallback: a sentence that restates a claim in its own words ("HP" for
# Hewlett-Packard, "wounded" for injured) carries less than TEXT_COVERAGE of it. When no claim
# reaches TEXT_COVERAGE, the index's best candidate is still linked if it carries at least
# FALLBACK_COVERAGE and leads every other candidate by FALLBACK_LEAD of coverage: one claim
# stands out, so the sentence is about it, not about a family of near-duplicates. The stance
# model must still find the sentence related. Lowering TEXT_COVERAGE everywhere instead links
# many near-duplicates too; both were measured end to end (docs/benchmarks.md).
FALLBACK_COVERAGE = 0.2


FALLBACK_LEAD = 0.1


# Paraphrase by the reranker: a sentence that says a claim in other words ("shot dead dozens"
# for "dozens of assailants were eliminated", "suspended its service" for "no more flights")
# carries little of its vocabulary. The learned reranker (claims.engine.retrieval.rerank) scores
# such pairs well above the rest, so a candidate it scores at least RERANK_LINK_SCORE is linked
# too, provided the sentence says at least PARAPHRASE_SAID of the claim in its words or close
# ones (LearnedStance.said_share): the reranker, trained where every text has a claim, is also
# sure of a sentence that only shares the claim's setting ("Airlines cancelled flights to
# Almaty" for protesters overrunning the airport). Both were chosen end to end on Emergent and
# the corpus (docs/benchmarks.md, "Tracking").
RERANK_LINK_SCORE = 1.5


PARAPHRASE_SAID = 0.5


# When the reranker is sure of one claim and scores every other at least RERANK_LEAD lower, a
# sentence saying BEST_PARAPHRASE_SAID of it is enough: no other claim competes for it. ("Airlines
# cancelled flights to Almaty" scores the airport claim 1.5 and the Gulf airlines' 1.1: no lead.)
BEST_PARAPHRASE_SAID = 0.35


RERANK_LEAD = 1.0


RERANK_SURE = 1.8


# A sentence that denies a claim by its form ("Third boob likely a hoax", "Macklemore gets
# Twitter-trolled"; claims.engine.stance.sentence.denies) names what it debunks in few of its
# words: the reranker's best candidate is linked when the sentence says DENIAL_SAID of it.
DENIAL_SAID = 0.3


# A sentence that speaks to two claims ("Voss was arrested at the airport, hours after the
# bureau confirmed it was investigating") gets a reranker score for the one it is most like;
# the other is linked too when the sentence carries GIST_COVERAGE of its terms, says SAID_IN_FULL
# of it in its words or close ones, says GIST_SAID of what the claim says happened without its
# names (LearnedStance.gist_said: sentences about the same people doing something else share
# the names, not the event) and names every name the claim does (`names_given`: the same kind
# of event elsewhere shares the event, not the names). Chosen on the corpus (docs/benchmarks.md,
# "End to end").
GIST_COVERAGE = 0.3


SAID_IN_FULL = 0.75


GIST_SAID = 0.6


# How many of the best-scored candidates carrying GIST_COVERAGE are read for it: the second claim
# of a sentence ranks near its first, and each reading costs a said share.
SECOND_CLAIM_CANDIDATES = 3


TRANSIENT_ERRORS = (OperationalError, InterfaceError)


_stance_model: StanceModel | None = None


def stance_model() -> StanceModel:
    """The learned stance model (claims.engine.stance.learned, measured on FNC-1 by
    `manage.py evaluate_stance`) when its artifacts load, else the rule-based LexicalStance,
    said once in the log. One per process."""
    global _stance_model
    if _stance_model is None:
        from claims.engine.stance.learned import ModelMissingError

        learned = LearnedStance()
        try:
            learned.artifacts  # noqa: B018 -- load now, not on the first report
            _stance_model = learned
        except ModelMissingError as exc:
            logger.warning("learned stance model unavailable (%s): using LexicalStance", exc)
            _stance_model = LexicalStance()
    return _stance_model


@dataclass(frozen=True)
class Finding:
    """The strongest thing one report says about one claim."""

    claim_id: int
    stance: str
    confidence: float
    sentence: str
    origin: Source
    figures: tuple[FigureRow, ...]

    def strength(self) -> tuple[int, float]:
        # A sentence that takes a side beats one that only discusses; then confidence.
        return (0 if self.stance == Stance.DISCUSSES else 1, self.confidence)


def _pause_for_fault_injection() -> None:
    pause = settings.PIPELINE_PAUSE_AFTER_CLAIM_SECONDS
    if pause:
        time.sleep(pause)


def _crash_for_fault_injection(report: Report) -> None:
    """The poison report of the fault-injection proof: its worker process dies on taking it,
    every time, so only the sweeper's attempt limit ends it."""
    poison = settings.PIPELINE_CRASH_ON_TITLE
    if poison and report.title == poison:
        logger.error("fault injection: report %s kills its worker", report.pk)
        os.kill(os.getpid(), signal.SIGKILL)


def report_link(*, report_id: int) -> list[int]:
    """Link a received report to the claims it speaks to; return the ids of the claims to
    assess (the caller passes them, with the report id, to `claims_status_update`).

    A report that links to nothing is finished here; one that does stays `processing` until
    its claims are assessed, so a lost assessment (broker down at the hand-over, a worker
    killed in between) leaves the report for the sweeper instead of a stale status. A report
    processed again returns every claim it has evidence on, changed or not, for that reason.
    A report that is not waiting is left alone."""
    report = report_take(report_id=report_id)
    if report is None:
        return []  # gone, already processed, or another worker has it
    _pause_for_fault_injection()
    _crash_for_fault_injection(report)
    reading = language_of(f"{report.title}\n{report.body}")
    if not reading.readable:
        # Matched as English it would link to nothing and read as "speaks to no claim".
        report_mark_processed(report_id, unread_language=reading.language)
        return []
    try:
        try:
            touched = _link_in_transaction(report)
        except IntegrityError:
            # A speaker's source this worker cached may have been merged into another since
            # (sources.services.source_merge deletes the absorbed one): forget the cached
            # sources and read the report once more.
            clear_source_caches()
            touched = _link_in_transaction(report)
    except TRANSIENT_ERRORS:
        # The database blinked: give the report back so the retry (or the sweeper) takes it.
        Report.objects.filter(pk=report_id, state=Report.State.PROCESSING).update(
            state=Report.State.RECEIVED, state_changed_at=timezone.now()
        )
        raise
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            state=Report.State.FAILED,
            state_changed_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        emit_after_commit(WebhookEvent.REPORT_FAILED, lambda: report_failed_payloads([report_id]))
        return []
    return touched


def _link_in_transaction(report: Report) -> list[int]:
    with transaction.atomic():
        report.publisher = publisher_of(report.publisher_id)
        statements = extract_statements(report.body, publisher=report.publisher.name)
        findings = _read_report(report, statements)
        touched = _upsert_evidence(report, findings)
        _match_known_fact_checks(report, statements)
        if not touched:
            report_mark_processed(report.pk)
    return touched


def _match_known_fact_checks(report: Report, statements: list[Statement]) -> None:
    """The known fact-checks the report's sentences repeat (claims.pipeline.known_in_reports).
    They are a reading aid beside the evidence, so a failure here costs the report only them:
    it is logged and the report's links are kept. A database that blinked is the exception,
    raised like any other step's so the report is retried."""
    try:
        with transaction.atomic():
            report_known_fact_checks_store(report=report, statements=statements)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        logger.exception("report %s: known fact-checks not matched", report.pk)


def _read_report(report: Report, statements: list[Statement]) -> dict[int, Finding]:
    index = current_index()
    model = stance_model()
    # Paraphrases need both the reranker (to find them) and the learned model (to check them).
    said_share = (
        model.said_share if index.rerank_enabled and isinstance(model, LearnedStance) else None
    )
    candidates: list[_Candidates] = []
    wanted: set[int] = set()
    # A running count's previous figure ("up from 13") is not what the sentence reports.
    found_by_statement: list[list[FoundQuantity]] = []
    for statement in statements:
        # Matched and judged with glued hashtags cut into words ("#fyrefestival" -> "fyre
        # festival"), as the index reads them; the evidence keeps the sentence as written.
        read_as = expand_hashtags(statement.sentence.text, index.knows)
        matches = index.search(read_as, k=CANDIDATES_PER_SENTENCE, min_coverage=MIN_COVERAGE)
        if not matches:
            continue
        found = _Candidates(
            statement,
            read_as,
            in_words=[m.claim_id for m in _best_text_matches(matches)],
            paraphrased=([m.claim_id for m in _reranker_matches(matches)] if said_share else []),
            sole_paraphrase=_leads(matches),
            fallback=[m.claim_id for m in _fallback_match(matches)],
            pooled=[m.claim_id for m in matches],
            covered=[m.claim_id for m in matches if m.coverage >= GIST_COVERAGE],
        )
        candidates.append(found)
        figures_given = [f for f in find_quantities(statement.sentence.text) if not f.previous]
        found_by_statement.append(figures_given)
        # Without a match in words every candidate may be needed (paraphrase, fallback, figure);
        # with a figure, every candidate may be the one the figure counts for.
        wanted.update(
            found.in_words + found.paraphrased + found.covered
            if found.in_words and not figures_given
            else found.pooled
        )
    if not wanted:
        return {}
    claims = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=wanted)
        .order_by()
        .exclude(first_report=report)  # the report a claim was logged from is not evidence about it
        .select_related("first_report", "claimant")
        .only(
            "id",
            "text",
            "quote",
            "made_at",
            "event",
            "first_report__published_at",
            "claimant__country",
            "claimant__kind",
        )
    }
    # Per statement: its linked claims, those linked in other words, and those a figure alone
    # may link (beside the linked ones, or on its own when nothing else is).
    per_statement: list[tuple[Statement, str, list[int], set[int], set[int]]] = []
    for position, found in enumerate(candidates):
        ids = list(found.in_words)
        # Linked by the reranker: about the claim in other words, whatever its literal terms.
        in_other_words: set[int] = set()
        for rank, claim_id in enumerate(found.paraphrased):
            claim = claims.get(claim_id)
            if claim_id in ids or claim is None or said_share is None:
                continue
            said = said_share(claim.text, found.read_as)
            if (
                said >= PARAPHRASE_SAID
                or (rank == 0 and found.sole_paraphrase and said >= BEST_PARAPHRASE_SAID)
                or (rank == 0 and said >= DENIAL_SAID and denies(claim.text, found.read_as))
            ):
                ids.append(claim_id)
                in_other_words.add(claim_id)
        if ids and isinstance(model, LearnedStance) and said_share is not None:
            for claim_id in found.covered[:SECOND_CLAIM_CANDIDATES]:
                claim = claims.get(claim_id)
                if claim_id in ids or claim is None:
                    continue
                if (
                    names_given(claim.text, found.read_as)
                    and said_share(claim.text, found.read_as) >= SAID_IN_FULL
                    and model.gist_said(claim.text, found.read_as) >= GIST_SAID
                ):
                    ids.append(claim_id)
                    in_other_words.add(claim_id)
        if not ids:
            ids = found.fallback
        # Near-misses (same template, another place or day) must not all become evidence: only
        # a figure for what a claim counts links them (below). Beside a sentence's other links
        # that figure must name the claim's own group ("people taken into custody" for "people
        # detained"; "164 people killed" is not a count of the assailants), and it contradicts
        # the claim only within the same event (below).
        by_figure = (
            {c for c in found.pooled if c not in ids} if found_by_statement[position] else set()
        )
        per_statement.append((found.statement, found.read_as, ids, in_other_words, by_figure))
    # Claims' quantities matter only where a sentence gives a figure.
    quantities = quantities_by_claim(claims) if any(found_by_statement) else {}
    origins: dict[tuple[str | None, str], Source] = {}
    best: dict[int, Finding] = {}
    # A sentence whose next one denies it by reference ("That was wrong.", "The claim was
    # false.") is that denial's subject: what it relays, the report contradicts in the next
    # sentence's voice.
    denied_by = {
        id(statement): following
        for statement, following in itertools.pairwise(statements)
        if denies_the_previous(following.sentence.text)
    }
    for position, (statement, read_as, ids, in_other_words, by_figure) in enumerate(per_statement):
        denial = denied_by.get(id(statement))
        found_quantities = found_by_statement[position]
        events = {claims[c].event for c in ids if c in claims and claims[c].event}
        for claim_id in ids + sorted(by_figure):
            by_figure_only = claim_id in by_figure
            # Beside the sentence's own links, a figure must name the claim's own group.
            strict = by_figure_only and bool(ids)
            claim = claims.get(claim_id)
            if claim is None:
                continue
            made_at = claim_made_at(claim)
            if made_at is not None and recalls_an_earlier_year(
                statement.sentence.text, made_at.year
            ):
                continue
            figures = tuple(
                {
                    "what": q.what,
                    "words": f.words,
                    "low": f.range.low,
                    "high": None if math.isinf(f.range.high) else f.range.high,
                }
                for q in quantities.get(claim_id, ())
                for f in found_quantities
                if same_thing(q.what, f.what, generic=not strict)
            )
            if by_figure_only and not figures:
                continue
            rows = quantities.get(claim_id, ())
            if (
                strict
                and _figure_stance(report, rows, made_at, Stance.SUPPORTS, figures)
                == Stance.CONTRADICTS
                and not (claim.event in events and not _before(report, made_at))
            ):
                # Beside the sentence's own subject, a figure at odds with the claim's (not an
                # update or an earlier count of a running total) is another event's count,
                # another town's or another day's, unless the desk filed the claim under the
                # same event as the one the sentence is about and the figure came after the
                # claim ("at least 58 died" against a final toll of 41 for the same collapse).
                # Decided before the stance model is asked: the figures alone settle it.
                continue
            result = (
                model.classify_related(claim.text, read_as)
                if claim_id in in_other_words and isinstance(model, LearnedStance)
                else model.classify(claim.text, read_as)
            )
            # Attributed: a named speaker's, or the publisher's own when it vouches for what it
            # was told ("three witnesses told the AP, and video reviewed by the AP showed").
            stance, confidence = read_sentence(
                claim.text,
                read_as,
                result,
                attributed=statement.cue is not None,
                cue=statement.cue,
                restates_figure=_meets_claim(figures, rows),
            )
            if by_figure_only or stance == Stance.UNRELATED:
                if not figures:
                    continue
                # A figure for the very thing the claim counts makes the sentence about the
                # claim even in other words; the engine compares the ranges.
                stance = Stance.SUPPORTS if _meets_claim(figures, rows) else Stance.DISCUSSES
                confidence = 0.6
            if figures:
                # The engine's reading of the figures (a figure outside the claim's range
                # contradicts it unless it updates a running count or counted earlier) is the
                # stance stored, so the row's badge and the claim's explanation agree.
                stance = _figure_stance(report, rows, made_at, Stance(stance), figures)
            voice, sentence = statement, statement.sentence.text
            if denial is not None and stance in (Stance.SUPPORTS, Stance.DISCUSSES):
                stance, confidence = Stance.CONTRADICTS, max(confidence, 0.6)
                voice, sentence = denial, f"{sentence} {denial.sentence.text}"
            finding = Finding(
                claim_id=claim_id,
                stance=str(stance),
                confidence=round(max(0.0, min(1.0, confidence)), 4),
                sentence=sentence,
                origin=_origin(voice, report, _story_country(claim), origins),
                figures=figures,
            )
            current = best.get(claim_id)
            if current is None or finding.strength() > current.strength():
                best[claim_id] = finding
    return best


@dataclass(frozen=True)
class _Candidates:
    """What retrieval offers for one statement, before the claims' texts are at hand."""

    statement: Statement
    read_as: str
    in_words: list[int]  # at least TEXT_COVERAGE, near the best
    paraphrased: list[int]  # the reranker is sure of them; the sentence must say enough
    sole_paraphrase: bool  # the first of them leads every other candidate by RERANK_LEAD
    fallback: list[int]  # the one candidate that stands out, when nothing else links
    pooled: list[int]  # every candidate, for a figure-only link
    covered: list[int]  # the candidates carrying GIST_COVERAGE of their terms


def _best_text_matches(matches: list[Match]) -> list[Match]:
    strong = [m for m in matches if m.coverage >= TEXT_COVERAGE]
    if not strong:
        return []
    floor = max(m.coverage for m in strong) - NEAR_MISS_MARGIN
    return [m for m in strong if m.coverage >= floor][:MAX_LINKS_PER_SENTENCE]


def _reranker_matches(matches: list[Match]) -> list[Match]:
    """The candidates the learned reranker is sure of (see RERANK_LINK_SCORE); the caller
    checks that the sentence says enough of each."""
    return [m for m in matches if m.score >= RERANK_LINK_SCORE][:MAX_LINKS_PER_SENTENCE]


def _leads(matches: list[Match]) -> bool:
    """Whether the reranker's best candidate is sure and leads the next by RERANK_LEAD."""
    if not matches or matches[0].score < RERANK_SURE:
        return False
    return len(matches) == 1 or matches[0].score - matches[1].score >= RERANK_LEAD


def _fallback_match(matches: list[Match]) -> list[Match]:
    """The index's best candidate when it stands out (see FALLBACK_COVERAGE), else nothing."""
    if not matches:
        return []
    best = matches[0]
    runner_up = max((m.coverage for m in matches[1:]), default=0.0)
    if best.coverage >= FALLBACK_COVERAGE and best.coverage - runner_up >= FALLBACK_LEAD:
        return [best]
    return []


def _meets_claim(figures: Sequence[FigureRow], quantities: Iterable[Quantity]) -> bool:
    """Whether any figure can be the count of the claim's quantity it was matched to."""
    return any(_overlaps(f, q) for f in figures for q in quantities if q.what == f["what"])


def _before(report: Report, made_at: datetime | None) -> bool:
    published = report.published_at or report.retrieved_at
    return made_at is not None and published is not None and published < made_at


def _figure_stance(
    report: Report,
    rows: Sequence[Quantity],
    made_at: datetime | None,
    stance: Stance,
    figures: Sequence[FigureRow],
) -> Stance:
    """The engine's reading of a sentence's figures for a claim (verification rule 4)."""
    claim = verification.ClaimInput(
        claimant_key=None,
        claimant_name=None,
        quantities=claim_quantities(rows),
        made_at=made_at,
    )
    return verification.read_figures(
        claim, stance, figures_of(figures), report.published_at or report.retrieved_at
    )


def _overlaps(figure: FigureRow, quantity: Quantity) -> bool:
    high = math.inf if quantity.high is None else quantity.high
    fig_high = math.inf if figure["high"] is None else float(figure["high"])
    return figures_meet(float(figure["low"] or 0), fig_high, quantity.low, high)


def _origin(
    statement: Statement,
    report: Report,
    country: str,
    cache: dict[tuple[str | None, str], Source],
) -> Source:
    """Who is first-hand behind a statement: the named speaker, else the publisher. `country`
    is the story's (the claim's claimant's): a bare office such as "the health ministry" is
    that country's."""
    speaker = None if statement.first_hand else statement.speaker
    if (speaker, country) in cache:
        return cache[(speaker, country)]
    if speaker is None:
        origin = report.publisher
    else:
        key = (speaker.strip().lower(), country)
        cached = SPEAKER_SOURCES.get(key)
        if cached is None:
            # Resolved by name, alias, domain or normalised form; an unknown speaker becomes a
            # grade-F source (nobody has judged it yet) under the organisation the text names.
            cached = source_for_label(label=speaker, country=country)
            SPEAKER_SOURCES.put(key, cached)
        origin = cached
    cache[(speaker, country)] = origin
    return origin


_MEDIA_KINDS = frozenset({Source.Kind.NEWS_AGENCY, Source.Kind.NEWSPAPER, Source.Kind.BROADCASTER})


def _story_country(claim: Claim) -> str:
    # The claimant's country places a bare office ("the interior ministry"). Not the
    # publisher's, nor a claimant that is itself a newsroom: a London wire reporting from
    # Almaty is no hint that a ministry is British.
    claimant = claim.claimant
    if claimant is None or claimant.kind in _MEDIA_KINDS:
        return ""
    return claimant.country


def _upsert_evidence(report: Report, findings: dict[int, Finding]) -> list[int]:
    # On a report's first attempt no automatic evidence can exist yet (a failed attempt rolls
    # back); a fact-checker's row made meanwhile survives the insert below (ignore_conflicts).
    existing = (
        {e.claim_id: e for e in Evidence.objects.filter(report=report).order_by()}
        if report.attempts > 1
        else {}
    )
    touched: set[int] = set()
    to_create: list[Evidence] = []
    to_update: list[Evidence] = []
    for claim_id, finding in findings.items():
        row = existing.get(claim_id)
        if row is None:
            to_create.append(
                Evidence(
                    claim_id=claim_id,
                    report=report,
                    stance=finding.stance,
                    origin=finding.origin,
                    confidence=finding.confidence,
                    sentence=finding.sentence,
                    figures=list(finding.figures),
                    method=Evidence.Method.AUTO,
                )
            )
            touched.add(claim_id)
        elif row.method == Evidence.Method.AUTO and not row.rejected:
            # A fact-checker's label (manual or rejected) always survives re-processing.
            new = (
                finding.stance,
                finding.origin.pk,
                finding.confidence,
                finding.sentence,
                list(finding.figures),
            )
            old = (row.stance, row.origin_id, row.confidence, row.sentence, row.figures)
            if new != old:
                row.stance, row.origin, row.confidence, row.sentence, row.figures = (
                    finding.stance,
                    finding.origin,
                    finding.confidence,
                    finding.sentence,
                    list(finding.figures),
                )
                to_update.append(row)
                touched.add(claim_id)
    stale = [
        row.pk
        for claim_id, row in existing.items()
        if claim_id not in findings and row.method == Evidence.Method.AUTO and not row.rejected
    ]
    if stale:
        Evidence.objects.filter(pk__in=stale).delete()
    # Processed again (a retry, the sweeper): the earlier attempt's assessment may never have
    # run, so every claim the report has evidence on is assessed again; it is idempotent.
    touched.update(existing)
    # ignore_conflicts: a duplicate delivery racing us inserts the same pair; one row survives.
    Evidence.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        Evidence.objects.bulk_update(
            to_update, ["stance", "origin", "confidence", "sentence", "figures", "updated_at"]
        )
    return sorted(touched)
