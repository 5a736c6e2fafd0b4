"""Train the claim retrieval reranker on CLEF CheckThat! 2020 task 2 train.

    nice -n 19 taskset -c 1 python manage.py train_rerank [--clef-dir DIR] [--out PATH]

Deterministic (fixed seeds, one thread). Prints the cross-validated train MAP@5 of each
setting tried, the chosen one's figures beside the fused ranking's, the dev figures (measured,
never tuned on), and writes ``claims/engine/artifacts/retrieval_rerank.npz`` (numpy arrays and JSON
metadata, no pickle), which ``claims.pipeline.index.new_claim_index`` then uses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.retrieval.rerank import DEFAULT_PATH

CLEF_DIR = Path(settings.BASE_DIR).parent / "shared/datasets/clef2020-task2"


class Command(BaseCommand):
    help = "Train the learned reranker of claim retrieval (LightGBM lambdarank, CLEF train)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clef-dir", default=str(CLEF_DIR))
        parser.add_argument("--out", default=str(DEFAULT_PATH))
        parser.add_argument("--depth", type=int, default=20, help="pool depth per list")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        from claims.engine.training.rerank import train

        base = Path(options["clef_dir"])
        if not (base / "verified_claims.docs.tsv").is_file():
            raise CommandError(f"no verified_claims.docs.tsv under {base}")
        try:
            result = train(base, depth=options["depth"], log=self.stdout.write)
        except (RuntimeError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc

        def line(label: str, figures: dict[str, float] | None) -> None:
            if figures is not None:
                shown = "  ".join(f"{k} {v:.4f}" for k, v in figures.items())
                self.stdout.write(f"{label:22s} {shown}")

        self.stdout.write(
            f"chosen: {result.params} rounds={result.rounds}; "
            f"relevant claim pooled for {result.pool_recall_train:.3f} of train queries"
        )
        line("train CV, fused", result.cv_baseline)
        line("train CV, reranked", result.cv)
        line("dev, fused", result.dev_baseline)
        line("dev, reranked", result.dev)
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        result.reranker.save(out)
        self.stdout.write(
            f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB, "
            f"{result.reranker.trees.n_trees} trees) in {result.seconds:.0f} s"
        )
