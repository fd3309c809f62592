"""Staff without a sign-in: adding them, issuing their PINs and one-time codes (kept only as hashes), checking
them at a kiosk with wrong tries counted and locked out, and no other way in (password, identity provider)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher, check_password
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from people import services
from people.kiosk import (
    IdentificationRefused,
    KioskPersonRefused,
    credential_check,
    credential_issue,
    kiosk_people_for,
    person_create_without_sign_in,
)
from people.models import KioskCredential, StaffProfile
from people.services import StaffChangeRefused
from people.tests.factories import DepartmentFactory, KioskPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(support, manager):
    """Someone in the manager's team who signs only at a kiosk."""
    return KioskPersonFactory(
        user__first_name="Ion", user__last_name="Popa", employee_id="K-100", department=support, manager=manager
    )


def test_a_manager_adds_a_person_without_a_sign_in_to_their_own_team(manager, support) -> None:
    person = person_create_without_sign_in(
        employee_id="K-7", first_name="Ion", last_name="Popa", department=support, actor=manager.user
    )

    person.refresh_from_db()
    assert (person.signs_in, person.manager, person.user.has_usable_password()) == (False, manager, False)
    event = AuditEvent.objects.get(action="people.person.hire")
    assert event.details["signs_in"] is False


def test_a_taken_employee_id_is_refused_with_its_reason(manager, support, worker) -> None:
    with pytest.raises(KioskPersonRefused, match=r"(?i)employee id already exists"):
        person_create_without_sign_in(
            employee_id="K-100", first_name="Ion", last_name="Other", department=support, actor=manager.user
        )


def test_a_manager_may_not_add_a_person_to_a_department_outside_their_team(manager, support) -> None:
    warehouse = DepartmentFactory(name="Warehouse", code="WHS")

    with pytest.raises(KioskPersonRefused, match="departments of your team"):
        person_create_without_sign_in(
            employee_id="K-7", first_name="Ion", last_name="Popa", department=warehouse, actor=manager.user
        )

    assert not StaffProfile.objects.filter(employee_id="K-7").exists()


def test_an_agent_may_not_add_people_without_a_sign_in(agent, support) -> None:
    with pytest.raises(PermissionDenied):
        person_create_without_sign_in(
            employee_id="K-8", first_name="Ion", last_name="Popa", department=support, actor=agent.user
        )


def test_a_pin_is_shown_once_and_stored_only_as_a_hash(manager, worker) -> None:
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)

    credential = KioskCredential.objects.get(person=worker)
    assert len(pin) == 6
    assert pin.isdigit()
    assert pin not in credential.pin_hash
    assert check_password(pin, credential.pin_hash)
    assert AuditEvent.objects.get(action="people.kiosk.credential_issue").details == {"kind": "pin"}


def test_a_manager_issues_pins_only_to_their_own_people(second_manager, worker) -> None:
    with pytest.raises(PermissionDenied):
        credential_issue(person=worker, actor=second_manager.user, one_time=False)


def test_only_people_without_a_sign_in_are_offered_to_their_manager(manager, agent, worker) -> None:
    assert list(kiosk_people_for(manager.user)) == [worker]


def test_the_right_pin_identifies_the_person(manager, worker) -> None:
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)

    assert credential_check(employee_id="K-100", secret=pin) == worker
    assert credential_check(employee_id="K-100", secret=pin) == worker


def test_a_one_time_code_serves_once(manager, worker) -> None:
    code = credential_issue(person=worker, actor=manager.user, one_time=True)

    assert credential_check(employee_id="K-100", secret=code.lower()) == worker
    with pytest.raises(IdentificationRefused, match="do not match"):
        credential_check(employee_id="K-100", secret=code)


def test_an_expired_code_is_refused(manager, worker, settings) -> None:
    settings.KIOSK_CODE_VALID_HOURS = 2
    code = credential_issue(person=worker, actor=manager.user, one_time=True)

    with pytest.raises(IdentificationRefused, match="do not match"):
        credential_check(employee_id="K-100", secret=code, now=timezone.now() + datetime.timedelta(hours=3))


