"""Bulk load reports from a JSON Lines file: one object per line with the API's fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from claims.api.serializers import ReportInSerializer


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
        # Bytes, decoded line by line: one undecodable line is rejected, not the whole file.
        lines = path.read_bytes().split(b"\n")
        self.new = self.duplicate = 0
        self.rejected: list[tuple[int, str]] = []
        bar = tqdm(lines, unit="report", disable=no_progress, file=self.stderr)
        try:
            for number, raw_line in enumerate(bar, start=1):
                reason = self._ingest_line(raw_line)
                if reason is not None:
                    self.rejected.append((number, reason))
        finally:
            # The summary prints whatever happened, interruption included.
            self.stdout.write(
                f"{self.new} new, {self.duplicate} duplicate, {len(self.rejected)} rejected"
            )
            for number, reason in self.rejected:
                self.stdout.write(f"  line {number}: {reason}")
        if self.rejected:
            raise CommandError(
                f"{len(self.rejected)} line(s) rejected; the others were ingested", returncode=1
            )

    def _ingest_line(self, raw_line: bytes) -> str | None:
        """Store one line's report; the reason it was rejected, or None."""
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"not UTF-8 (byte {exc.start + 1})"
        if not line.strip():
            return None
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            return f"not JSON ({exc.msg} at column {exc.colno})"
        except RecursionError:
            return "JSON nested too deep"
        if not isinstance(raw, dict):
            return "not a JSON object"
        incoming = ReportInSerializer(data=raw)
        if not incoming.is_valid():
            return _errors_text(incoming.errors)
        try:
            received = incoming.receive()
        except (ValueError, ValidationError, DatabaseError) as exc:
            return f"could not be stored ({type(exc).__name__}: {exc})"
        if received.created:
            self.new += 1
        else:
            self.duplicate += 1
        return None
