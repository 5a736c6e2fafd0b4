"""The corpus of follow-up reports (claims/demo/corpus, issue 13 deliverable 7), measured end
to end: each story loaded into a fresh database, every report sent in published order, then
the links, stances, origins and final statuses compared with the desk's expectations.

- Pure checks of the data (size, references, dates, own words, and that every expected final
  status follows from the expected links by the desk's policy, written below as
  `desk_status`).
- `test_corpus_through_the_worker`: the reports posted through the API to a real worker; it
  asserts >= 95% of links with their stance, no link to a claim a report must not touch, and
  every final status, and prints a table per story of what matched and what did not.
- `test_corpus_in_process`: the same table without a worker (report_receive, report_link,
  claims_status_update called directly), for development; it asserts only that every report
  was processed.
- `test_the_engine_counts_the_desks_links_as_the_desk_does`: the engine's verification fed
  exactly the expected links, so a wrong status there is the counting policy, not the linking.

Each test run has its own broker folder (factcheck/settings_test.py), so another run's worker
cannot take these reports.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from claims.demo.corpus import (
    BASIS_STANCE,
    STORY_KEYS,
    CorpusReport,
    ExpectedLink,
    Story,
    corpus_load,
    story_load,
)

STORIES = corpus_load()

LINK_TARGET = 0.95

# The desk's reading of the policy, for checking that the corpus's expectations are
# coherent (not the engine's code): per claim, each origin group outside the claimant's side
# that is graded A to D speaks with its last word that takes a side; repetition by the
# claimant's side never counts.
CREDIBLE = "ABCD"
CORROBORATION = (("A", 1), ("B", 2), ("D", 5))  # one A, two A/B, or five A-D origins
SIDE_TAKING = {"independent", "absence", "denial", "retraction"}


def desk_status(story: Story, key: str) -> str:
    """What a desk editor would call the claim once every report is in.

    A positive contradiction (a denial, a debunk, a retraction) by a credible independent
    origin refutes, unless an independent origin graded better than every contradicting one
    supports the claim, in which case it is contested: disputed (the side accused denying what
    a rights group documented does not settle it). Absence of evidence disputes. Enough
    credible independent support corroborates. Everything else is unverified.
    """
    claim = story.claim(key)
    claimant_group = story.top(claim.claimant) if claim.claimant else None
    sources = story.all_sources
    last_word: dict[str, tuple[str, str]] = {}
    for report in story.reports:  # in published order
        for link in report.links:
            if link.claim != key or link.basis not in SIDE_TAKING:
                continue
            origin = link.origin or report.publisher
            group = story.top(origin)
            if group == claimant_group or sources[origin].grade not in CREDIBLE:
                continue
            last_word[group] = (link.basis, sources[origin].grade)
    supports = [grade for basis, grade in last_word.values() if basis == "independent"]
    denials = [grade for basis, grade in last_word.values() if basis in ("denial", "retraction")]
    absences = [grade for basis, grade in last_word.values() if basis == "absence"]
    if denials:
        return "disputed" if supports and min(supports) < min(denials) else "refuted"
    if absences:
        return "disputed"
    if any(sum(grade <= bar for grade in supports) >= n for bar, n in CORROBORATION):
        return "corroborated"
    return "unverified"


# --- pure checks of the data ------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _links(story: Story, claim: str | None = None) -> list[tuple[CorpusReport, ExpectedLink]]:
    return [
        (report, link)
        for report in story.reports
        for link in report.links
        if claim is None or link.claim == claim
    ]


def test_the_corpus_has_at_least_120_reports_in_three_stories():
    sizes = {story.key: len(story.reports) for story in STORIES}
    assert tuple(sizes) == STORY_KEYS == ("almaty", "rumour", "toll")
    assert sum(sizes.values()) >= 120, sizes
    assert sizes["almaty"] >= 50, sizes
    # What the issue asks each story to hold.
    wanted = {
        "almaty": ("echo", "independent", "absence", "denial", "update", "earlier", "relay"),
        "rumour": ("echo", "independent", "relay", "denial", "retraction", "absence"),
        "toll": ("echo", "independent", "earlier", "update", "denial"),
    }
    for story in STORIES:
        bases = Counter(link.basis for _, link in _links(story))
        missing = [basis for basis in wanted[story.key] if not bases[basis]]
        assert not missing, (story.key, missing)
        assert any(not r.links and r.must_not for r in story.reports), (story.key, "look-alikes")
        assert any(not r.links and not r.must_not for r in story.reports), (story.key, "off-topic")
        assert len({c.final for c in story.claims}) >= 3, (story.key, "a mix of final statuses")
    # The rumour: many outlets pass it on, hedged and unhedged, before the denials.
    rumour = story_load("rumour")
    arrested = _links(rumour, "arrested")
    assert len({report.publisher for report, _ in arrested}) >= 12
    assert sum(link.basis == "relay" for _, link in arrested) >= 4
    assert sum(link.basis == "independent" for _, link in arrested) >= 5


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_every_reference_in_the_corpus_resolves(story: Story):
    sources = story.all_sources
    seen: set[str] = {s.name for s in story.base_sources}
    for source in story.sources:
        assert source.parent is None or source.parent in seen, (source.name, "parent first")
        assert source.name not in {s.name for s in story.base_sources} or story.demo
        seen.add(source.name)
    assert len({s.name for s in story.sources}) == len(story.sources)
    keys = [c.key for c in story.claims]
    assert len(set(keys)) == len(keys)
    for claim in story.claims:
        assert claim.claimant is None or claim.claimant in sources, claim.key
        assert all(name in sources for name, _ in claim.hops), claim.key
        if claim.claimant:
            assert claim.hops and claim.hops[0][0] == claim.claimant, claim.key
        for quantity in claim.quantities:
            assert quantity.high is None or quantity.low <= quantity.high
    ids = [r.id for r in story.reports]
    assert len(set(ids)) == len(ids)
    assert len({_norm(r.body) for r in story.reports}) == len(ids), "two reports share a body"
    for report in story.reports:
        assert report.publisher in sources, report.id
        linked = [link.claim for link in report.links]
        assert len(set(linked)) == len(linked), report.id
        for name in (*linked, *report.must_not, *report.may):
            assert name in keys, (report.id, name)
        assert not set(linked) & set(report.must_not), report.id
        assert not set(linked) & set(report.may), report.id
        for link in report.links:
            assert link.stance == BASIS_STANCE[link.basis]
            assert link.origin is None or link.origin in sources, (report.id, link.origin)
            claim = story.claim(link.claim)
            if link.origin is None or claim.claimant is None:
                assert link.basis != "echo", (report.id, "an echo names the claimant's side")
                continue
            own_side = story.top(link.origin) == story.top(claim.claimant)
            if link.basis == "echo":
                assert own_side, (report.id, link.claim, "an echo comes from the claimant's side")
            elif link.basis in SIDE_TAKING:
                assert not own_side, (report.id, link.claim, "the claimant's side is an echo")


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_the_corpus_dates_are_in_order(story: Story):
    times = [r.published_at for r in story.reports]
    assert times == sorted(times), "reports are listed in published order"
    made = [c.made_at for c in story.claims]
    assert min(times) >= min(made) - timedelta(days=3)
    assert max(times) <= max(made) + timedelta(days=30)
    for report in story.reports:
        for link in report.links:
            made_at = story.claim(link.claim).made_at
            if link.basis == "earlier":
                assert report.published_at < made_at, (report.id, "an earlier count comes first")
            if link.basis in ("update", "absence", "denial", "retraction"):
                assert report.published_at > made_at, (report.id, link.basis, "after the claim")


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_no_report_uses_a_claims_own_words(story: Story):
    for report in story.reports:
        text = _norm(f"{report.title} {report.body}")
        for claim in story.claims:
            assert _norm(claim.text) not in text, (report.id, claim.key)
            if claim.quote:
                assert _norm(claim.quote) not in text, (report.id, claim.key, claim.quote)


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_the_expected_statuses_follow_from_the_expected_links(story: Story):
    got = {c.key: desk_status(story, c.key) for c in story.claims}
    assert got == {c.key: c.final for c in story.claims}


@pytest.mark.shared_data
def test_no_passage_of_the_demo_article_is_copied():
    from tests.conftest import shared_path

    article = _norm(shared_path("demo", "almaty-2022-01-06.txt").read_text(encoding="utf-8"))
    words = article.split()
    shingles = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    for story in STORIES:
        for report in story.reports:
            text = _norm(f"{report.title} {report.body}").split()
            for i in range(len(text) - 7):
                assert " ".join(text[i : i + 8]) not in shingles, (report.id, text[i : i + 8])


# --- the measurement --------------------------------------------------------------------------


class CorpusGap(AssertionError):
    """The pipeline misses the corpus's expectations (links, stances or statuses)."""