def test_wrong_pins_lock_the_person_out_even_with_the_right_one(manager, worker, settings) -> None:
    settings.KIOSK_MAX_TRIES = 3
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)
    for _ in range(2):
        with pytest.raises(IdentificationRefused, match="do not match"):
            credential_check(employee_id="K-100", secret="000000" if pin != "000000" else "111111")

    with pytest.raises(IdentificationRefused):
        credential_check(employee_id="K-100", secret="999999x")
    with pytest.raises(IdentificationRefused):
        credential_check(employee_id="K-100", secret=pin)

    events = AuditEvent.objects.filter(action="people.kiosk.identify_fail").order_by("pk")
    assert [event.details["locked"] for event in events] == [False, False, True, True]


def test_the_lockout_ends_after_its_minutes(manager, worker, settings) -> None:
    settings.KIOSK_MAX_TRIES, settings.KIOSK_LOCKOUT_MINUTES = 1, 15
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)
    with pytest.raises(IdentificationRefused):
        credential_check(employee_id="K-100", secret="wrong")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert credential_check(employee_id="K-100", secret=pin) == worker


def test_a_new_pin_lifts_the_lockout(manager, worker, settings) -> None:
    settings.KIOSK_MAX_TRIES = 1
    credential_issue(person=worker, actor=manager.user, one_time=False)
    with pytest.raises(IdentificationRefused):
        credential_check(employee_id="K-100", secret="wrong")

    pin = credential_issue(person=worker, actor=manager.user, one_time=False)

    assert credential_check(employee_id="K-100", secret=pin) == worker


def test_an_unknown_employee_id_is_refused_in_the_same_words_as_a_wrong_pin(db) -> None:
    with pytest.raises(IdentificationRefused, match="do not match"):
        credential_check(employee_id="NOBODY", secret="123456")


def test_a_locked_person_is_refused_in_the_same_words_as_a_wrong_pin(manager, worker, settings) -> None:
    settings.KIOSK_MAX_TRIES = 1
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)
    with pytest.raises(IdentificationRefused):
        credential_check(employee_id="K-100", secret="wrong")

    with pytest.raises(IdentificationRefused) as refused:
        credential_check(employee_id="K-100", secret=pin)

    assert "do not match" in refused.value.message
    assert "locked" not in refused.value.message


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting the hashes it computes (checking a secret computes one too)."""

    computed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.computed += 1
        return super().encode(password, salt)


def _hashes_to_refuse(employee_id: str, secret: str) -> int:
    before = CountingHasher.computed
    with pytest.raises(IdentificationRefused):
        credential_check(employee_id=employee_id, secret=secret)
    return CountingHasher.computed - before


def test_every_refusal_costs_the_same_hashing_work(manager, worker, agent, settings) -> None:
    settings.KIOSK_MAX_TRIES = 2
    pin = credential_issue(person=worker, actor=manager.user, one_time=False)
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    KioskCredential.objects.create(person=agent, pin_hash="!")

    unknown = _hashes_to_refuse("NOBODY", "123456")
    signs_in = _hashes_to_refuse(agent.employee_id, "123456")
    pin_only = _hashes_to_refuse("K-100", "wrong")
    credential_issue(person=worker, actor=manager.user, one_time=True)
    pin_and_code = _hashes_to_refuse("K-100", "wrong")
    _hashes_to_refuse("K-100", "wrong")  # the second wrong try in a row locks the worker
    locked = _hashes_to_refuse("K-100", pin)

    assert unknown > 0
    assert [signs_in, pin_only, pin_and_code, locked] == [unknown] * 4


def test_a_person_who_signs_in_cannot_identify_at_a_kiosk(manager, agent) -> None:
    KioskCredential.objects.create(person=agent, pin_hash="!")

    with pytest.raises(IdentificationRefused, match="do not match"):
        credential_check(employee_id=agent.employee_id, secret="123456")


def test_no_password_can_be_set_for_a_person_without_a_sign_in(worker) -> None:
    from people.tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(StaffChangeRefused, match="signs only at a kiosk"):
        services.account_set_password(user=worker.user, actor=superuser, password="a-new-password-1")


def test_the_sign_in_form_does_not_sign_them_in(client, worker) -> None:
    response = client.post("/accounts/login/", {"username": worker.user.username, "password": "anything-at-all"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
