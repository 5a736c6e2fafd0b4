"""Run Emergent-format rows through the real pipeline in a rolled-back transaction and score
the links, stances and final statuses (claims.evaluation.tracking, claims.engine.datasets.emergent)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from claims.engine.datasets import emergent
from claims.evaluation.tracking import TrackingRun, format_debug, run_tracking, write_outputs
from claims.models import Claim

GRADES = ("A", "B", "C", "D", "E", "F")


class Command(BaseCommand):
    help = (
        "Create each claim of an Emergent-format CSV, store each article headline as a report "
        "from its outlet, link and assess them with the workers' own functions (in-process, in "
        "a transaction rolled back at the end), then print link recall, stance accuracy, stray "
        "links, status accuracy, macro-F1 and the truth x status table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv",
            required=True,
            type=Path,
            help="rows: claimHeadline, articleHeadline, articleId, claimId, url, source "
            "[, articleHeadlineStance, claimTruth]",
        )
        parser.add_argument(
            "--default-grade",
            default="C",
            choices=GRADES,
            help="grade of every outlet the rows name (default C)",
        )
        parser.add_argument(
            "--learn-grades-from",
            type=Path,
            help="an Emergent file with stances and truths: grade each outlet by its track "
            "record there (Wilson lower bound of its agreement with the verdicts); with --folds "
            "only the rows of each fold's training claims are used",
        )
        parser.add_argument(
            "--folds",
            type=Path,
            help="directory of train-fold-N.csv / validation-fold-N.csv (N = 1..10): score each "
            "validation fold's claims (rows from --csv) on its own, then the mean",
        )
        parser.add_argument(
            "--out", type=Path, help="directory to write claims.csv and articles.csv to"
        )
        parser.add_argument(
            "--debug",
            action="store_true",
            help="also list the articles not linked to their claim (with what retrieval and the "
            "stance model made of them), stray links and the claims given a wrong status",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = self._read(options["csv"])
        learn_rows = None
        if options["learn_grades_from"] is not None:
            learn_rows = self._read(options["learn_grades_from"])
            if not (emergent.has_stances(learn_rows) and emergent.has_truths(learn_rows)):
                raise CommandError(
                    f"{options['learn_grades_from']}: learning grades needs the "
                    f"{emergent.STANCE_COLUMN} and {emergent.TRUTH_COLUMN} columns"
                )
        if Claim._meta.db_table not in connection.introspection.table_names():
            raise CommandError(
                f"database {connection.settings_dict['NAME']} has no workbench tables: run "
                "`python manage.py migrate` first (the run itself leaves nothing behind)"
            )
        started = time.perf_counter()
        if options["folds"] is not None:
            runs = self._folds(rows, learn_rows, options)
        else:
            grades: dict[str, str] = {}
            if learn_rows is not None:
                shared = {r.claim_id for r in rows} & {r.claim_id for r in learn_rows}
                if shared:
                    self.stdout.write(
                        f"warning: {len(shared)} claim(s) are in both --csv and "
                        "--learn-grades-from; the figures are optimistic"
                    )
                grades = self._learned(learn_rows, "")
            run = run_tracking(
                rows, default_grade=options["default_grade"], grades=grades, debug=options["debug"]
            )
            runs = [run]
            self._describe(rows, run, options["default_grade"])
            self._scores(rows, run)
        if options["out"] is not None:
            try:
                claims_path, articles_path = write_outputs(runs, options["out"])
            except OSError as error:
                raise CommandError(f"cannot write to {options['out']}: {error}") from error
            self.stdout.write(f"wrote {claims_path} and {articles_path}")
        if options["debug"]:
            for run in runs:
                self.stdout.write("")
                self.stdout.write(format_debug(run))
        self.stdout.write(f"total time {time.perf_counter() - started:.1f} s")

    def _read(self, path: Path) -> list[emergent.Row]:
        try:
            rows = emergent.read_rows(path)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if not rows:
            raise CommandError(f"{path}: no rows")
        return rows

    def _learned(self, learn_rows: Sequence[emergent.Row], where: str) -> dict[str, str]:
        records = emergent.learn_outlet_records(learn_rows)
        counts = Counter(r.grade for r in records.values())
        self.stdout.write(
            f"learned grades{where} for {len(records)} outlets: "
            + ", ".join(f"{g} {counts[g]}" for g in GRADES if counts[g])
            + "; other outlets get the default grade"
        )
        return {source: r.grade for source, r in records.items()}

    def _describe(self, rows: Sequence[emergent.Row], run: TrackingRun, default: str) -> None:
        outlets = len({r.source for r in rows})
        self.stdout.write(
            f"{len(rows)} articles on {len({r.claim_id for r in rows})} claims from "
            f"{outlets} outlets (default grade {default})"
        )
        notes = []
        if run.stored_earlier:
            notes.append(
                f"{run.stored_earlier} articles had the URL or headline of an earlier one and "
                "were stored as that report"
            )
        if run.failed:
            notes.append(f"{run.failed} reports failed in linking (see the log)")
        if run.hidden_claims:
            notes.append(
                f"{run.hidden_claims} claims already in the database were kept out of the index"
            )
        for note in notes:
            self.stdout.write(f"note: {note}")
        t = run.timings
        per_report = 1000 * (t.get("link", 0) + t.get("assess", 0)) / max(len(rows), 1)
        self.stdout.write(
            "run time "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in t.items())
            + f" ({per_report:.1f} ms per article in link + assess)"
        )

    def _scores(self, rows: Sequence[emergent.Row], run: TrackingRun) -> emergent.Scores:
        scores = emergent.score(rows, run.outcomes(), run.statuses())
        self.stdout.write("")
        self.stdout.write(emergent.format_scores(scores))
        if scores.stance_accuracy is None:
            self.stdout.write(f"(no {emergent.STANCE_COLUMN} column: stances not scored)")
        if scores.status_accuracy is None:
            self.stdout.write(f"(no {emergent.TRUTH_COLUMN} column: statuses not scored)")
        self.stdout.write("")
        return scores

    def _folds(
        self,
        rows: Sequence[emergent.Row],
        learn_rows: Sequence[emergent.Row] | None,
        options: dict[str, Any],
    ) -> list[TrackingRun]:
        try:
            folds = emergent.read_folds(options["folds"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        known = {r.claim_id for r in rows}
        runs: list[TrackingRun] = []
        per_fold: list[tuple[int, emergent.Scores, float]] = []
        for fold in folds:
            chosen = [r for r in rows if r.claim_id in fold.validation]
            if not chosen:
                raise CommandError(
                    f"fold {fold.number}: none of its {len(fold.validation)} validation claims "
                    f"is in {options['csv']}"
                )
            missing = len(fold.validation - known)
            grades: dict[str, str] = {}
            if learn_rows is not None:
                grades = self._learned(
                    [r for r in learn_rows if r.claim_id in fold.train],
                    f" (fold {fold.number})",
                )
            started = time.perf_counter()
            run = run_tracking(
                chosen,
                default_grade=options["default_grade"],
                grades=grades,
                debug=options["debug"],
            )
            seconds = time.perf_counter() - started
            runs.append(run)
            scores = emergent.score(chosen, run.outcomes(), run.statuses())
            per_fold.append((fold.number, scores, seconds))
            if missing:
                self.stdout.write(
                    f"note: fold {fold.number}: {missing} validation claim(s) not in --csv"
                )
        self.stdout.write(_fold_table(per_fold))
        self.stdout.write("")
        self.stdout.write("pooled over the validation folds:")
        self.stdout.write(emergent.format_scores(emergent.pooled([s for _, s, _ in per_fold])))
        self.stdout.write("")
        return runs


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _fold_table(per_fold: Sequence[tuple[int, emergent.Scores, float]]) -> str:
    head = (
        "fold  claims  articles  link-recall  stance-acc  stray  stray-share  status-acc  "
        "macro-F1  false->corr  always-unv  seconds"
    )
    lines = [head]
    for number, s, seconds in per_fold:
        lines.append(
            f"{number:>4}  {s.claims:>6}  {s.articles:>8}  {_fmt(s.link_recall):>11}  "
            f"{_fmt(s.stance_accuracy):>10}  {s.stray_links:>5}  {_fmt(s.stray_share):>11}  "
            f"{_fmt(s.status_accuracy):>10}  {_fmt(s.macro_f1):>8}  "
            f"{_fmt(s.false_corroborated_share):>11}  {_fmt(s.always_unverified_accuracy):>10}  "
            f"{seconds:>7.1f}"
        )
    mean = emergent.mean_scores([s for _, s, _ in per_fold])
    stray = mean["stray_links"] or 0.0
    lines.append(
        f"{'mean':>4}  {'':>6}  {'':>8}  {_fmt(mean['link_recall']):>11}  "
        f"{_fmt(mean['stance_accuracy']):>10}  {stray:>5.1f}  {_fmt(mean['stray_share']):>11}  "
        f"{_fmt(mean['status_accuracy']):>10}  {_fmt(mean['macro_f1']):>8}  "
        f"{_fmt(mean['false_corroborated_share']):>11}  "
        f"{_fmt(mean['always_unverified_accuracy']):>10}  "
        f"{sum(t for _, _, t in per_fold):>7.1f}"
    )
    return "\n".join(lines)
