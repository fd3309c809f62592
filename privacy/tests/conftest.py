from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
import time_machine
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest
from acknowledgements.services import checkpoint_create, requests_create_for_version, signature_create
from cases.models import Case
from people.models import StaffProfile
from people.services import person_deactivate, person_reactivate
from privacy.services import hold_place, hold_release
from reminders.tests.factories import NotificationFactory
from sso.services import Reauthentication
from training.tests.factories import AssignmentFactory


@pytest.fixture
def signed_leaver(published, agent, manager, compliance_officer, leaver) -> StaffProfile:
    """The leaver and two colleagues signed the published version; a checkpoint covers all three."""
    person_reactivate(user=leaver.user, actor=None)
    requests_create_for_version(version=published)
    at_provider = Reauthentication(
        provider="entra", subject="zenobia.quillfeather@example.com", authenticated_at=timezone.now()
    )
    for person, address, browser, reauthentication in (
        (agent, "198.51.100.1", "Firefox", None),
        (leaver, "203.0.113.99", "Quillfeather-Browser/7.3", at_provider),
        (manager, None, "", None),
    ):
        signature_create(
            ack_request=AcknowledgementRequest.objects.get(person=person),
            actor=person.user,
            typed_name=person.full_name,
            ip_address=address,
            user_agent=browser,
            reauthentication=reauthentication,
        )
    checkpoint_create()
    person_deactivate(user=leaver.user, actor=None)
    # Others' rows that name her: a notification, a training note, a legal hold placed and released.
    NotificationFactory(recipient=manager.user, message="Zenobia Quillfeather is 7 days overdue")
    AssignmentFactory(person=manager, note="Covering for zenobia.quillfeather@example.com (HR-7731-ZQ)")
    # And in another case than her own, as people type it: all capitals, all lower case.
    AssignmentFactory(person=agent, note="Handover from ZENOBIA QUILLFEATHER, ask zenobia quillfeather")
    hold = hold_place(person=leaver, reason="Claim by Zenobia Quillfeather", actor=compliance_officer.user)
    hold_release(hold=hold, reason="Settled with Zenobia Quillfeather", actor=compliance_officer.user)
    return leaver


@pytest.fixture
def leavers_case(leaver, published, compliance_officer) -> Case:
    """A breach case about the leaver."""
    return Case.objects.create(
        person=leaver,
        occurred_on=timezone.localdate(),
        section=published.sections.first(),
        description="Shared a customer's details.",
        recorded_by=compliance_officer.user,
    )


@pytest.fixture
def days_later() -> Callable[[int], AbstractContextManager[None]]:
    """The clock moved on this many days from now, ticking."""

    @contextmanager
    def travel(days: int) -> Iterator[None]:
        with time_machine.travel(timezone.now() + datetime.timedelta(days=days)):
            yield

    return travel
