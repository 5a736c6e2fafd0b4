"""End-to-end tracking on Emergent-format rows, through the real services and pipeline
functions, in a transaction that is rolled back (`manage.py evaluate_tracking`).

One run, as the workers would do it but in-process and without Celery:

1. every outlet the rows name gets a source graded by `grades` (else `default_grade`): an
   existing source found by `source_resolve` is regraded for the run, an unknown one is created
   by `source_upsert`;
2. every claim is created with `claim_create` (text = claimHeadline, no claimant), in file
   order, and the claim index is synced so it knows them all;
3. every article, in file order, is stored with `report_ingest` (title and body = its headline,
   publisher = its outlet, its URL), then `report_link(report_id=...)` and, when that touched
   claims, `claims_status_update(claim_ids=..., report_id=...)`. An article whose URL or
   headline is already stored is the earlier report (the service's de-duplication) and is not
   processed again (nor is an article matching a report already in the database);
4. the evidence and statuses are read back; then everything is rolled back.

The run's own transaction is rolled back whatever happens, so it can be pointed at a developer's
database and leaves nothing behind. Claims already in that database are hidden from the run's
claim index (they would otherwise compete for the articles); sources already there are used
(by name, alias or domain) with the run's grade. The in-process claim index and source caches
are reset before and after, so neither the database's nor the run's rows leak into later work in
the same process. On SQLite the transaction holds the write lock for the run (about ten
seconds for the full file): stop the workers first.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from claims.engine.datasets.emergent import (
    RIGHT_STATUSES,
    ArticleOutcome,
    Row,
    articles_about,
    claims_of,
)
from claims.engine.extraction import extract_statements
from claims.engine.retrieval.index import expand_hashtags
from claims.engine.vocabulary import Stance
from claims.models import Claim, Evidence
from claims.pipeline.assess import claims_status_update
from claims.pipeline.index import current_index, reset_index
from claims.pipeline.linking import (
    CANDIDATES_PER_SENTENCE,
    MIN_COVERAGE,
    NEAR_MISS_MARGIN,
    TEXT_COVERAGE,
    report_link,
    stance_model,
)
from claims.pipeline.source_cache import clear_source_caches
from claims.services.claims import claim_create
from sources.models import Report, Source
from sources.selectors import source_resolve
from sources.services import report_ingest, source_upsert

# The StatusChange rows' author, as a worker's host and task id would be.
WORKER = "evaluate_tracking (in-process)"

# How deep the --debug diagnosis looks for an unlinked article's own claim.
DIAGNOSIS_DEPTH = 50


@dataclass(frozen=True)
class Link:
    """One evidence row the run made, named by the data set's claim id."""

    claim_id: str
    stance: str
    confidence: float
    sentence: str
    origin: str
    origin_grade: str
    publisher: str
    title: str  # the report's headline


@dataclass(frozen=True)
class Diagnosis:
    """Why an article missed its own claim (`--debug`): what retrieval and the stance model
    made of its statements. Coverage is the share of the claim's IDF-weighted terms the
    sentence carries; linking needs TEXT_COVERAGE (or a figure the claim counts)."""

    statements: int
    speakers: tuple[str, ...]  # first-hand speakers the extraction found ("" = the publisher)
    own_rank: int | None  # 1-based rank of its own claim among the candidates, None beyond
    own_coverage: float
    best_claim: str | None  # the data set's claim id of the top candidate
    best_coverage: float
    model_stance: str  # the stance model's label for (own claim, best sentence)
    model_confidence: float


@dataclass(frozen=True)
class ArticleRun:
    row: Row
    report_id: int
    stored_earlier: bool  # same URL or headline as an earlier article: stored once
    failed: bool  # report_link marked the report failed
    own: Link | None
    others: tuple[Link, ...]
    diagnosis: Diagnosis | None = None


@dataclass(frozen=True)
class ClaimRun:
    claim_id: str
    text: str
    status: str
    credibility: int
    explanation: str
    evidence: tuple[Link, ...]


