"""Train the learned stance model on FNC-1 and write claims/engine/artifacts/stance_*."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.datasets import fnc
from claims.engine.stance.learned import ARTIFACT_DIR


class Command(BaseCommand):
    help = (
        "Train LearnedStance on ../shared/datasets/fnc1 (needs the training extra: lightgbm), "
        "write claims/engine/artifacts/stance_*, print strict-dev and challenge hold-out figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            default=fnc.default_dir(Path(settings.BASE_DIR)),
            help="FNC-1 folder (train_stances.csv, train_bodies.csv, splits/)",
        )
        parser.add_argument("--out", type=Path, default=ARTIFACT_DIR, help="artifact folder")

    def handle(self, *args: Any, **options: Any) -> None:
        data: Path = options["data"]
        for name in ("train_stances.csv", "train_bodies.csv", "splits/hold_out_ids.txt"):
            if not (data / name).is_file():
                raise CommandError(f"{data / name} is missing: FNC-1 data is needed to train")
        try:
            from claims.engine.training.stance import train
        except ImportError as error:
            raise CommandError(
                f"training needs the training extra ({error}); pip install lightgbm scikit-learn"
            ) from error
        train(data, options["out"], log=self.stdout.write)
