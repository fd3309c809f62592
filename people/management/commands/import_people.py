from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import DomainError
from people import services
from people.hr_import.planning import Plan, import_plan
from people.hr_import.reading import COLUMNS

# Rows listed per kind of change at the default verbosity; -v 2 lists them all.
LISTED = 50


class Command(BaseCommand):
    help = (
        f"Import staff from an HR file: a CSV file in UTF-8 (with or without a byte-order mark), separated by "
        f"commas or semicolons, whose header names the columns {', '.join(COLUMNS)}. A new employee id hires the "
        "person; for the others, what differs is changed (names, email, job title, language), moved (department, "
        "manager), deactivated (active=false) or reactivated (active=true). People missing from the file are NOT "
        "deactivated: a leaver needs a row with active=false. Any bad row (missing field, unknown department or "
        "manager, manager cycle, duplicate employee id or email, an email of another account, bad email, language "
        "or active value, a file not in UTF-8) is reported with its line number and nothing is saved. Importing "
        "the same file twice changes nothing the second time. With --dry-run it shows what would change and saves "
        "nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change without saving anything.")
        parser.add_argument(
            "--actor",
            help="Username of the person the changes are recorded against; they need the right to import staff "
            "and to change each account the file changes (default: the system, bound by neither).",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, actor: str | None, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        account = self._actor(actor)
        try:
            plan = (
                import_plan(content, actor=account)
                if dry_run
                else services.people_import(content=content, actor=account)
            )
        except services.ImportRefused as refused:
            self._problems(refused.plan)
            raise CommandError(f"{file.name}: {refused.message}") from refused
        except DomainError as refused:
            raise CommandError(refused.message) from refused
        if plan.problems:
            self._problems(plan)
            raise CommandError(f"{file.name}: {services.ImportRefused(plan).message}")
        self._preview(plan, all_rows=options["verbosity"] >= 2)
        counts = ", ".join(f"{kind} {count}" for kind, count in plan.counts().items() if kind != "rows")
        if dry_run:
            self.stdout.write(f"Dry run of {file.name} ({plan.rows} rows): would be {counts}; nothing saved.")
        else:
            self.stdout.write(f"Imported {file.name} ({plan.rows} rows): {counts}.")

    def _actor(self, username: str | None) -> User | None:
        if username is None:
            return None
        account = get_user_model().objects.filter(username=username, is_active=True).first()
        if account is None:
            raise CommandError(f"No active account is named {username!r}.")
        return account

    def _problems(self, plan: Plan) -> None:
        for problem in plan.problems:
            self.stderr.write(str(problem))

    def _preview(self, plan: Plan, *, all_rows: bool) -> None:
        for kind, entries in plan.entries.items():
            if not entries:
                continue
            self.stdout.write(f"{kind} ({len(entries)}):")
            for entry in entries if all_rows else entries[:LISTED]:
                description = f": {entry.description}" if entry.description else ""
                self.stdout.write(f"  line {entry.line}: {entry.name}{description}")
            if not all_rows and len(entries) > LISTED:
                self.stdout.write(f"  … and {len(entries) - LISTED} more (-v 2 lists them all)")
