"""State changes for people: checking a password again."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from audit.models import AuditEvent
from people.services import PasswordRefused, person_reauthenticate
from people.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def request_from(address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return RequestFactory().post("/anywhere/", REMOTE_ADDR=address)


def test_the_right_password_passes_and_records_nothing(agent) -> None:
    person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")

    assert not AuditEvent.objects.exists()


def test_a_wrong_password_is_refused_and_audited(agent) -> None:
    with pytest.raises(PasswordRefused, match="That is not your password"):
        person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.object_id) == (
        "people.reauthentication.fail",
        agent.user.pk,
        str(agent.user.pk),
    )


def test_after_the_failure_limit_the_right_password_is_refused_too(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    with pytest.raises(PasswordRefused, match="Too many wrong passwords"):
        person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")


def test_the_lockout_is_per_address_as_for_sign_in(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    person_reauthenticate(request=request_from("10.0.0.2"), user=agent.user, password=TEST_PASSWORD, purpose="signing")
