"""Witnessed signing at a kiosk (acknowledgements.kiosk): opening and ending a kiosk, its device token and
idle timeout, identifying people with wrong tries counted per kiosk, and the signature that names its witness,
device and method."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from acknowledgements import comprehension, services
from acknowledgements.chain import verify_records
from acknowledgements.chain_format import HASHED_FIELDS, hash_of_fields
from acknowledgements.kiosk import (
    KioskClosed,
    kiosk_end,
    kiosk_for_device,
    kiosk_identify,
    kiosk_open,
    kiosk_person_clear,
    kiosk_requests,
    kiosk_sign,
    token_hash,
)
from acknowledgements.models import (
    AcknowledgementRequest,
    AuthenticationMethod,
    KioskEnd,
    KioskSession,
    RequestStatus,
    SigningMethod,
)
from acknowledgements.tests.test_comprehension import answers, ask_two_questions
from audit.models import AuditEvent
from codes import services as code_services
from codes.models import CodeVersion
from codes.tests.factories import publish
from common.errors import DomainError
from people.kiosk import IdentificationRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk(manager) -> KioskSession:
    return kiosk_open(actor=manager.user, device="Front desk tablet")[0]


@pytest.fixture
def version(draft, manager, second_manager, worker) -> CodeVersion:
    version = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=version)
    return version


@pytest.fixture
def asked(version, worker) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(version=version, person=worker)


def test_a_manager_opens_a_kiosk_whose_token_is_kept_only_as_a_hash(manager) -> None:
    kiosk, token = kiosk_open(actor=manager.user, device="Front desk tablet")

    assert (kiosk.supervisor, kiosk.device, kiosk.token_hash) == (manager, "Front desk tablet", token_hash(token))
    assert token not in kiosk.token_hash
    assert AuditEvent.objects.get(action="acknowledgements.kiosk.open").details == {"device": "Front desk tablet"}


def test_an_agent_may_not_open_a_kiosk(agent) -> None:
    with pytest.raises(PermissionDenied):
        kiosk_open(actor=agent.user, device="Tablet")


def test_the_kiosk_is_found_only_with_its_device_token(manager) -> None:
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")

    assert kiosk_for_device(kiosk_id=kiosk.pk, token=token) == kiosk
    assert kiosk_for_device(kiosk_id=kiosk.pk, token="another-device") is None


def test_an_idle_kiosk_times_out_and_forgets_its_person(manager, worker, pin, settings) -> None:
    settings.KIOSK_IDLE_MINUTES = 5
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    later = timezone.now() + datetime.timedelta(minutes=6)
    assert kiosk_for_device(kiosk_id=kiosk.pk, token=token, now=later) is None

    kiosk.refresh_from_db()
    assert (kiosk.end, kiosk.person, kiosk.ended_at) == (KioskEnd.TIMED_OUT, None, later)
    assert AuditEvent.objects.get(action="acknowledgements.kiosk.end").details == {"end": "timed-out"}


def test_a_kiosk_in_use_does_not_time_out(manager, settings) -> None:
    settings.KIOSK_IDLE_MINUTES = 5
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")
    now = timezone.now()
    for minutes in (4, 8, 12):
        assert kiosk_for_device(kiosk_id=kiosk.pk, token=token, now=now + datetime.timedelta(minutes=minutes))


def test_a_person_idle_for_longer_than_their_seconds_is_cleared_and_the_kiosk_stays_open(
    manager, worker, pin, settings
) -> None:
    settings.KIOSK_PERSON_IDLE_SECONDS = 120
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=121)):
        found = kiosk_for_device(kiosk_id=kiosk.pk, token=token)

    assert found is not None
    assert found.person is None
    kiosk.refresh_from_db()
    assert (kiosk.person, kiosk.ended_at) == (None, None)


def test_a_person_in_use_stays_held(manager, worker, pin, settings) -> None:
    settings.KIOSK_PERSON_IDLE_SECONDS = 120
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    start = timezone.now()

    for seconds in (100, 200, 300):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds)):
            found = kiosk_for_device(kiosk_id=kiosk.pk, token=token)
        assert found is not None
        assert found.person == worker


def test_an_ended_kiosk_is_not_found_again(manager) -> None:
    kiosk, token = kiosk_open(actor=manager.user, device="Tablet")

    kiosk_end(kiosk=kiosk)

    assert kiosk_for_device(kiosk_id=kiosk.pk, token=token) is None
    assert KioskSession.objects.get().end == KioskEnd.ENDED


def test_the_right_pin_holds_the_person_on_the_kiosk(kiosk, worker, pin) -> None:
    assert kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin) == worker

    kiosk.refresh_from_db()
    assert kiosk.person == worker
    assert AuditEvent.objects.get(action="acknowledgements.kiosk.identify").object_id == str(worker.pk)


def test_wrong_pins_for_different_people_lock_the_kiosk(kiosk, worker, pin, settings) -> None:
    settings.KIOSK_DEVICE_MAX_TRIES = 3
    for employee_id in ("K-100", "K-101", "NOBODY"):
        with pytest.raises(IdentificationRefused):
            kiosk_identify(kiosk=kiosk, employee_id=employee_id, secret="0000000")

    with pytest.raises(IdentificationRefused, match="at this kiosk"):
        kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    kiosk.refresh_from_db()
    assert kiosk.person is None
    assert kiosk.locked_until is not None
    assert AuditEvent.objects.filter(action="acknowledgements.kiosk.lock").count() == 1


def test_a_right_pin_clears_the_kiosks_count_of_wrong_ones(kiosk, worker, pin) -> None:
    with pytest.raises(IdentificationRefused):
        kiosk_identify(kiosk=kiosk, employee_id="K-100", secret="0000000")

    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    kiosk.refresh_from_db()
    assert kiosk.failures == 0


def test_the_kiosk_lists_only_its_persons_pending_requests(kiosk, worker, pin, asked, agent) -> None:
    assert kiosk_requests(kiosk) == []

    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    assert kiosk_requests(kiosk) == [asked]


def test_a_kiosk_signature_names_its_witness_device_and_method(kiosk, manager, worker, pin, asked) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    signature = kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="ion popa")

    signature.refresh_from_db()
    assert (signature.method, signature.witness, signature.device) == (
        SigningMethod.KIOSK,
        manager,
        "Front desk tablet",
    )
    assert signature.authentication.method == AuthenticationMethod.KIOSK
    asked.refresh_from_db()
    assert asked.status == RequestStatus.SIGNED
    event = AuditEvent.objects.get(action="acknowledgements.signature.create")
    assert (event.actor_id, event.details["witness"], event.details["method"]) == (worker.user_id, manager.pk, "kiosk")


def test_signing_holds_the_person_on_the_kiosk_for_their_receipt(kiosk, worker, pin, asked) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Ion Popa")

    kiosk.refresh_from_db()
    assert kiosk.person == worker


def test_a_signature_is_refused_once_the_kiosk_no_longer_holds_the_person(kiosk, worker, pin, asked) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    kiosk_person_clear(kiosk=kiosk)

    with pytest.raises(KioskClosed):
        kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Ion Popa")

    asked.refresh_from_db()
    assert asked.status == RequestStatus.PENDING


def test_a_kiosk_signature_needs_the_name_of_the_person(kiosk, worker, pin, asked) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)

    with pytest.raises(services.NameMismatch):
        kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Maria")


def test_a_kiosk_signature_waits_for_a_passed_check(draft, manager, second_manager, worker, pin, kiosk) -> None:
    ask_two_questions(draft, manager)
    code_services.version_check_update(version=draft, actor=manager.user, pass_mark=100, requires_pass=True)
    version = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=version)
    ack = AcknowledgementRequest.objects.get(version=version, person=worker)
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    with pytest.raises(DomainError, match="Pass the comprehension check"):
        kiosk_sign(kiosk=kiosk, ack_request=ack, typed_name="Ion Popa")

    chosen = comprehension.chosen_from(
        _query(answers(ack, first_right=True, second_right=True)), comprehension.questions_of(version)
    )
    comprehension.attempt_record(ack_request=ack, actor=worker.user, chosen=chosen)
    signature = kiosk_sign(kiosk=kiosk, ack_request=ack, typed_name="Ion Popa")

    assert signature.comprehension_score == 100


def test_the_chain_verifies_with_kiosk_records(kiosk, worker, pin, asked, agent) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Ion Popa")

    report = verify_records()

    assert report.intact, report.problems


def test_a_kiosk_record_hashes_its_witness_and_device(kiosk, worker, pin, asked) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    signature = kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Ion Popa")

    fields = [getattr(signature, name) for name in HASHED_FIELDS]
    assert signature.record_hash != hash_of_fields(*fields)
    assert signature.record_hash == hash_of_fields(
        *fields, method="kiosk", witness_id=signature.witness_id, device="Front desk tablet"
    )


# What a database administrator could do to a kiosk record: give it another witness, device or method.
TAMPERING = {
    "witness": "UPDATE acknowledgements_signature SET witness_id = %(agent)s WHERE id = %(id)s",
    "device": "UPDATE acknowledgements_signature SET device = 'Another tablet' WHERE id = %(id)s",
    "method": (
        "UPDATE acknowledgements_signature SET method = 'portal', witness_id = NULL, device = '' WHERE id = %(id)s"
    ),
}


@pytest.mark.parametrize("tampered", sorted(TAMPERING))
def test_verification_finds_a_tampered_witness_device_or_method(kiosk, worker, pin, asked, agent, tampered) -> None:
    kiosk_identify(kiosk=kiosk, employee_id="K-100", secret=pin)
    signature = kiosk_sign(kiosk=kiosk, ack_request=asked, typed_name="Ion Popa")
    with connection.cursor() as cursor:
        # The guard switched off, the record edited, the guard switched on again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE acknowledgements_signature DISABLE TRIGGER acknowledgements_signature_append_only")
        cursor.execute(TAMPERING[tampered], {"agent": agent.pk, "id": signature.pk})
        cursor.execute("ALTER TABLE acknowledgements_signature ENABLE TRIGGER acknowledgements_signature_append_only")

    report = verify_records()

    assert not report.intact
    assert "its fields no longer match its hash (the record was edited)" in report.problems[0]


def _query(data: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query
