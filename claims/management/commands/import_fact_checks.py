"""Import known fact-checks from a file: ClaimReview JSON-LD (one review, a list, or a
schema.org DataFeed such as /published/claimreview.json) or a TSV such as CLEF-2020's
verified_claims.docs.tsv.

    manage.py import_fact_checks FILE [--publisher NAME] [--language en]

Idempotent: a re-import updates changed rows and adds none twice. Prints a summary; exits
non-zero when the file cannot be read (nothing is stored then).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.known_fact_checks import FactCheckFileError, known_fact_checks_import_file


class Command(BaseCommand):
    help = "Import known fact-checks (ClaimReview JSON-LD or a data feed, or a TSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .json/.jsonld ClaimReview file or feed, or a .tsv")
        parser.add_argument(
            "--publisher",
            default="",
            help="who checked the claims, for rows that do not say (CLEF's TSV does not)",
        )
        parser.add_argument("--language", default="", help="for rows that do not say, e.g. en")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            summary = known_fact_checks_import_file(
                data=data,
                name=path.name,
                publisher=options["publisher"],
                language=options["language"],
            )
        except FactCheckFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path.name}: {summary}")
