"""The known fact-checks a report's check-worthy sentences repeat: what the workers store
while they link a report (claims.pipeline.linking), so the report page and the API can say
"already fact-checked elsewhere" next to the sentence.

A sentence is check-worthy when the engine proposes a claim in it (`propose_claims`: a factual
assertion with a claimant, a figure or a hedge); the claim it proposes, not the whole sentence
with its attribution, is what is searched, as CLEF's tweets search the verified claims. The
search is the known-fact-check matcher (claims.pipeline.known_fact_checks: the CLEF matcher
over the KnownFactCheck table, one per-process index kept in step by `updated_at`). A report
keeps one row per fact-check, for the sentence that matched it best; processing the report
again replaces its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.engine.extraction import Statement
from claims.engine.proposals import propose_claims
from claims.engine.retrieval.index import Match
from claims.models import KnownFactCheck, ReportKnownFactCheck
from claims.pipeline.known_fact_checks import known_fact_checks_search_many
from sources.models import Report

# What makes a match "already fact-checked" rather than "shares a topic with a fact-check":
# a sentence that carries KNOWN_COVERAGE_ALONE of a fact-check's wording (by IDF weight) repeats
# it, whatever the score; below that, the learned reranker must score the pair at least
# KNOWN_SCORE, with the matcher's usual coverage floor. The reranker's scores run lower over a
# small table (a few hundred imported reviews give its BM25 features little to go on), which
# the coverage rule covers; without the reranker (its artifact missing) only the coverage rule
# applies. Both were chosen on CLEF-2020 dev and on reports about stories nobody has checked
# (docs/benchmarks.md, "Known fact-checks in reports"; `manage.py evaluate_known_in_reports`).
KNOWN_SCORE = 3.5
KNOWN_COVERAGE = 0.15
KNOWN_COVERAGE_ALONE = 0.6

# At most this many fact-checks a sentence, and this many of a report's most check-worthy
# sentences searched: a long article costs a bounded number of searches.
PER_SENTENCE = 3
MAX_SENTENCES = 20


@dataclass(frozen=True)
class CheckWorthy:
    query: str  # the claim the engine proposes: what is searched
    sentence: str  # the report's sentence (or sentences) holding it, as written
    position: int  # where that sentence starts in the body


@dataclass(frozen=True)
class KnownFound:
    fact_check_id: int
    sentence: CheckWorthy
    score: float
    coverage: float
    rank: int  # 1: the matcher's best fact-check for the sentence


def check_worthy_sentences(
    body: str, publisher: str | None, statements: list[Statement]
) -> list[CheckWorthy]:
    """The report's most check-worthy claims, each with the sentences it was read from."""
    found: list[CheckWorthy] = []
    seen: set[str] = set()
    sentences = [statement.sentence for statement in statements]
    for proposal in propose_claims(body, publisher, statements=statements):
        key = proposal.statement.casefold()
        if key in seen:
            continue
        seen.add(key)
        held = [s for s in sentences if s.start < proposal.end and s.end > proposal.start]
        start = min((s.start for s in held), default=proposal.start)
        end = max((s.end for s in held), default=proposal.end)
        found.append(CheckWorthy(proposal.statement, body[start:end].strip(), start))
        if len(found) == MAX_SENTENCES:
            break
    return found


def accepted(
    matches: list[Match],
    *,
    reranked: bool,
    score: float = KNOWN_SCORE,
    coverage: float = KNOWN_COVERAGE,
    coverage_alone: float = KNOWN_COVERAGE_ALONE,
) -> list[Match]:
    """The matches that say the sentence repeats the fact-check (see KNOWN_SCORE); the
    keywords are for measuring other thresholds."""
    kept = [
        m
        for m in matches
        if m.coverage >= coverage_alone
        or (reranked and m.score >= score and m.coverage >= coverage)
    ]
    return kept[:PER_SENTENCE]


def best_per_fact_check(
    sentences: list[CheckWorthy], matches: list[list[Match]], *, reranked: bool
) -> dict[int, KnownFound]:
    """One finding per fact-check: the sentence that scored it highest."""
    best: dict[int, KnownFound] = {}
    for sentence, found in zip(sentences, matches, strict=True):
        for rank, match in enumerate(accepted(found, reranked=reranked), start=1):
            current = best.get(match.claim_id)
            if current is None or match.score > current.score:
                best[match.claim_id] = KnownFound(
                    match.claim_id, sentence, match.score, match.coverage, rank
                )
    return best


def report_known_fact_checks_store(*, report: Report, statements: list[Statement]) -> int:
    """Match a report's check-worthy sentences to the known fact-checks and store what is
    found in place of the rows an earlier run stored; return how many. `statements` are the
    report's (`extract_statements(report.body, publisher)`), which linking has already read.
    Runs in the caller's transaction."""
    if not KnownFactCheck.objects.exists():
        # Nothing imported: deleting the fact-checks deleted every report's rows with them.
        return 0
    sentences = check_worthy_sentences(report.body, report.publisher.name, statements)
    found: dict[int, KnownFound] = {}
    if sentences:
        matches, reranked = known_fact_checks_search_many(
            [s.query for s in sentences], k=PER_SENTENCE, min_coverage=KNOWN_COVERAGE
        )
        found = best_per_fact_check(sentences, matches, reranked=reranked)
    if found:
        # A fact-check deleted since the index last looked is left out, not inserted to fail
        # the report's transaction at commit.
        live = set(KnownFactCheck.objects.filter(pk__in=list(found)).values_list("pk", flat=True))
        found = {pk: f for pk, f in found.items() if pk in live}
    ReportKnownFactCheck.objects.filter(report=report).delete()
    ReportKnownFactCheck.objects.bulk_create(
        ReportKnownFactCheck(
            report=report,
            fact_check_id=f.fact_check_id,
            sentence=f.sentence.sentence,
            position=f.sentence.position,
            score=round(f.score, 4),
            coverage=round(f.coverage, 4),
            rank=f.rank,
        )
        for f in found.values()
    )
    return len(found)