@dataclass
class Row:
    report: str
    claim: str
    expected: str | None  # the expected stance; None for a link nobody expected
    got: str | None  # the stance linked; None when not linked
    basis: str = ""
    origin_expected: str | None = None
    origin_got: str | None = None
    origin_ok: bool = True
    forbidden: bool = False
    sentence: str = ""

    @property
    def cause(self) -> str:
        if self.expected is None:
            return "must-not link" if self.forbidden else "stray link"
        if self.got is None:
            return "retrieval missed"
        if self.got != self.expected:
            return "stance wrong"
        if not self.origin_ok:
            return "origin resolved wrong"
        return "ok"


@dataclass
class ClaimRow:
    key: str
    expected: str
    got: str
    credibility: int
    reason: str
    links_ok: bool
    cause: str = ""


@dataclass
class Measurement:
    story: Story
    rows: list[Row] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    unprocessed: list[str] = field(default_factory=list)

    @property
    def expected(self) -> list[Row]:
        return [r for r in self.rows if r.expected is not None]

    @property
    def linked_share(self) -> float:
        return sum(r.got is not None for r in self.expected) / max(1, len(self.expected))

    @property
    def link_stance_share(self) -> float:
        return sum(r.got == r.expected for r in self.expected) / max(1, len(self.expected))

    @property
    def origin_share(self) -> float:
        checked = [r for r in self.expected if r.got is not None and r.origin_expected]
        return sum(r.origin_ok for r in checked) / max(1, len(checked))

    @property
    def stray(self) -> list[Row]:
        return [r for r in self.rows if r.expected is None]

    @property
    def status_share(self) -> float:
        return sum(c.got == c.expected for c in self.claims) / max(1, len(self.claims))

    def failures(self) -> list[str]:
        problems = []
        if self.link_stance_share < LINK_TARGET:
            problems.append(
                f"{self.story.key}: links with their stance {self.link_stance_share:.0%} < "
                f"{LINK_TARGET:.0%}"
            )
        forbidden = [r for r in self.rows if r.forbidden]
        if forbidden:
            problems.append(
                f"{self.story.key}: {len(forbidden)} link(s) to claims reports must not touch"
            )
        wrong = [c for c in self.claims if c.got != c.expected]
        if wrong:
            problems.append(
                f"{self.story.key}: final status wrong for "
                + ", ".join(f"{c.key} ({c.got}, expected {c.expected})" for c in wrong)
            )
        if self.unprocessed:
            problems.append(f"{self.story.key}: not processed: {', '.join(self.unprocessed)}")
        return problems


