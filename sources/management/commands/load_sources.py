"""`manage.py load_sources [FILE] [--dry-run] [--force]`: load the source registry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sources.registry import REGISTRY_PATH, RegistryError, read_registry
from sources.services import RegistryLoadResult, registry_load


class _DryRun(Exception):
    def __init__(self, result: RegistryLoadResult) -> None:
        super().__init__("dry run")
        self.result = result


class Command(BaseCommand):
    help = (
        "Load the registry of wire services, outlets and their owners (default: "
        "sources/registry/outlets.csv): create what is missing, fill in what is empty, add "
        "aliases and domains, and set registry grades. A grade set by hand is kept unless "
        "--force, which also makes the file win on kind, country, parent and domains. "
        "Idempotent; changed grades and parents re-assess the claims they touch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(REGISTRY_PATH))
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="The file wins, over grades set by hand too."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = read_registry(options["file"])
        except (RegistryError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        dry_run = options["dry_run"]
        try:
            with transaction.atomic():
                result = registry_load(entries=entries, force=options["force"])
                if dry_run:
                    raise _DryRun(result)  # roll back: nothing written, nothing announced
        except _DryRun as done:
            result = done.result
        verbose = options["verbosity"] > 1
        for row in result.rows:
            if row.action != "unchanged" or (verbose and row.notes):
                self.stdout.write(f"{row.action:<9} {row.name}: {'; '.join(row.changes) or '—'}")
            if row.notes and (verbose or row.action != "unchanged"):
                self.stdout.write(f"{'':<9} kept: {'; '.join(row.notes)}")
        prefix = "Dry run, nothing written: would have" if dry_run else "Sources:"
        self.stdout.write(
            f"{prefix} {result.count('created')} created, {result.count('updated')} updated, "
            f"{result.count('unchanged')} unchanged, of {len(result.rows)} registry entries."
        )
