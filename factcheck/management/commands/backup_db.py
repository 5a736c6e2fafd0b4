"""`manage.py backup_db [--out FILE]`: a backup of the database (factcheck.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from factcheck.backup import BackupError, backup_database, database_label, default_backup_path


class Command(BaseCommand):
    help = (
        "Back up the database: pg_dump -Fc on PostgreSQL, SQLite's backup API on the embedded "
        "SQLite file. Prints the path of the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            help="where to write it (default: var/backups/<UTC time>.dump or .sqlite3)",
        )
        parser.add_argument("--database", default="default", help="the DATABASES alias")

    def handle(self, *args: Any, out: Path | None, database: str, **options: Any) -> None:
        config = connections[database].settings_dict
        try:
            target = out or default_backup_path(config, Path(settings.VAR_DIR) / "backups")
            backup_database(config, target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"Backed up the {database_label(config)} to {target}")
        self.stdout.write(str(target))
