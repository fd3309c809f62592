"""`manage.py seed_scale` on a tiny organisation: consistent counts, one published version per document,
an intact signature chain, everyone in a department and nearly everyone with a manager."""

from __future__ import annotations

import random
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from codes.content import verify_content_hash
from codes.models import CodeDocument, CodeVersion, Section, VersionStatus
from people.models import Department, StaffProfile
from reminders.selectors import reminders_due
from seeding.scale import SECTIONS_PER_VERSION, ScaleOptions, plan_organisation
from training.models import Assignment, Completion, Course

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


def test_each_document_has_one_published_version_its_latest() -> None:
    seed_scale()

    for document in CodeDocument.objects.all():
        versions = list(document.versions.order_by("number"))
        assert [v.status for v in versions] == [VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED]
        assert all(verify_content_hash(v) for v in versions)
        published_at = [v.published_at for v in versions]
        assert published_at == sorted(published_at)
    # Requests are asked only for published versions.
    assert not AcknowledgementRequest.objects.exclude(version__status=VersionStatus.PUBLISHED).exists()


def test_the_signature_chain_verifies_in_the_order_of_signing() -> None:
    seed_scale()

    assert verify_chain().intact
    signatures = list(Signature.objects.order_by("sequence").select_related("request", "person__user", "version"))
    assert [s.sequence for s in signatures] == list(range(1, len(signatures) + 1))
    moments = [s.signed_at for s in signatures]
    assert moments == sorted(moments)
    assert moments[-1] <= timezone.now()
    for signature in signatures:
        request = signature.request
        assert (request.person_id, request.version_id) == (signature.person_id, signature.version_id)
        assert request.status == RequestStatus.SIGNED
        assert request.resolved_at == signature.signed_at
        assert request.first_opened_at == signature.first_opened_at < signature.signed_at
        assert signature.typed_name == signature.person.full_name
        assert signature.content_hash == signature.version.content_hash


def test_everyone_has_a_department_and_nearly_everyone_a_manager() -> None:
    seed_scale()

    people = StaffProfile.objects.all()
    assert not people.filter(department=None).exists()
    # Only the chief executive reports to nobody.
    assert people.filter(manager=None).count() == 1
    managers = people.filter(direct_reports__isnull=False).distinct().count()
    assert 60 / 20 <= managers <= 60 / 6
    assert not people.filter(user__groups=None).exists()
    assert get_user_model().objects.filter(groups__name="Compliance officer").exists()


def test_overdue_requests_are_past_due_and_pending_ones_are_not() -> None:
    seed_scale(people=200, signed_fraction=0.5, overdue_fraction=0.3)

    today = timezone.localdate()
    pending = AcknowledgementRequest.objects.filter(status=RequestStatus.PENDING)
    overdue = pending.filter(due_date__lt=today).count()
    assert 0.2 * 400 <= overdue <= 0.4 * 400
    assert 0.1 * 400 <= pending.count() - overdue <= 0.3 * 400


def test_training_has_completions_and_one_open_assignment_per_person_and_course() -> None:
    seed_scale()

    assert Course.objects.count() == 3
    assert Completion.objects.count() > 0
    per_person = Assignment.objects.values("person", "course").annotate(n=Count("pk"))
    assert per_person.count() == 60 * 3
    assert {row["n"] for row in per_person} == {1}


def test_todays_reminders_count_as_sent_so_a_sweep_has_nothing_left() -> None:
    seed_scale()

    assert list(reminders_due(day=timezone.localdate())) == []


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
    same_seed = [plan_organisation(ScaleOptions(people=500), random.Random(7)) for _ in range(2)]  # noqa: S311
    assert same_seed[0] == same_seed[1]


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


def test_it_refuses_impossible_fractions() -> None:
    with pytest.raises(CommandError, match="add up to more than 1"):
        seed_scale(signed_fraction=0.8, overdue_fraction=0.3)
