"""Measure the workers' claim retrieval on CLEF CheckThat! 2020 task 2 (tweet -> verified claim).

    manage.py evaluate_retrieval --claims verified_claims.docs.tsv \\
        --queries tweets.queries.tsv --out run.tsv [--qrels tweet-vclaim-pairs.qrels]

The claims are indexed with the index the workers build (``claims.pipeline.index.new_claim_index``:
same class, same settings, the static embedding when its artifact is there), each tweet is
cleaned up (``claims.engine.datasets.clef.normalize_tweet``, which cuts glued hashtags and handles into words
the index knows: ``#fyrefestival`` -> ``fyre festival``) and searched (reranked by the learned
reranker when its artifact is there; ``--no-rerank`` leaves it out), and a TREC run is written:
``qid Q0 claim_id rank score tag``, at least ``--depth`` rows a query (all claims when there
are fewer). Claims the index does not return are appended below its results in file order, so
every query gets the same number of rows. With ``--qrels`` MAP@1/3/5/10 and recall@20 are
printed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.datasets import clef
from claims.pipeline.index import index_for_measurement


class Command(BaseCommand):
    help = "Run the claim matcher on CLEF 2020 task 2 files and write a TREC run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", required=True, help="verified_claims.docs.tsv")
        parser.add_argument("--queries", required=True, help="tweets.queries.tsv")
        parser.add_argument("--out", required=True, help="TREC run file to write")
        parser.add_argument("--qrels", help="tweet-vclaim-pairs.qrels: print MAP@k when given")
        parser.add_argument("--depth", type=int, default=20, help="rows per query (>= 20)")
        parser.add_argument("--tag", default="factcheck")
        parser.add_argument(
            "--bm25-only", action="store_true", help="leave the embedding out (for comparison)"
        )
        parser.add_argument(
            "--no-rerank", action="store_true", help="leave the learned reranker out"
        )
        parser.add_argument(
            "--raw-queries", action="store_true", help="search the tweets as they are"
        )
        parser.add_argument(
            "--claim-field",
            choices=("text", "vclaim", "title"),
            default="text",
            help="what a claim is indexed by: vclaim + title (default), or one of them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        depth = max(20, options["depth"])
        paths = {name: Path(options[name]) for name in ("claims", "queries")}
        if options["qrels"]:
            paths["qrels"] = Path(options["qrels"])
        for name, path in paths.items():
            if not path.is_file():
                raise CommandError(f"--{name} file {path} does not exist")
        try:
            claims = clef.read_claims(paths["claims"])
            queries = clef.read_queries(paths["queries"])
            qrels = clef.read_qrels(paths["qrels"]) if "qrels" in paths else None
        except clef.FormatError as exc:
            raise CommandError(str(exc)) from exc
        if not claims:
            raise CommandError(f"{paths['claims']}: no claims")

        index, mode = index_for_measurement(
            bm25_only=options["bm25_only"], rerank=not options["no_rerank"]
        )
        field = options["claim_field"]
        started = time.perf_counter()
        for number, claim in enumerate(claims):  # CLEF ids need not be integers
            index.add(number, claim.text if field == "text" else getattr(claim, field))
        indexed = time.perf_counter() - started

        run: dict[str, list[str]] = {}
        started = time.perf_counter()
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for qid, tweet in queries:
                text = (
                    tweet
                    if options["raw_queries"]
                    else clef.normalize_tweet(tweet, keep_mentions=True, known=index.knows)
                )
                matches = index.search(text, k=depth)
                ranked = [(claims[m.claim_id].id, m.score) for m in matches]
                if len(ranked) < min(depth, len(claims)):
                    seen = {m.claim_id for m in matches}
                    floor = min((score for _, score in ranked), default=0.0)
                    floor = min(floor, 0.0)
                    extra = (n for n in range(len(claims)) if n not in seen)
                    for step, number in enumerate(extra, start=1):
                        if len(ranked) >= depth:
                            break
                        ranked.append((claims[number].id, floor - step * 1e-6))
                run[qid] = [claim_id for claim_id, _ in ranked]
                for rank, (claim_id, score) in enumerate(ranked, start=1):
                    handle.write(f"{qid} Q0 {claim_id} {rank} {score:.6f} {options['tag']}\n")
        searched = time.perf_counter() - started

        self.stdout.write(
            f"{mode}: {len(claims)} claims indexed in {indexed:.1f} s, {len(queries)} queries "
            f"in {searched:.1f} s ({1000 * searched / max(1, len(queries)):.2f} ms each); "
            f"run written to {out}"
        )
        if qrels is not None:
            judged = {qid: rel for qid, rel in qrels.items() if qid in run}
            if not judged:
                raise CommandError("no query of the qrels is in the queries file")
            missing = len(qrels) - len(judged)
            for name, value in clef.scores(run, judged).items():
                self.stdout.write(f"{name:7s} {value:.4f}")
            if missing:
                self.stdout.write(f"({missing} judged queries not in the queries file: left out)")