@dataclass
class TrackingRun:
    articles: list[ArticleRun]
    claims: dict[str, ClaimRun]
    timings: dict[str, float] = field(default_factory=dict)
    hidden_claims: int = 0  # claims already in the database, kept out of the index
    grades: dict[str, str] = field(default_factory=dict)  # outlet -> grade used

    def outcomes(self) -> dict[tuple[str, str], ArticleOutcome]:
        return {
            a.row.key: ArticleOutcome(
                a.own.stance if a.own else None, frozenset(link.claim_id for link in a.others)
            )
            for a in self.articles
        }

    def statuses(self) -> dict[str, str]:
        return {claim_id: c.status for claim_id, c in self.claims.items()}

    @property
    def stored_earlier(self) -> int:
        return sum(a.stored_earlier for a in self.articles)

    @property
    def failed(self) -> int:
        return sum(a.failed for a in self.articles)


class _Discard(Exception):
    """Raised inside the run's transaction to roll it back."""


@contextmanager
def _fresh_caches() -> Iterator[None]:
    reset_index()
    clear_source_caches()
    try:
        yield
    finally:
        reset_index()
        clear_source_caches()


def run_tracking(
    rows: Sequence[Row],
    *,
    default_grade: str = Source.Grade.C,
    grades: Mapping[str, str] | None = None,
    debug: bool = False,
) -> TrackingRun:
    """Run `rows` through the pipeline in a rolled-back transaction; see the module doc."""
    result: list[TrackingRun] = []
    with _fresh_caches():
        try:
            with transaction.atomic():
                result.append(_run(rows, default_grade, grades or {}, debug))
                raise _Discard
        except _Discard:
            pass
    return result[0]


def _run(
    rows: Sequence[Row], default_grade: str, grades: Mapping[str, str], debug: bool
) -> TrackingRun:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # Claims already in this database stay out of the run's index (not out of the database).
    existing = list(Claim.objects.order_by().values_list("pk", flat=True))
    index = current_index(force=True)
    for pk in existing:
        index.remove(pk)

    used_grades: dict[str, str] = {}
    publishers: dict[str, Source] = {}
    for name in dict.fromkeys(r.source for r in rows):
        grade = grades.get(name, default_grade)
        publishers[name] = _outlet(name, grade)
        used_grades[name] = grade

    claim_pks: dict[str, int] = {}
    for claim_id, row in claims_of(rows).items():
        claim_pks[claim_id] = claim_create(text=row.claim_headline).pk
    current_index(force=True)  # the claims made in this transaction, all of them, now
    timings["setup"] = time.perf_counter() - started

    ingest = link = assess = 0.0
    report_of: dict[tuple[str, str], tuple[int, bool]] = {}
    for row in rows:
        t0 = time.perf_counter()
        stored = report_ingest(
            title=row.article_headline,
            body=row.article_headline,
            publisher=publishers[row.source],
            url=row.url or None,
        )
        t1 = time.perf_counter()
        ingest += t1 - t0
        report_of[row.key] = (stored.report.pk, not stored.created)
        if not stored.created:
            continue
        touched = report_link(report_id=stored.report.pk)
        t2 = time.perf_counter()
        link += t2 - t1
        if touched:
            claims_status_update(claim_ids=touched, worker=WORKER, report_id=stored.report.pk)
            assess += time.perf_counter() - t2
    timings["ingest"], timings["link"], timings["assess"] = ingest, link, assess

    t0 = time.perf_counter()
    claim_of_pk = {pk: claim_id for claim_id, pk in claim_pks.items()}
    report_ids = {pk for pk, _ in report_of.values()}
    links_by_report: dict[int, list[Link]] = {}
    links_by_claim: dict[str, list[Link]] = {}
    for e in (
        Evidence.objects.filter(report_id__in=report_ids, claim_id__in=claim_of_pk)
        .select_related("origin", "report", "report__publisher")
        .order_by("pk")
    ):
        found = Link(
            claim_id=claim_of_pk[e.claim_id],
            stance=e.stance,
            confidence=e.confidence,
            sentence=e.sentence,
            origin=e.origin.name,
            origin_grade=e.origin.grade,
            publisher=e.report.publisher.name,
            title=e.report.title,
        )
        links_by_report.setdefault(e.report_id, []).append(found)
        links_by_claim.setdefault(found.claim_id, []).append(found)
    failed_reports = set(
        Report.objects.filter(pk__in=report_ids, state=Report.State.FAILED).values_list(
            "pk", flat=True
        )
    )
    articles: list[ArticleRun] = []
    for row in rows:
        report_id, earlier = report_of[row.key]
        found_links = links_by_report.get(report_id, [])
        own = next((x for x in found_links if x.claim_id == row.claim_id), None)
        articles.append(
            ArticleRun(
                row=row,
                report_id=report_id,
                stored_earlier=earlier,
                failed=report_id in failed_reports,
                own=own,
                others=tuple(x for x in found_links if x.claim_id != row.claim_id),
            )
        )
    claims: dict[str, ClaimRun] = {}
    for claim in Claim.objects.filter(pk__in=claim_of_pk).order_by("pk"):
        claim_id = claim_of_pk[claim.pk]
        claims[claim_id] = ClaimRun(
            claim_id=claim_id,
            text=claim.text,
            status=claim.status,
            credibility=claim.credibility,
            explanation=claim.explanation,
            evidence=tuple(links_by_claim.get(claim_id, ())),
        )
    timings["collect"] = time.perf_counter() - t0

    if debug:
        t0 = time.perf_counter()
        articles = [
            a if a.own is not None else _diagnosed(a, claim_pks, claim_of_pk, claims)
            for a in articles
        ]
        timings["debug"] = time.perf_counter() - t0
    return TrackingRun(
        articles=articles,
        claims=claims,
        timings=timings,
        hidden_claims=len(existing),
        grades=used_grades,
    )


