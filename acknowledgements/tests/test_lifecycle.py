"""Every request ends in a named state: each transition, what it records, and who is reminded after it."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from audit.models import AuditEvent
from codes.tests.factories import publish, start_revision
from people.services import person_deactivate, person_move, person_reactivate
from people.signals import person_audience_changed
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def request_of(person, version) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(person=person, version=version)


def events(action: str) -> list[dict]:
    return list(AuditEvent.objects.filter(action=action).values_list("details", flat=True))


@pytest.fixture
def asked(published, agent, compliance_officer):
    services.requests_create_for_version(version=published)
    return published


def test_publishing_a_newer_version_marks_the_unsigned_requests_replaced_and_records_it(
    asked, agent, manager, second_manager
) -> None:
    draft = start_revision(asked.document, actor=manager.user)
    newer = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=newer)

    old = request_of(agent, asked)
    assert old.status == RequestStatus.REPLACED
    assert old.get_status_display() == "Replaced before signing"
    assert old.resolved_at is not None
    assert request_of(agent, newer).status == RequestStatus.PENDING
    assert events("acknowledgements.requests.replace") == [
        {"requests": AcknowledgementRequest.objects.filter(version=asked).count()}
    ]


def test_withdrawing_a_documents_requests_keeps_the_signed_ones_and_records_the_reason(
    asked, agent, manager, compliance_officer
) -> None:
    signed = request_of(compliance_officer, asked)
    services.signature_create(
        ack_request=signed, actor=compliance_officer.user, typed_name=compliance_officer.full_name
    )

    withdrawn = services.requests_withdraw_for_document(
        document_id=asked.document_id, actor=manager.user, reason="Merged into the new handbook"
    )

    assert request_of(agent, asked).status == RequestStatus.WITHDRAWN
    assert request_of(compliance_officer, asked).status == RequestStatus.SIGNED
    assert withdrawn == AcknowledgementRequest.objects.filter(status=RequestStatus.WITHDRAWN).count() > 0
    event = AuditEvent.objects.get(action="acknowledgements.requests.withdraw")
    assert event.details == {"requests": withdrawn, "reason": "Merged into the new handbook"}
    assert event.actor == manager.user


def test_a_leavers_pending_requests_are_marked_left_and_recorded(
    asked, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(user=agent.user, actor=administrator.user)

    assert request_of(agent, asked).status == RequestStatus.LEFT
    assert events("acknowledgements.requests.leave") == [{"requests": 1}]
    assert AuditEvent.objects.filter(action="people.person.deactivate", actor=administrator.user).count() == 1
    assert AuditEvent.objects.get(action="acknowledgements.requests.leave").actor == administrator.user


def test_a_deactivation_and_a_move_in_one_transaction_sync_once_as_the_administrator(
    asked, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    announced: list[int | None] = []
    person_audience_changed.connect(
        lambda sender, actor_id, **kw: announced.append(actor_id), weak=False, dispatch_uid="test.announced"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            # As an import may: the administrator's deactivation, then the system's move, which announces again.
            person_deactivate(user=agent.user, actor=administrator.user)
            person_move(person=agent, department=DepartmentFactory(code="SAL"), manager=agent.manager, actor=None)
    finally:
        person_audience_changed.disconnect(dispatch_uid="test.announced")

    assert announced == [administrator.user.pk]
    assert list(
        AuditEvent.objects.filter(action="acknowledgements.requests.leave").values_list("actor", flat=True)
    ) == [administrator.user.pk]


def test_a_signed_request_stays_signed_when_the_person_leaves(asked, agent, django_capture_on_commit_callbacks) -> None:
    services.signature_create(ack_request=request_of(agent, asked), actor=agent.user, typed_name=agent.full_name)

    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(user=agent.user, actor=None)

    assert request_of(agent, asked).status == RequestStatus.SIGNED


def test_a_returner_is_asked_again_with_a_new_due_date_and_it_is_recorded(
    asked, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(user=agent.user, actor=None)
    AcknowledgementRequest.objects.filter(person=agent).update(due_date=datetime.date(2020, 1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        person_reactivate(user=agent.user, actor=administrator.user)

    request = request_of(agent, asked)
    assert request.status == RequestStatus.PENDING
    assert request.resolved_at is None
    assert request.due_date == timezone.localdate() + datetime.timedelta(days=asked.days_to_acknowledge)
    assert events("acknowledgements.requests.return") == [{"requests": 1}]
    assert AuditEvent.objects.filter(action="people.person.reactivate", actor=administrator.user).count() == 1


@pytest.fixture
def departmental(draft, manager, second_manager, support, agent):
    version = publish(draft, author=manager.user, approver=second_manager.user, departments=[support])
    services.requests_create_for_version(version=version)
    return version


def test_a_movers_new_requests_are_audited_as_asked_by_the_administrator_who_moved_them(
    departmental, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    mover = StaffProfileFactory(department=DepartmentFactory(code="SAL"))

    with django_capture_on_commit_callbacks(execute=True):
        person_move(person=mover, department=agent.department, manager=mover.manager, actor=administrator.user)

    assert request_of(mover, departmental).status == RequestStatus.PENDING
    event = AuditEvent.objects.get(action="acknowledgements.requests.ask")
    assert (event.details, event.actor, event.object_id) == ({"requests": 1}, administrator.user, str(mover.pk))


def test_moving_out_of_the_audience_marks_the_request_left(
    departmental, agent, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_move(person=agent, department=DepartmentFactory(code="SAL"), manager=agent.manager, actor=None)

    assert request_of(agent, departmental).status == RequestStatus.LEFT
    assert events("acknowledgements.requests.leave") == [{"requests": 1}]


def test_moving_back_into_the_audience_asks_again(
    departmental, agent, support, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_move(person=agent, department=DepartmentFactory(code="SAL"), manager=agent.manager, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        person_move(person=agent, department=support, manager=agent.manager, actor=None)

    assert request_of(agent, departmental).status == RequestStatus.PENDING
    assert AcknowledgementRequest.objects.filter(person=agent).count() == 1, "the same request, not a second one"


def test_syncing_twice_changes_nothing_the_second_time(departmental, agent) -> None:
    agent.user.is_active = False
    agent.user.save()
    services.requests_sync_for_people(person_ids=[agent.pk])

    assert services.requests_sync_for_people(person_ids=[agent.pk]) == {"left": 0, "returned": 0, "asked": 0}
    assert AuditEvent.objects.filter(action="acknowledgements.requests.leave").count() == 1


def test_a_leavers_request_leaves_the_pending_figures_and_comes_back_on_reactivation(
    client, asked, agent, compliance_officer, django_capture_on_commit_callbacks
) -> None:
    client.force_login(compliance_officer.user)

    def figures() -> tuple[int, int, int, float | None]:
        totals = client.get("/acknowledgements/dashboard/").context["totals"]
        return totals["asked"], totals["pending"], totals["left"], totals["percent_signed"]

    before = figures()
    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(user=agent.user, actor=None)
    gone = figures()
    with django_capture_on_commit_callbacks(execute=True):
        person_reactivate(user=agent.user, actor=None)

    asked_count = before[0]
    assert before == (asked_count, asked_count, 0, 0.0)
    assert gone == (asked_count, asked_count - 1, 1, 0.0), "still asked, no longer pending: left"
    assert figures() == before


def test_a_persons_list_shows_what_waits_first_then_the_replaced_request(
    client, asked, agent, manager, second_manager
) -> None:
    newer = publish(
        start_revision(asked.document, actor=manager.user), author=manager.user, approver=second_manager.user
    )
    services.requests_create_for_version(version=newer)
    client.force_login(agent.user)

    response = client.get("/acknowledgements/")

    assert [(ack.version.number, ack.status) for ack in response.context["page"]] == [
        (2, RequestStatus.PENDING),
        (1, RequestStatus.REPLACED),
    ]
    assert "Replaced before signing" in response.content.decode()
