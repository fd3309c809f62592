from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from acknowledgements.demo import seed_acknowledgements, seed_ended_requests
from cases.demo import seed_cases
from codes.demo import DEMO_SLUG, seed_code
from people.demo import DEMO_ACCOUNTS, seed_people
from reminders.demo import seed_reminders
from training.demo import seed_training


class Command(BaseCommand):
    help = (
        "Fill the portal with a demo organisation: departments, about forty staff with managers, a customer "
        "service code of conduct (version 1 published and mostly acknowledged, version 2 a draft), a social media "
        "guideline whose version 1 was replaced before everyone signed it, a retired gifts policy, a leaver, a breach "
        "case, and one account per role with a known password, printed at the end. Running it again changes nothing. "
        "It refuses to run with DEBUG off unless --force is given, because the demo passwords are public."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even though DEBUG is off.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production portal, and the demo accounts have public "
                "passwords. Use --force if you really mean it."
            )
        summary = seed_people()
        code_created = seed_code(manager_username="manager", reviewer_username="reviewer")
        signatures = seed_acknowledgements(document_slug=DEMO_SLUG, compliance_username="compliance")
        signatures += seed_ended_requests(
            main_document_slug=DEMO_SLUG, manager_username="manager", reviewer_username="reviewer"
        )
        courses = seed_training(manager_username="manager", compliance_username="compliance")
        cases = seed_cases(document_slug=DEMO_SLUG, compliance_username="compliance")
        seed_reminders()
        self.stdout.write(
            f"Seeded demo data: {summary.departments_created} departments and "
            f"{summary.people_created} people created, {int(code_created)} code document created, "
            f"{signatures} acknowledgements signed, {courses} courses created, {cases} breach cases recorded "
            "(existing ones left as they were)."
        )
        self.stdout.write("Demo sign-ins:")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<20} {account.username:<12} password: {account.password}")