def _outlet(name: str, grade: str) -> Source:
    """The outlet's source for this run, graded `grade`: the existing one it resolves to, or a
    new one."""
    found = source_resolve(label=name)
    if found is None:
        return source_upsert(name=name[:200], kind=Source.Kind.OTHER, grade=grade)
    if found.grade == grade:
        return found
    return source_upsert(
        name=found.name,
        kind=found.kind,
        grade=grade,
        country=found.country,
        role=found.role,
        parent=found.parent,
        description=found.description,
    )


def _diagnosed(
    article: ArticleRun,
    claim_pks: Mapping[str, int],
    claim_of_pk: Mapping[int, str],
    claims: Mapping[str, ClaimRun],
) -> ArticleRun:
    """`article` with what linking saw: the same statements, the same index, the same model."""
    index = current_index()
    own_pk = claim_pks[article.row.claim_id]
    statements = extract_statements(article.row.article_headline, publisher=article.row.source)
    own_rank: int | None = None
    own_coverage = best_coverage = 0.0
    best_claim: str | None = None
    best_sentence = article.row.article_headline
    for statement in statements:
        read_as = expand_hashtags(statement.sentence.text, index.knows)
        matches = index.search(read_as, k=max(DIAGNOSIS_DEPTH, CANDIDATES_PER_SENTENCE))
        for rank, match in enumerate(matches, start=1):
            if match.claim_id == own_pk and match.coverage >= own_coverage:
                own_coverage, best_sentence = match.coverage, read_as
                own_rank = rank if own_rank is None else min(own_rank, rank)
        if matches and matches[0].coverage >= best_coverage:
            best_coverage = matches[0].coverage
            best_claim = claim_of_pk.get(matches[0].claim_id)
    result = stance_model().classify(claims[article.row.claim_id].text, best_sentence)
    diagnosis = Diagnosis(
        statements=len(statements),
        speakers=tuple("" if s.first_hand else (s.speaker or "") for s in statements),
        own_rank=own_rank,
        own_coverage=round(own_coverage, 3),
        best_claim=best_claim,
        best_coverage=round(best_coverage, 3),
        model_stance=str(result.label),
        model_confidence=round(result.confidence, 3),
    )
    return ArticleRun(
        row=article.row,
        report_id=article.report_id,
        stored_earlier=article.stored_earlier,
        failed=article.failed,
        own=article.own,
        others=article.others,
        diagnosis=diagnosis,
    )


def why_unlinked(diagnosis: Diagnosis) -> str:
    """A one-phrase reading of a diagnosis, in linking's terms."""
    if diagnosis.own_rank is None:
        return "own claim not among the candidates"
    if diagnosis.own_coverage < MIN_COVERAGE:
        return f"coverage {diagnosis.own_coverage:.2f} below MIN_COVERAGE {MIN_COVERAGE}"
    if diagnosis.own_coverage < TEXT_COVERAGE:
        return f"coverage {diagnosis.own_coverage:.2f} below TEXT_COVERAGE {TEXT_COVERAGE}"
    if diagnosis.best_coverage - diagnosis.own_coverage > NEAR_MISS_MARGIN:
        return f"a better match ({diagnosis.best_coverage:.2f}) beyond the near-miss margin"
    if diagnosis.model_stance == Stance.UNRELATED:
        return "stance model said unrelated"
    return "outranked by other matches (MAX_LINKS_PER_SENTENCE)"


