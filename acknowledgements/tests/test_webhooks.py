"""What acknowledgements announces to webhook receivers: signatures, and every change of a request's state,
one event per request even when thousands change in one statement."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest
from codes.services import document_retire
from codes.tests.factories import publish, start_revision
from people.services import person_deactivate, person_reactivate
from people.tests.factories import StaffProfileFactory
from webhooks.models import Delivery, EventType
from webhooks.tests.factories import EndpointFactory, announced

pytestmark = pytest.mark.django_db

CHANGED = EventType.REQUEST_STATE_CHANGED


@pytest.fixture
def endpoint():
    return EndpointFactory()


@pytest.fixture
def asked(published, agent, compliance_officer):
    services.requests_create_for_version(version=published)
    return published


def request_of(version, person) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(version=version, person=person)


def test_a_signature_is_announced_with_its_record_and_its_request_as_signed(endpoint, asked, agent) -> None:
    ack_request = request_of(asked, agent)

    signature = services.signature_create(ack_request=ack_request, actor=agent.user, typed_name=agent.full_name)

    assert announced(EventType.SIGNATURE_CREATED) == [
        {
            "signature": signature.pk,
            "request": ack_request.pk,
            "version": asked.pk,
            "person": agent.pk,
            "sequence": signature.sequence,
            "signed_at": signature.signed_at.isoformat(),
            "language": "en",
            "content_hash": asked.content_hash,
            "record_hash": signature.record_hash,
        }
    ]
    assert announced(CHANGED) == [
        {
            "request": ack_request.pk,
            "version": asked.pk,
            "person": agent.pk,
            "from": "pending",
            "to": "signed",
            "at": signature.signed_at.isoformat(),
        }
    ]
    assert Delivery.objects.filter(endpoint=endpoint, event__type=EventType.SIGNATURE_CREATED).count() == 1


def test_a_waiver_is_announced_as_a_change_of_state(endpoint, asked, agent, compliance_officer) -> None:
    ack_request = services.request_waive(
        ack_request=request_of(asked, agent), actor=compliance_officer.user, reason="Long-term leave"
    )

    [change] = announced(CHANGED)
    assert (change["request"], change["from"], change["to"]) == (ack_request.pk, "pending", "waived")


def test_a_waiver_in_bulk_announces_each_request_waived_as_a_single_waiver_does(
    endpoint, asked, agent, manager, compliance_officer
) -> None:
    signed = services.signature_create(
        ack_request=request_of(asked, agent), actor=agent.user, typed_name=agent.full_name
    )
    pending = set(AcknowledgementRequest.objects.filter(version=asked, status="pending").values_list("pk", flat=True))

    services.requests_waive(
        requests=AcknowledgementRequest.objects.filter(version=asked), actor=compliance_officer.user, reason="Moved"
    )

    assert _changes("pending", "waived") == pending
    assert signed.request_id not in _changes("pending", "waived")


def _changes(before: str, after: str) -> set[int]:
    return {p["request"] for p in announced(CHANGED) if (p["from"], p["to"]) == (before, after)}


def test_each_request_replaced_by_a_new_version_is_announced(endpoint, asked, manager, second_manager) -> None:
    pending = set(AcknowledgementRequest.objects.filter(version=asked).values_list("pk", flat=True))

    publish(start_revision(asked.document, actor=manager.user), author=manager.user, approver=second_manager.user)
    services.requests_supersede(version=asked.document.versions.published().get())

    assert _changes("pending", "superseded") == pending
    [one] = [p for p in announced(CHANGED) if p["to"] == "superseded"][:1]
    replaced = AcknowledgementRequest.objects.get(pk=one["request"])
    assert (one["version"], one["person"]) == (asked.pk, replaced.person_id)
    assert one["at"] == replaced.resolved_at.isoformat()


def test_each_request_withdrawn_with_its_retired_document_is_announced(endpoint, asked, manager, agent) -> None:
    signed = services.signature_create(
        ack_request=request_of(asked, agent), actor=agent.user, typed_name=agent.full_name
    )
    pending = set(AcknowledgementRequest.objects.filter(version=asked, status="pending").values_list("pk", flat=True))

    document_retire(document=asked.document, actor=manager.user, reason="Merged into the handbook")
    services.requests_withdraw_for_document(document_id=asked.document_id, actor=manager.user, reason="Merged")

    assert _changes("pending", "withdrawn") == pending
    assert signed.request_id not in _changes("pending", "withdrawn")


def test_a_leaver_s_requests_are_announced_as_left_and_a_returner_s_as_pending_again(endpoint, asked, agent) -> None:
    ack_request = request_of(asked, agent)

    person_deactivate(user=agent.user, actor=None)
    services.requests_sync_for_people(person_ids=[agent.pk])
    person_reactivate(user=agent.user, actor=None)
    services.requests_sync_for_people(person_ids=[agent.pk])

    assert [(p["request"], p["from"], p["to"]) for p in announced(CHANGED)] == [
        (ack_request.pk, "pending", "left"),
        (ack_request.pk, "left", "pending"),
    ]


@pytest.mark.parametrize("people", [1, 25])
def test_announcing_replaced_requests_costs_the_same_queries_for_1_or_25(
    endpoint, published, manager, second_manager, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people - 1, department=support)
    services.requests_create_for_version(version=published)
    newer = publish(
        start_revision(published.document, actor=manager.user), author=manager.user, approver=second_manager.user
    )

    # savepoint; the replaced requests (one UPDATE); the publisher; the audit event; the subscribed endpoints;
    # the events (one INSERT … SELECT); their deliveries (one INSERT); release
    with django_assert_num_queries(8):
        replaced = services.requests_supersede(version=newer)

    assert replaced == len(announced(CHANGED)) >= people


@pytest.mark.parametrize("people", [1, 25])
def test_announcing_leavers_requests_costs_the_same_queries_for_1_or_25(
    endpoint, asked, support, people, django_assert_num_queries
) -> None:
    leavers = StaffProfileFactory.create_batch(people, department=support)
    services.requests_create_for_version(version=asked)
    for leaver in leavers:
        leaver.user.is_active = False
        leaver.user.save()

    # savepoint; the people; their requests; those now left (one UPDATE); the subscribed endpoints; the events
    # (one INSERT … SELECT); their deliveries (one INSERT); the audit events (one INSERT); release
    with django_assert_num_queries(9):
        changed = services.requests_sync_for_people(person_ids=[leaver.pk for leaver in leavers])

    assert changed["left"] == people == len(announced(CHANGED))