def _top_name(source: Any, cache: dict[int, str]) -> str:
    if source.pk not in cache:
        current, seen = source, set()
        while current.parent_id and current.pk not in seen:
            seen.add(current.pk)
            current = current.parent
        cache[source.pk] = current.name
    return cache[source.pk]


def _named(name: str) -> Any:
    from sources.models import Source
    from sources.selectors import source_resolve

    found = Source.objects.filter(name=name).first() or source_resolve(label=name)
    assert found is not None, f"source {name!r} is not in the database"
    return found


def story_into_database(story: Story) -> dict[str, Any]:
    """The story's sources and claims in a fresh database: the demo load for the demo story,
    then the story's own sources (the desk's grades) and claims. Returns claims by key."""
    from claims.models import Claim
    from claims.services.claims import HopSpec, QuantitySpec, claim_create
    from sources.services import source_upsert

    if story.demo:
        from claims.demo.loader import demo_load

        demo_load()
    for spec in story.sources:
        source_upsert(
            name=spec.name,
            kind=spec.kind,
            grade=spec.grade,
            country=spec.country,
            role=spec.role,
            parent=_named(spec.parent) if spec.parent else None,
            aliases=spec.aliases,
            domains=spec.domains,
        )
    claims: dict[str, Any] = {}
    for spec in story.claims:
        if spec.demo:
            claims[spec.key] = Claim.objects.get(quote=spec.quote)
            continue
        claims[spec.key] = claim_create(
            text=spec.text,
            quote=spec.quote,
            kind=spec.kind,
            claimant=_named(spec.claimant) if spec.claimant else None,
            hops=[HopSpec(_named(name), cue) for name, cue in spec.hops],
            quantities=[
                QuantitySpec(what=q.what, words=q.words, low=q.low, high=q.high, running=q.running)
                for q in spec.quantities
            ],
            hedges=spec.hedges,
            event=story.event,
            made_at=spec.made_at,
        )
    return claims


