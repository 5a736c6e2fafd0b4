"""Bulk load reports from a JSON Lines file: one object per line with the API's fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.api.serializers import ReportInSerializer
from claims.services.reports import report_receive


def _errors_text(errors: Any) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in errors.items())
    return str(errors)


class Command(BaseCommand):
    help = (
        "Ingest reports from a .jsonl file (fields: title, body, publisher, url, published_at). "
        "Exit code 1 when any line was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, path: Path, no_progress: bool, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open(encoding="utf-8") as handle:
            lines = handle.readlines()
        new = duplicate = 0
        rejected: list[tuple[int, str]] = []
        bar = tqdm(lines, unit="report", disable=no_progress, file=self.stderr)
        for number, line in enumerate(bar, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                rejected.append((number, f"not JSON ({exc.msg} at column {exc.colno})"))
                continue
            if not isinstance(raw, dict):
                rejected.append((number, "not a JSON object"))
                continue
            incoming = ReportInSerializer(data=raw)
            if not incoming.is_valid():
                rejected.append((number, _errors_text(incoming.errors)))
                continue
            data = incoming.validated_data
            received = report_receive(
                title=data["title"],
                body=data["body"],
                publisher_label=(data.get("publisher") or "").strip(),
                url=data.get("url") or None,
                published_at=data.get("published_at"),
            )
            if received.created:
                new += 1
            else:
                duplicate += 1
        self.stdout.write(f"{new} new, {duplicate} duplicate, {len(rejected)} rejected")
        for number, reason in rejected:
            self.stdout.write(f"  line {number}: {reason}")
        if rejected:
            raise CommandError(
                f"{len(rejected)} line(s) rejected; the others were ingested", returncode=1
            )
