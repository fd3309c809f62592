"""`manage.py seed_scale` on a tiny organisation (seeding.scale.seeder and the command): consistent counts,
the same organisation from the same seed, its refusals, and a dry run. The tests of each part of the
organisation are in test_seed_scale_<module>.py, which seed with `seed_scale` below."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from codes.models import CodeDocument, CodeVersion, Section
from people.models import Department, StaffProfile
from seeding.scale.options import SECTIONS_PER_VERSION

pytestmark = pytest.mark.django_db

TINY = {"people": 60, "documents": 2, "versions": 2, "allow_sqlite": True}


def seed_scale(**options: object) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**TINY, **options})
    return out.getvalue()


def test_it_builds_a_consistent_organisation() -> None:
    output = seed_scale()

    assert StaffProfile.objects.count() == get_user_model().objects.count() == 60
    assert Department.objects.count() == 4
    assert CodeDocument.objects.count() == 2
    assert CodeVersion.objects.count() == 4
    assert Section.objects.count() == 4 * SECTIONS_PER_VERSION
    requests = AcknowledgementRequest.objects.all()
    assert requests.count() == 60 * 2
    signed = requests.filter(status=RequestStatus.SIGNED)
    assert Signature.objects.count() == signed.count() > 0
    assert requests.filter(status=RequestStatus.PENDING).exists()
    match = re.search(r"created (\d+) people, (\d+) signatures in [\d.]+ s", output)
    assert match is not None, output
    assert (int(match[1]), int(match[2])) == (60, signed.count())


def test_it_refuses_a_database_that_holds_staff_unless_forced() -> None:
    seed_scale()

    with pytest.raises(CommandError, match=r"already holds 60 staff.*--force"):
        seed_scale()
    assert StaffProfile.objects.count() == 60

    output = seed_scale(force=True)

    assert StaffProfile.objects.count() == 120
    assert "sc2-" in output
    assert verify_chain().intact


def test_the_same_seed_gives_the_same_organisation() -> None:
    seed_scale(force=True)
    seed_scale(force=True)

    def batch(number: int) -> list[tuple[str, str, str]]:
        return list(
            AcknowledgementRequest.objects.filter(person__employee_id__startswith=f"SC{number}-")
            .order_by("person__employee_id", "version__document__title")
            .values_list("person__user__first_name", "person__user__last_name", "status")
        )

    assert batch(1) == batch(2)


def test_dry_run_writes_nothing() -> None:
    output = seed_scale(dry_run=True, people=100_000, documents=20, versions=5)

    assert "Would create" in output
    assert "100000 people" in output
    assert "2000000 acknowledgement requests (1500000 signed" in output
    assert StaffProfile.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is SQLite's")
def test_it_refuses_sqlite_without_being_told() -> None:
    with pytest.raises(CommandError, match=r"SQLite.*--allow-sqlite"):
        seed_scale(allow_sqlite=False)
    assert StaffProfile.objects.count() == 0