# --- files and debug listing ------------------------------------------------------------------


def write_outputs(runs: Sequence[TrackingRun], directory: Path) -> tuple[Path, Path]:
    """Write ``claims.csv`` (claimId, status, credibility) and ``articles.csv`` (articleId,
    claimId, stance on its own claim or empty, other_claims: how many other claims of the data
    set the article was linked to) for every claim and row of `runs`, in run and file order."""
    directory.mkdir(parents=True, exist_ok=True)
    claims_path, articles_path = directory / "claims.csv", directory / "articles.csv"
    with claims_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claimId", "status", "credibility"])
        for run in runs:
            writer.writerows((c.claim_id, c.status, c.credibility) for c in run.claims.values())
    with articles_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["articleId", "claimId", "stance", "other_claims"])
        for run in runs:
            writer.writerows(
                (
                    a.row.article_id,
                    a.row.claim_id,
                    a.own.stance if a.own else "",
                    len({link.claim_id for link in a.others}),
                )
                for a in run.articles
            )
    return claims_path, articles_path


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_debug(run: TrackingRun) -> str:
    """Per-article and per-claim details: articles not linked to their own claim (with what
    retrieval and the stance model made of them when the run was made with ``debug``), links
    to claims the article is not about, and every claim whose final status is wrong, with the
    evidence it rests on."""
    rows = [a.row for a in run.articles]
    about = articles_about(rows)
    gold_stance = {
        (r.claim_id, " ".join(r.article_headline.lower().split())): r.stance for r in rows
    }
    text_of = {claim_id: c.text for claim_id, c in run.claims.items()}
    lines: list[str] = []

    unlinked = [a for a in run.articles if a.own is None]
    lines.append(f"== Articles not linked to their own claim: {len(unlinked)}")
    for a in unlinked:
        lines.append(f"- claim   [{a.row.truth or '?'}] {_short(a.row.claim_headline)}")
        lines.append(f"  article [{a.row.stance or '?'}] {_short(a.row.article_headline)}")
        notes = [f"outlet {a.row.source}"]
        if a.stored_earlier:
            notes.append("stored as an earlier report")
        if a.failed:
            notes.append("report FAILED")
        d = a.diagnosis
        if d is not None:
            rank = "-" if d.own_rank is None else str(d.own_rank)
            speakers = ", ".join(s or "publisher" for s in d.speakers) or "none"
            notes.append(
                f"own coverage {d.own_coverage:.2f} (rank {rank}), best {d.best_coverage:.2f}"
                f"{'' if d.best_claim in (None, a.row.claim_id) else ' on another claim'}; "
                f"model {d.model_stance} {d.model_confidence:.2f}; speakers: {speakers}; "
                f"{why_unlinked(d)}"
            )
        for link in a.others:
            notes.append(f"linked instead to: {_short(text_of[link.claim_id], 70)} ({link.stance})")
        lines.append("  " + "; ".join(notes))

    lines.append("")
    strays = [
        (a, link)
        for a in run.articles
        for link in a.others
        if link.claim_id not in about[a.row.key]
    ]
    lines.append(f"== Links to a claim the article is not about: {len(strays)}")
    for a, link in strays:
        lines.append(f"- article {_short(a.row.article_headline)}")
        lines.append(f"  own     {_short(a.row.claim_headline)}")
        lines.append(
            f"  linked  {_short(text_of[link.claim_id])} ({link.stance} {link.confidence:.2f})"
        )

    lines.append("")
    truth_of = {r.claim_id: r.truth for r in rows}
    wrong = [
        c
        for c in run.claims.values()
        if truth_of.get(c.claim_id) is not None
        and c.status not in RIGHT_STATUSES[truth_of[c.claim_id] or "unknown"]
    ]
    lines.append(f"== Claims whose final status is wrong: {len(wrong)}")
    for c in wrong:
        lines.append(
            f"- [{truth_of[c.claim_id]} -> {c.status}, credibility {c.credibility}] {_short(c.text)}"
        )
        for link in c.evidence:
            gold = gold_stance.get((c.claim_id, " ".join(link.title.lower().split())))
            lines.append(
                f"    {link.stance:<11} gold {gold or '-':<9} {link.origin} [{link.origin_grade}]"
                f"{'' if link.origin == link.publisher else ' via ' + link.publisher}: "
                f"{_short(link.sentence, 90)}"
            )
    return "\n".join(lines)