def measure(story: Story, claims: dict[str, Any], report_pks: dict[str, int]) -> Measurement:
    from claims.models import Claim, Evidence
    from sources.models import Report

    result = Measurement(story)
    key_of = {claim.pk: key for key, claim in claims.items()}
    evidence = {
        (e.report_id, e.claim_id): e
        for e in Evidence.objects.filter(report_id__in=report_pks.values(), rejected=False)
        .select_related("origin")
        .order_by()
    }
    tops: dict[int, str] = {}
    used: set[tuple[int, int]] = set()
    for report in story.reports:
        pk = report_pks[report.id]
        for link in report.links:
            pair = (pk, claims[link.claim].pk)
            found = evidence.get(pair)
            used.add(pair)
            row = Row(report.id, link.claim, link.stance, None, link.basis, link.origin)
            if found is not None:
                row.got = found.stance
                row.origin_got = found.origin.name
                row.sentence = found.sentence
                if link.origin:
                    row.origin_ok = _top_name(found.origin, tops) == _top_name(
                        _named(link.origin), tops
                    )
            result.rows.append(row)
        for (report_pk, claim_pk), found in evidence.items():
            if report_pk != pk or (report_pk, claim_pk) in used:
                continue
            key = key_of.get(claim_pk, f"claim #{claim_pk}")
            if key in report.may:
                continue
            result.rows.append(
                Row(
                    report.id,
                    key,
                    None,
                    found.stance,
                    origin_got=found.origin.name,
                    forbidden=key in report.must_not,
                    sentence=found.sentence,
                )
            )
    states = dict(Report.objects.filter(pk__in=report_pks.values()).values_list("pk", "state"))
    result.unprocessed = [
        r.id for r in story.reports if states.get(report_pks[r.id]) != "processed"
    ]
    by_claim: dict[str, list[Row]] = defaultdict(list)
    for row in result.expected:
        by_claim[row.claim].append(row)
    for spec in story.claims:
        claim = Claim.objects.get(pk=claims[spec.key].pk)
        links_ok = all(r.cause == "ok" for r in by_claim[spec.key]) and not any(
            r.claim == spec.key for r in result.stray
        )
        row = ClaimRow(spec.key, spec.final, claim.status, claim.credibility, spec.reason, links_ok)
        if row.got != row.expected:
            row.cause = "counting policy" if links_ok else "follows the link errors"
        result.claims.append(row)
    return result


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(result: Measurement) -> str:
    story = result.story
    expected = result.expected
    lines = [
        "",
        f"=== corpus story '{story.key}': {len(story.reports)} reports, {len(expected)} "
        f"expected links, {len(story.claims)} claims ===",
        f"links found {result.linked_share:.0%}  links with the expected stance "
        f"{result.link_stance_share:.0%} (target {LINK_TARGET:.0%})  origins right "
        f"{result.origin_share:.0%}  stray links {len(result.stray)} "
        f"(must-not {sum(r.forbidden for r in result.rows)})  final statuses "
        f"{sum(c.got == c.expected for c in result.claims)}/{len(result.claims)}",
    ]
    by_basis: dict[str, list[Row]] = defaultdict(list)
    for row in expected:
        by_basis[row.basis].append(row)
    lines.append(
        "by basis: "
        + "  ".join(
            f"{basis} {sum(r.cause == 'ok' for r in rows)}/{len(rows)}"
            for basis, rows in sorted(by_basis.items())
        )
    )
    causes = Counter(r.cause for r in result.rows if r.cause != "ok")
    causes.update(c.cause for c in result.claims if c.cause)
    lines.append(
        "mismatches by cause: " + (", ".join(f"{k} {v}" for k, v in causes.most_common()) or "none")
    )
    lines.append(
        f"{'report':9} {'claim':14} {'basis':11} {'expected':12} {'got':12} cause / origin / sentence"
    )
    for row in result.rows:
        if row.cause == "ok":
            continue
        detail = row.cause
        if row.cause == "origin resolved wrong":
            detail += f": {row.origin_got} (expected {row.origin_expected})"
        elif row.got is not None:
            detail += f": {row.origin_got}"
        if row.sentence:
            detail += f" | {_clip(row.sentence, 90)}"
        lines.append(
            f"{row.report:9} {row.claim:14} {row.basis or '-':11} {row.expected or '-':12} "
            f"{row.got or '-':12} {detail}"
        )
    lines.append(f"{'claim':14} {'expected':13} {'got':13} cred  {'':26} desk's reason")
    for c in result.claims:
        mark = "ok" if c.got == c.expected else f"WRONG ({c.cause})"
        lines.append(
            f"{c.key:14} {c.expected:13} {c.got:13} {c.credibility:<5} {mark:26} {_clip(c.reason, 80)}"
        )
    if result.unprocessed:
        lines.append("not processed: " + ", ".join(result.unprocessed))
    return "\n".join(lines)


