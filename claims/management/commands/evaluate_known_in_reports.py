"""Measure when a report's sentence counts as "already fact-checked elsewhere".

    manage.py evaluate_known_in_reports --claims verified_claims.docs.tsv \\
        --queries dev/tweets.queries.tsv --qrels dev/tweet-vclaim-pairs.qrels \\
        [--news fnc1/train_bodies.csv] [--no-rerank]

The verified claims are indexed as the workers' known-fact-check matcher indexes them
(``new_claim_index``, each claim with its title) and the pipeline's own acceptance rule
(``claims.pipeline.known_in_reports.accepted``) is applied, at its thresholds and on a grid
around them, to three sets:

* **known**: each CLEF tweet whose verified claim is indexed. Counted: the first accepted match
  is the right fact-check, a wrong one, or nothing is shown.
* **held out**: the same tweets with their own verified claims taken out of the index, so that
  nothing they say is known: any accepted match is shown for a claim nobody checked. These
  neighbours share the tweet's topic, often its people: the hard case.
* **unchecked stories**: the follow-up corpus (``claims.demo.corpus``) and the extraction
  fixtures, reports about stories no CLEF fact-check covers, read as the workers read a report
  (``extract_statements``, then ``check_worthy_sentences``): a report with any accepted match
  would get a row.

``--news`` adds a sample of FNC-1 article bodies (rumours of 2014-2017, many of which Snopes did
check): the share of reports that would get a row, for scale, not as errors.
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.demo.corpus import corpus_load
from claims.engine.datasets import clef
from claims.engine.extraction import extract_statements
from claims.engine.retrieval.index import ClaimIndex, Match
from claims.pipeline.index import index_for_measurement
from claims.pipeline.known_fact_checks import known_fact_check_text
from claims.pipeline.known_in_reports import (
    KNOWN_COVERAGE,
    KNOWN_COVERAGE_ALONE,
    KNOWN_SCORE,
    PER_SENTENCE,
    accepted,
    check_worthy_sentences,
)

EXTRACTION_FIXTURES = Path(__file__).resolve().parents[2] / "demo" / "extraction"
INF = float("inf")
# The grid: (score, coverage floor with it, coverage alone); INF leaves that route out.
SCORES = (3.0, 3.25, 3.5, 3.75, 4.0, INF)
COVERAGES = (0.15, 0.25)
ALONE = (0.5, 0.6, INF)


class Command(BaseCommand):
    help = "Measure the threshold at which a report sentence is shown a known fact-check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", required=True, help="verified_claims.docs.tsv")
        parser.add_argument("--queries", required=True, help="tweets.queries.tsv (dev)")
        parser.add_argument("--qrels", required=True, help="tweet-vclaim-pairs.qrels (dev)")
        parser.add_argument("--news", help="FNC-1 train_bodies.csv: a sample, for scale")
        parser.add_argument("--news-sample", type=int, default=300)
        parser.add_argument(
            "--no-rerank", action="store_true", help="leave the learned reranker out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("claims", "queries", "qrels", "news"):
            if options[name] and not Path(options[name]).is_file():
                raise CommandError(f"--{name} file {options[name]} does not exist")
        try:
            claims = clef.read_claims(options["claims"])
            queries = clef.read_queries(options["queries"])
            qrels = clef.read_qrels(options["qrels"])
        except clef.FormatError as exc:
            raise CommandError(str(exc)) from exc
        index, mode = index_for_measurement(rerank=not options["no_rerank"])
        reranked = index.rerank_enabled
        number = {}
        for n, claim in enumerate(claims):
            index.add(n, known_fact_check_text(claim.vclaim, claim.title))
            number[claim.id] = n
        self.stdout.write(f"{mode}: {len(claims)} verified claims")

        known: list[tuple[list[Match], set[int]]] = []
        held_out: list[list[Match]] = []
        for qid, tweet in queries:
            if qid not in qrels:
                continue
            text = clef.normalize_tweet(tweet, keep_mentions=True, known=index.knows)
            relevant = {number[c] for c in qrels[qid] if c in number}
            known.append((self._search(index, text), relevant))
            for n in relevant:
                index.remove(n)
            held_out.append(self._search(index, text))
            for n in relevant:
                index.add(n, known_fact_check_text(claims[n].vclaim, claims[n].title))

        stories: list[tuple[str | None, str]] = [
            (r.publisher, r.body) for story in corpus_load() for r in story.reports
        ]
        stories += [(None, p.read_text("utf-8")) for p in sorted(EXTRACTION_FIXTURES.glob("*.txt"))]
        started = time.perf_counter()
        unchecked = [self._report(index, body, publisher) for publisher, body in stories]
        per_report = 1000 * (time.perf_counter() - started) / max(1, len(stories))
        news: list[list[list[Match]]] = []
        if options["news"]:
            csv.field_size_limit(10**8)
            with open(options["news"], encoding="utf-8", newline="") as handle:
                bodies = [row["articleBody"] for row in csv.DictReader(handle)]
            sample = random.Random(1).sample(bodies, min(options["news_sample"], len(bodies)))
            news = [self._report(index, body, None) for body in sample]

        def row(score: float, coverage: float, alone: float) -> str:
            def shown(matches: list[Match]) -> list[Match]:
                return accepted(
                    matches,
                    reranked=reranked,
                    score=score,
                    coverage=coverage,
                    coverage_alone=alone,
                )

            right = sum(1 for m, rel in known if shown(m) and shown(m)[0].claim_id in rel)
            wrong = sum(1 for m, rel in known if shown(m) and shown(m)[0].claim_id not in rel)
            held = sum(1 for m in held_out if shown(m))
            stray = sum(1 for r in unchecked if any(shown(m) for m in r))
            line = (
                f"known: right {right} ({right / len(known):.3f}), wrong {wrong}, "
                f"none {len(known) - right - wrong}; held out shown {held} "
                f"({held / len(held_out):.3f}); unchecked-story reports with a row {stray} "
                f"of {len(unchecked)}"
            )
            if news:
                rows = sum(1 for r in news if any(shown(m) for m in r))
                line += f"; FNC-1 reports with a row {rows} of {len(news)}"
            return line

        self.stdout.write(
            f"{len(known)} known tweets; the pipeline's thresholds (score {KNOWN_SCORE} with "
            f"coverage {KNOWN_COVERAGE}, or coverage {KNOWN_COVERAGE_ALONE} alone"
            f"{'' if reranked else '; no reranker: coverage alone'}):"
        )
        self.stdout.write("  " + row(KNOWN_SCORE, KNOWN_COVERAGE, KNOWN_COVERAGE_ALONE))
        self.stdout.write(
            "no threshold, the first match over the coverage floor (the claim page's):"
        )
        self.stdout.write("  " + row(-INF, KNOWN_COVERAGE, INF))
        self.stdout.write(
            f"unchecked stories: {len(unchecked)} reports, "
            f"{sum(len(r) for r in unchecked)} check-worthy sentences, "
            f"{per_report:.1f} ms a report (sentences read and searched)"
        )
        self.stdout.write("grid (score, its coverage floor, coverage alone; inf: route left out):")
        for score in SCORES if reranked else (INF,):
            for coverage in COVERAGES if score != INF else (INF,):
                for alone in ALONE:
                    if score == INF and alone == INF:
                        continue
                    self.stdout.write(
                        f"  {score:5} {coverage:5} {alone:5}  " + row(score, coverage, alone)
                    )

    def _search(self, index: ClaimIndex, text: str) -> list[Match]:
        # As the pipeline searches; the grid's coverage floors are all at least this.
        return index.search(text, k=PER_SENTENCE, min_coverage=KNOWN_COVERAGE)

    def _report(self, index: ClaimIndex, body: str, publisher: str | None) -> list[list[Match]]:
        statements = extract_statements(body, publisher)
        sentences = check_worthy_sentences(body, publisher, statements)
        return [self._search(index, s.query) for s in sentences]
