"""Acknowledgements react to people's announcements only: a move asks what applies, a change of job title or
language asks nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from audit.models import AuditEvent
from people import services as people_services
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_a_change_of_job_title_or_language_asks_nothing_and_a_move_does(
    published, agent, administrator, django_capture_on_commit_callbacks
) -> None:
    services.requests_create_for_version(version=published)
    # On the staff after the version was asked for, without a hire: any reaction would ask them.
    late = StaffProfileFactory(department=DepartmentFactory(code="SAL"))
    recorded = AuditEvent.objects.filter(pk__gt=AuditEvent.objects.latest("pk").pk).order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        late.job_title = "Team lead"
        people_services.profile_update(profile=late, actor=administrator.user)
        people_services.profile_set_language(profile=late, language="ro")
        late.save()  # a plain save of the record, as anything outside the services might do

    assert not AcknowledgementRequest.objects.filter(person=late).exists()
    assert not recorded.exists()

    with django_capture_on_commit_callbacks(execute=True):
        people_services.person_move(
            person=late, department=agent.department, manager=agent.manager, actor=administrator.user
        )

    assert AcknowledgementRequest.objects.get(person=late).status == RequestStatus.PENDING
    assert list(recorded.values_list("action", "actor", "object_id")) == [
        ("people.person.move", administrator.user.pk, str(late.pk)),
        ("acknowledgements.requests.ask", administrator.user.pk, str(late.pk)),
    ]


def test_syncing_people_costs_the_same_queries_for_1_or_20_of_them(published, agent, administrator) -> None:
    """The reaction to an HR import's announcement: joiners asked and leavers' requests left, for one person
    of each or for twenty, in the same queries."""

    def sync(people: int) -> int:
        leavers = StaffProfileFactory.create_batch(people, department=agent.department)
        services.requests_create_for_version(version=published)
        User.objects.filter(profile__in=leavers).update(is_active=False)
        joiners = StaffProfileFactory.create_batch(people, department=agent.department)
        with CaptureQueriesContext(connection) as queries:
            counts = services.requests_sync_for_people(
                person_ids=[person.pk for person in (*joiners, *leavers)], actor=administrator.user
            )
        assert counts == {"left": people, "returned": 0, "asked": people}
        assert AcknowledgementRequest.objects.filter(person__in=joiners, status=RequestStatus.PENDING).count() == people
        assert AcknowledgementRequest.objects.filter(person__in=leavers, status=RequestStatus.LEFT).count() == people
        return len(queries)

    assert sync(1) == sync(20)
    assert AuditEvent.objects.filter(action="acknowledgements.requests.ask", actor=administrator.user).count() == 21
    assert AuditEvent.objects.filter(action="acknowledgements.requests.leave", actor=administrator.user).count() == 21