def _show(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print(text)


def engine_on_the_desks_links(story: Story) -> dict[str, str]:
    """The engine's status for each claim when handed exactly the desk's expected links (the
    stance, origin group, grade and date of each; absence reports flagged): the counting half
    of the pipeline, without retrieval, stance or source resolution."""
    from claims.engine import verification
    from claims.engine.vocabulary import Stance

    sources = story.all_sources
    statuses: dict[str, str] = {}
    for claim in story.claims:
        evidence = []
        for number, (report, link) in enumerate(_links(story, claim.key)):
            origin = link.origin or report.publisher
            evidence.append(
                verification.EvidenceInput(
                    evidence_id=number + 1,
                    stance=Stance(link.stance),
                    origin_key=story.top(origin),
                    origin_name=origin,
                    grade=sources[origin].grade,
                    published_at=report.published_at,
                    publisher_name=report.publisher,
                    absence=link.basis == "absence",
                )
            )
        assessment = verification.assess(
            verification.ClaimInput(
                claimant_key=story.top(claim.claimant) if claim.claimant else None,
                claimant_name=claim.claimant,
                made_at=claim.made_at,
            ),
            evidence,
        )
        statuses[claim.key] = str(assessment.status)
    return statuses


# Only the demo story fails today: its one contested claim (saule), which the engine refutes
# because a credible contradiction outweighs any support (CONTRADICTION_OUTWEIGHS_SUPPORT).
COUNTING_GAP = pytest.mark.xfail(
    strict=False,
    raises=CorpusGap,
    reason="the engine refutes a claim that a better-graded origin supports and the accused "
    "side denies; the desk calls it disputed (issue 13). Remove when the engine meets it",
)


@pytest.mark.parametrize(
    "story",
    [pytest.param(s, id=s.key, marks=COUNTING_GAP if s.key == "almaty" else ()) for s in STORIES],
)
def test_the_engine_counts_the_desks_links_as_the_desk_does(
    story: Story, capsys: pytest.CaptureFixture[str]
):
    got = engine_on_the_desks_links(story)
    wrong = {c.key: (got[c.key], c.final) for c in story.claims if got[c.key] != c.final}
    _show(
        capsys,
        f"\n=== corpus story '{story.key}', counting only (the desk's links given to the "
        f"engine): {len(story.claims) - len(wrong)}/{len(story.claims)} statuses right"
        + "".join(
            f"\n  {key}: engine {engine}, desk {desk}: {story.claim(key).reason}"
            for key, (engine, desk) in wrong.items()
        ),
    )
    if wrong:
        raise CorpusGap(f"{story.key}: counting gives {wrong} (engine, desk)")


# --- in-process (development) -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_corpus_in_process(story: Story, roles: None, capsys: pytest.CaptureFixture[str]):
    from claims.pipeline.assess import claims_status_update
    from claims.pipeline.linking import report_link
    from claims.services.reports import report_receive

    claims = story_into_database(story)
    report_pks: dict[str, int] = {}
    for report in story.reports:
        received = report_receive(
            title=report.title,
            body=report.body,
            publisher_label=report.publisher,
            published_at=report.published_at,
        )
        assert received.created, report.id
        touched = report_link(report_id=received.report.pk)
        claims_status_update(claim_ids=touched, worker="corpus", report_id=received.report.pk)
        report_pks[report.id] = received.report.pk
    result = measure(story, claims, report_pks)
    _show(capsys, table(result))
    assert not result.unprocessed


# --- through the API and a real worker --------------------------------------------------------


def _settled(read: Callable[[], Any], *, quiet: float = 1.5, timeout: float = 60) -> None:
    """Wait until `read()` has not changed for `quiet` seconds (late re-assessments)."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.xfail(
    strict=False,
    raises=CorpusGap,
    reason="engine work in progress (issue 13): links, stances and statuses fall short of the "
    "corpus; remove this mark when the engine meets it",
)
@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.key)
def test_corpus_through_the_worker(
    story: Story, worker: Any, fact_checker: Any, capsys: pytest.CaptureFixture[str]
):
    from claims.models import Claim
    from sources.models import Report
    from tests.conftest import wait_for
    from tests.factories import post_report, token_client

    claims = story_into_database(story)
    client = token_client(fact_checker)
    report_pks: dict[str, int] = {}
    for report in story.reports:  # in published order
        response = post_report(
            client,
            {
                "title": report.title,
                "body": report.body,
                "publisher": report.publisher,
                "published_at": report.published_at.isoformat(),
            },
        )
        assert response.status_code in (200, 202), (report.id, response.content)
        report_pks[report.id] = response.json()["id"]
    done = (Report.State.PROCESSED, Report.State.FAILED)
    wait_for(
        lambda: (
            Report.objects.filter(pk__in=report_pks.values(), state__in=done).count()
            == len(report_pks)
        ),
        timeout=240,
        interval=0.25,
    )
    pks = [c.pk for c in claims.values()]
    _settled(
        lambda: list(Claim.objects.filter(pk__in=pks).values_list("pk", "status", "credibility"))
    )
    result = measure(story, claims, report_pks)
    _show(capsys, table(result))
    assert not result.unprocessed, result.unprocessed  # a pipeline fault, never expected
    problems = result.failures()
    if problems:
        raise CorpusGap("; ".join(problems))
