from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from people.models import StaffProfile
from seeding.scale.options import DEFAULT_PASSWORD, ScaleOptions, ScaleSummary
from seeding.scale.seeder import expected_summary, seed
from seeding.scale.staff import existing_batches


class Command(BaseCommand):
    help = (
        "Build a large, realistic organisation for benchmarks: about 50 departments in a tree, one manager "
        "for about every 12 people, code documents with their versions (the last published), one "
        "acknowledgement request per person and published version (by default 75% signed, 15% pending, "
        "10% overdue), a signature with a valid hash chain for every signed request, training completions "
        "and assignments, and the reminder history of a portal whose daily sweep has been running. "
        "100,000 people and 20 documents make 2,000,000 requests and about 1,500,000 signatures, in a few "
        "minutes on PostgreSQL. The same --seed gives the same organisation. Every account shares one "
        "password (--password, printed at the end). "
        "Rules: it refuses SQLite unless --allow-sqlite (meant for a tiny run); it refuses a database that "
        "already holds staff (its own earlier run, seed_demo's, or real people) unless --force, which adds "
        "another organisation beside them, with its own numbered keys (sc2-…), extending the existing "
        "signature chain. Everything is written in one transaction: a failed run leaves nothing. "
        "--dry-run prints what it would create and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=100_000, help="Staff to create (default 100000).")
        parser.add_argument("--documents", type=int, default=20, help="Code documents (default 20).")
        parser.add_argument("--versions", type=int, default=5, help="Versions per document, the last published.")
        parser.add_argument(
            "--signed-fraction", type=float, default=0.75, help="Share of requests signed (default 0.75)."
        )
        parser.add_argument(
            "--overdue-fraction",
            type=float,
            default=0.10,
            help="Share of requests overdue (default 0.10); the rest are pending, due within two weeks.",
        )
        parser.add_argument("--courses", type=int, default=3, help="Training courses with a yearly refresher.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random generator (default 1).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password every account shares.")
        parser.add_argument(
            "--no-reminder-history",
            action="store_true",
            help="Do not record today's reminders as sent: the next sweep then sends everything due.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what would be created; write nothing.")
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (for a tiny test run).")
        parser.add_argument("--force", action="store_true", help="Seed although the database holds staff already.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = ScaleOptions(
            people=options["people"],
            documents=options["documents"],
            versions=options["versions"],
            signed_fraction=options["signed_fraction"],
            overdue_fraction=options["overdue_fraction"],
            courses=options["courses"],
            seed=options["seed"],
            reminder_history=not options["no_reminder_history"],
        )
        problems = scale.problems()
        if problems:
            raise CommandError(" ".join(problems))
        refusal = self._refusal(allow_sqlite=options["allow_sqlite"], force=options["force"])
        if options["dry_run"]:
            self._describe(expected_summary(scale), dry_run=True)
            if refusal:
                self.stdout.write(f"A real run would be refused: {refusal}")
            return
        if refusal:
            raise CommandError(refusal)

        self.stdout.write(
            f"Seeding {scale.people} people, {scale.documents} documents × {scale.versions} versions "
            f"(seed {scale.seed}) into {connection.vendor} database {connection.settings_dict['NAME']}…"
        )
        summary = seed(scale, password=options["password"], log=self.stdout.write)
        self._describe(summary, dry_run=False)
        accounts = ", ".join(f"{role}: {username}" for role, username in sorted(summary.usernames.items()))
        self.stdout.write(
            f"Accounts ({accounts}; staff are sc{summary.batch}-000123…) share the password “{options['password']}”."
        )
        self.stdout.write(
            f"Done: created {summary.people} people, {summary.signatures} signatures in {summary.seconds:.1f} s."
        )

    def _refusal(self, *, allow_sqlite: bool, force: bool) -> str:
        if connection.vendor == "sqlite" and not allow_sqlite:
            return (
                "This is a SQLite database: seed_scale is meant for PostgreSQL (set DATABASE_URL). "
                "Use --allow-sqlite for a tiny run, e.g. --people 60 --documents 2."
            )
        staff = StaffProfile.objects.count()
        if staff and not force:
            earlier = existing_batches()
            seeded = f" (seed_scale ran here before: batch {', '.join(map(str, earlier))})" if earlier else ""
            return (
                f"The database already holds {staff} staff{seeded}. seed_scale builds an organisation from "
                "scratch; run it on an empty, migrated database, or use --force to add another one beside them."
            )
        return ""

    def _describe(self, summary: ScaleSummary, *, dry_run: bool) -> None:
        verb = "Would create (the drawn counts are expected values)" if dry_run else "Created"
        self.stdout.write(
            f"{verb}: {summary.departments} departments, {summary.people} people ({summary.managers} managers), "
            f"{summary.documents} documents, {summary.versions} versions, {summary.sections} sections, "
            f"{summary.requests} acknowledgement requests ({summary.signed} signed, {summary.pending} pending, "
            f"{summary.overdue} overdue), {summary.signatures} signatures, {summary.courses} courses, "
            f"{summary.completions} training completions, {summary.assignments} open training assignments"
            + ("." if dry_run else f", {summary.reminders} reminders recorded as sent.")
        )
