"""Run `LearnedStance` over an FNC-1 pairs file, write predictions, print the scores."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.datasets import fnc
from claims.engine.stance.learned import CLASS_LABELS, CLASSES, LearnedStance, ModelMissingError

_STANCE_OF = dict(zip(CLASS_LABELS, CLASSES, strict=True))


class Command(BaseCommand):
    help = (
        "Classify FNC-1 pairs (Headline,Body ID[,Stance]) with the learned stance model; write "
        "Headline,Body ID,Stance for every input row, in order, and print the FNC score, "
        "per-class F1 and macro-F1 when the input has gold stances."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stances", required=True, type=Path, help="pairs CSV")
        parser.add_argument("--bodies", required=True, type=Path, help="bodies CSV")
        parser.add_argument("--out", required=True, type=Path, help="predictions CSV to write")
        parser.add_argument(
            "--split",
            choices=("all", "strict-dev", "holdout"),
            default="all",
            help="only the rows of this split of train_stances.csv (strict-dev: claims.fnc."
            "strict_split; holdout: the challenge's hold_out_ids.txt beside --stances)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stances_path: Path = options["stances"]
        try:
            pairs = fnc.read_stances(stances_path)
            bodies = fnc.read_bodies(options["bodies"])
        except (OSError, ValueError, csv.Error) as error:
            raise CommandError(str(error)) from error
        unknown = sorted({p.body_id for p in pairs} - bodies.keys())
        if unknown:
            raise CommandError(
                f"{stances_path}: {len(unknown)} Body ID(s) not in {options['bodies']}, "
                f"e.g. {unknown[0]!r}"
            )
        pairs = self._select(pairs, options["split"], stances_path)

        model = LearnedStance()
        start = time.perf_counter()
        try:
            results = model.classify_many([(p.headline, bodies[p.body_id]) for p in pairs])
        except ModelMissingError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - start
        predicted = [_STANCE_OF[r.label] for r in results]

        out: Path = options["out"]
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["Headline", "Body ID", "Stance"])
                writer.writerows(
                    (p.headline, p.body_id, s) for p, s in zip(pairs, predicted, strict=True)
                )
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error}") from error
        per_pair = 1000 * seconds / max(len(pairs), 1)
        self.stdout.write(f"{len(pairs)} predictions written to {out} ({per_pair:.2f} ms/pair)")
        if pairs and all(p.stance for p in pairs):
            gold = [p.stance or "" for p in pairs]
            self.stdout.write(fnc.evaluate(gold, predicted).format())

    def _select(self, pairs: list[fnc.Pair], split: str, stances_path: Path) -> list[fnc.Pair]:
        if split == "all":
            return pairs
        if split == "strict-dev":
            if not all(p.stance for p in pairs):
                raise CommandError("--split strict-dev needs gold stances (it groups by story)")
            return [pairs[i] for i in fnc.strict_split(pairs).dev]
        ids_path = stances_path.parent / "splits" / "hold_out_ids.txt"
        if not ids_path.is_file():
            raise CommandError(f"--split holdout needs {ids_path}")
        return [pairs[i] for i in fnc.holdout_split(pairs, fnc.read_ids(ids_path))[1]]
