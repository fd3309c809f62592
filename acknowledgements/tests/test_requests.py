"""Who is asked to acknowledge a published version, and when."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from codes import services as code_services
from codes.tests.factories import publish, start_revision
from people.services import people_import, person_deactivate, person_hire, person_move
from people.tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def asked(version) -> set[str]:
    return set(AcknowledgementRequest.objects.filter(version=version).values_list("person__user__username", flat=True))


def publish_now(version, manager, second_manager, **kwargs):
    """Publish and run what happens after the commit (asking the audience)."""
    version = publish(version, author=manager.user, approver=second_manager.user, **kwargs)
    services.requests_create_for_version(version=version)
    return version


def test_publication_asks_every_active_person_once(draft, manager, second_manager, agent, compliance_officer):
    leaver = StaffProfileFactory(user__username="gone")
    person_deactivate(user=leaver.user, actor=None)

    version = publish_now(draft, manager, second_manager)

    assert asked(version) == {"maria", "radu", "ana", "cora"}
    assert services.requests_create_for_version(version=version) == 0, "running again asks nobody twice"


def test_publication_is_picked_up_after_commit(
    draft, manager, second_manager, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, author=manager.user, approver=second_manager.user)

    assert "ana" in asked(draft)


@time_machine.travel(datetime.datetime(2026, 5, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_the_due_date_is_publication_plus_the_days_to_acknowledge(draft, manager, second_manager, agent) -> None:
    version = publish_now(draft, manager, second_manager)

    assert AcknowledgementRequest.objects.get(version=version, person=agent).due_date == datetime.date(2026, 5, 24)


def test_a_departmental_version_asks_that_department_and_its_sub_departments(
    draft, manager, second_manager, agent, compliance_officer
) -> None:
    operations = DepartmentFactory(code="OPS")
    agent.department.parent = operations
    agent.department.save()
    elsewhere = StaffProfileFactory(user__username="bob", department=DepartmentFactory(code="BIL"))

    version = publish_now(draft, manager, second_manager, departments=[operations])

    assert "ana" in asked(version)
    assert elsewhere.user.username not in asked(version)
    assert "cora" not in asked(version)


def test_a_new_hire_is_asked_for_what_applies_to_them(published, manager, support, django_capture_on_commit_callbacks):
    services.requests_create_for_version(version=published)

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = person_hire(
            profile=StaffProfileFactory.build(user=UserFactory(username="newbie"), department=support), actor=None
        )

    request = AcknowledgementRequest.objects.get(person=newcomer)
    assert request.version == published
    assert request.status == RequestStatus.PENDING


def test_moving_into_the_audience_asks_the_person(draft, manager, second_manager, django_capture_on_commit_callbacks):
    sales = DepartmentFactory(code="SAL")
    mover = StaffProfileFactory(user__username="mover", department=DepartmentFactory(code="BIL"))
    version = publish_now(draft, manager, second_manager, departments=[sales])
    assert "mover" not in asked(version)

    with django_capture_on_commit_callbacks(execute=True):
        person_move(person=mover, department=sales, manager=mover.manager, actor=None)

    assert "mover" in asked(version)


def sign(ack_request: AcknowledgementRequest) -> None:
    services.signature_create(
        ack_request=ack_request, actor=ack_request.person.user, typed_name=ack_request.person.full_name
    )


def next_version(published, manager, second_manager, *, is_major: bool):
    draft = start_revision(published.document, actor=manager.user)
    return publish_now(draft, manager, second_manager, is_major=is_major)


def test_a_major_version_asks_everyone_again(published, manager, second_manager, agent) -> None:
    services.requests_create_for_version(version=published)
    sign(AcknowledgementRequest.objects.get(version=published, person=agent))

    second = next_version(published, manager, second_manager, is_major=True)

    assert "ana" in asked(second)


def test_a_minor_version_does_not_ask_those_who_signed_the_one_it_replaces(
    published, manager, second_manager, agent, compliance_officer
) -> None:
    services.requests_create_for_version(version=published)
    sign(AcknowledgementRequest.objects.get(version=published, person=agent))

    second = next_version(published, manager, second_manager, is_major=False)

    assert "ana" not in asked(second)
    assert "cora" in asked(second), "she had not signed, so she is asked"


def test_pending_requests_of_a_replaced_version_are_marked_replaced(published, manager, second_manager, agent) -> None:
    services.requests_create_for_version(version=published)

    next_version(published, manager, second_manager, is_major=True)

    old = AcknowledgementRequest.objects.get(version=published, person=agent)
    assert old.status == RequestStatus.REPLACED


def test_superseding_updates_the_pending_requests_in_place_without_reading_them_first(
    published, manager, second_manager, agent
) -> None:
    """The UPDATE selects the earlier versions' requests by their version: a join to the versions made Django
    read every request once to find their ids, then again to update them (`id IN (SELECT …)`)."""
    asked_before = services.requests_create_for_version(version=published)
    newer = start_revision(published.document, actor=manager.user)
    newer = publish(newer, author=manager.user, approver=second_manager.user)

    with CaptureQueriesContext(connection) as queries:
        replaced = services.requests_supersede(version=newer)

    assert replaced == asked_before
    [update] = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert 'FROM "acknowledgements_acknowledgementrequest"' not in update, update
    assert AcknowledgementRequest.objects.get(version=published, person=agent).status == RequestStatus.REPLACED


def test_the_publish_page_states_the_minor_version_rule(client, manager, second_manager, draft) -> None:
    code_services.version_submit(version=draft, actor=manager.user)
    code_services.version_approve(version=draft, actor=second_manager.user)
    client.force_login(manager.user)

    page = client.get(f"/codes/{draft.document.slug}/v1/publish/").content.decode()

    assert "Minor: those who signed the previous version are not asked again" in page


@pytest.mark.parametrize("people", [1, 30])
def test_asking_the_audience_costs_the_same_queries_for_1_or_30_people(
    draft, manager, second_manager, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)
    version = publish(draft, author=manager.user, approver=second_manager.user)

    # savepoint, savepoint of requests_supersede, replaced requests (one UPDATE), release, the
    # replaced version, one INSERT … SELECT of the audience, release
    with django_assert_num_queries(7):
        created = services.requests_create_for_version(version=version)

    assert created == AcknowledgementRequest.objects.filter(version=version).count() > people


def test_an_hr_import_asks_its_joiners_and_movers_through_the_receivers(
    published, manager, agent, support, django_capture_on_commit_callbacks
) -> None:
    """The import announces the people it hires and moves; the receivers here ask them as for one hire or move."""
    services.requests_create_for_version(version=published)
    billing = DepartmentFactory(name="Billing", code="BIL")
    mover = StaffProfileFactory(employee_id="MOV", user__username="mover", department=billing)
    content = (
        "employee_id,first_name,last_name,email,department_code\n"
        f"MOV,{mover.user.first_name},{mover.user.last_name},{mover.user.email},SUP\n"
        "NEW,Nora,Nistor,nora@example.com,SUP\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        people_import(content=content, actor=None)

    assert {"mover", "nora@example.com"} <= asked(published)
