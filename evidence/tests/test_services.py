"""Asking for a pack: the period's rules, the audit event, and a pack of a period without signatures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from common.errors import DomainError
from evidence import services
from evidence.models import EvidencePack, PackStatus
from evidence.tests.conftest import unzip
from evidence.tests.factories import EvidencePackFactory
from people.models import Department
from people.services import StaffChangeRefused, department_delete
from people.tests.factories import DepartmentFactory


def test_a_period_that_ends_before_it_starts_is_refused(compliance_officer):
    today = timezone.localdate()

    with pytest.raises(DomainError, match="before its start"):
        services.pack_request(
            actor=compliance_officer.user, period_start=today, period_end=today - datetime.timedelta(days=1)
        )
    assert not EvidencePack.objects.exists()


def test_a_period_that_ends_in_the_future_is_refused(compliance_officer):
    today = timezone.localdate()

    with pytest.raises(DomainError, match="cannot end in the future"):
        services.pack_request(
            actor=compliance_officer.user, period_start=today, period_end=today + datetime.timedelta(days=1)
        )


def test_asking_for_a_pack_records_who_asked_for_which_scope(compliance_officer, support, document):
    today = timezone.localdate()

    pack = services.pack_request(
        actor=compliance_officer.user, period_start=today, period_end=today, documents=[document], departments=[support]
    )

    event = AuditEvent.objects.get(action="evidence.pack.request")
    assert (event.actor_id, event.object_id) == (compliance_officer.user.pk, str(pack.pk))
    assert event.details == {
        "period": [today.isoformat(), today.isoformat()],
        "documents": [document.pk],
        "departments": [support.pk],
    }
    assert pack.status == PackStatus.QUEUED


def test_a_pack_of_a_period_without_signatures_verifies(published, build_pack, tmp_path, run_verify):
    pack = build_pack()

    status, output = run_verify(unzip(pack, tmp_path))

    assert (pack.status, pack.signatures) == (PackStatus.READY, 0)
    assert status == 0, output


def test_a_pack_is_built_once_however_often_the_task_runs(chain, build_pack):
    pack = build_pack()

    assert services.pack_build(pack_id=pack.pk) is None
    assert AuditEvent.objects.filter(action="evidence.pack.build").count() == 1


def test_a_department_a_pack_was_asked_for_is_not_deleted(administrator, compliance_officer):
    # The pack records its scope: deleting the department would rewrite (or, once the pack is sealed, be refused
    # by the database in the middle of) what the pack says it covers.
    closed = DepartmentFactory(name="Closed desk")
    today = timezone.localdate()
    services.pack_request(actor=compliance_officer.user, period_start=today, period_end=today, departments=[closed])

    with pytest.raises(StaffChangeRefused, match="still has"):
        department_delete(department=closed, actor=administrator.user)

    assert Department.objects.filter(pk=closed.pk).exists()


def test_a_pack_left_building_by_a_worker_that_died_is_built_by_the_next_delivery(chain, pack_dir):
    stalled = timezone.now() - services.BUILD_STALLED_AFTER - datetime.timedelta(minutes=1)
    today = timezone.localdate()
    pack = EvidencePackFactory(
        status=PackStatus.BUILDING,
        build_token="dead-worker",
        progress_at=stalled,
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
    )

    built = services.pack_build(pack_id=pack.pk)

    assert built is not None
    assert (built.status, built.signatures) == (PackStatus.READY, 3)
    assert sorted(path.name for path in pack_dir.iterdir()) == [f"evidence-pack-{pack.pk}.zip"]


def test_a_pack_that_is_moving_on_is_left_to_the_worker_building_it(chain):
    pack = EvidencePackFactory(status=PackStatus.BUILDING, build_token="live-worker", progress_at=timezone.now())

    assert services.pack_build(pack_id=pack.pk) is None
    pack.refresh_from_db()
    assert (pack.status, pack.build_token) == (PackStatus.BUILDING, "live-worker")
