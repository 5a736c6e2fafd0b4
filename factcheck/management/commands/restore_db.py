"""`manage.py restore_db FILE [--yes]`: replace the database with a backup (factcheck.backup)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from factcheck.backup import BackupError, database_label, restore_database


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by backup_db: pg_restore --clean --if-exists "
        "in one transaction on PostgreSQL, SQLite's backup API on SQLite. Stop the web server "
        "and the workers first. Asks for confirmation at a terminal; elsewhere needs --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a backup written by backup_db")
        parser.add_argument(
            "--yes", action="store_true", help="replace the database without asking"
        )
        parser.add_argument("--database", default="default", help="the DATABASES alias")

    def handle(self, *args: Any, file: Path, yes: bool, database: str, **options: Any) -> None:
        config = connections[database].settings_dict
        label = database_label(config)
        if not file.is_file():
            raise CommandError(f"no backup file at {file}")
        if not yes:
            # Replacing a newsroom's database is not undone: a script must say so explicitly,
            # and a person at a terminal must type it.
            if not sys.stdin.isatty():
                raise CommandError(
                    f"refusing to replace the {label} with {file} without --yes "
                    "(standard input is not a terminal to ask on)"
                )
            answer = input(f"Replace everything in the {label} with {file}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled; the database is unchanged")
        # Our own connection must not hold locks (or a stale SQLite snapshot) across the restore.
        connections[database].close()
        try:
            restore_database(config, file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored the {label} from {file}")
