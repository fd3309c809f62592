"""The person page: one person's acknowledgements, waivers, training, reminders and audit trail, for
compliance and for the person's manager."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from cases.tests.factories import record
from codes.models import Section, VersionStatus
from codes.tests.factories import DraftFactory, SectionFactory
from people import services as people_services
from people.tests.factories import StaffProfileFactory
from reminders.models import DeliveryStatus, ReminderKind, ReminderLog
from training.tests.factories import AssignmentFactory, CompletionFactory

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return f"/people/{person.pk}/"


def ask(person, version=None, *, days: int = 7) -> AcknowledgementRequest:
    version = version or DraftFactory(status=VersionStatus.PUBLISHED, published_at=timezone.now())
    return AcknowledgementRequest.objects.create(
        person=person, version=version, due_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def remind(person, object_id: int) -> ReminderLog:
    return ReminderLog.objects.create(
        kind=ReminderKind.ACKNOWLEDGEMENT,
        object_id=object_id,
        recipient=person.user,
        stage="overdue",
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )


def in_force_today() -> Section:
    """A clause of a version in force since today (straight into the database: only its section is wanted)."""
    version = DraftFactory()
    section = SectionFactory(version=version)
    version.status, version.published_at, version.effective_date = (
        VersionStatus.PUBLISHED,
        timezone.now(),
        timezone.localdate(),
    )
    version.save()
    return section


def fill(person, *, rows: int, actor) -> None:
    """`rows` of every list: requests (signed, waived), assignments, completions, breach cases, reminders, audit
    events."""
    clause = in_force_today()
    for _ in range(rows):
        record(person, clause, actor=actor, occurred_on=timezone.localdate())
        signed = ask(person)
        acknowledgement_services.signature_create(ack_request=signed, actor=person.user, typed_name=person.full_name)
        acknowledgement_services.request_waive(ack_request=ask(person), actor=actor, reason="On leave")
        AssignmentFactory(person=person)
        CompletionFactory(person=person)
        remind(person, signed.pk)


def test_compliance_sees_a_persons_acknowledgements_with_their_receipts(
    client, compliance_officer, agent, published
) -> None:
    signed = ask(agent, published)
    signature = acknowledgement_services.signature_create(
        ack_request=signed, actor=agent.user, typed_name=agent.full_name
    )
    client.force_login(compliance_officer.user)

    response = client.get(url(agent))

    assert response.status_code == 200
    page = response.content.decode()
    assert agent.full_name in page
    assert f'href="/acknowledgements/receipts/{signature.pk}/"' in page
    assert client.get(f"/acknowledgements/receipts/{signature.pk}/").status_code == 200


def test_the_page_lists_the_waivers_with_their_reason(client, compliance_officer, agent) -> None:
    acknowledgement_services.request_waive(ack_request=ask(agent), actor=compliance_officer.user, reason="Long leave")
    client.force_login(compliance_officer.user)

    response = client.get(url(agent))

    assert [ack.waiver_reason for ack in response.context["waivers"]] == ["Long leave"]
    assert "Long leave" in response.content.decode()


def test_compliance_sees_the_training_reminders_and_audit_events_about_the_person(
    client, compliance_officer, administrator, agent, second_manager
) -> None:
    assignment = AssignmentFactory(person=agent, course__title="Privacy essentials")
    CompletionFactory(person=agent, course__title="Complaint handling")
    reminder = remind(agent, assignment.pk)
    people_services.person_move(
        person=agent, department=agent.department, manager=second_manager, actor=administrator.user
    )
    client.force_login(compliance_officer.user)

    response = client.get(url(agent))

    page = response.content.decode()
    assert "Privacy essentials" in page
    assert "Complaint handling" in page
    assert list(response.context["reminders"]) == [reminder]
    assert "Overdue" in page
    assert [event.action for event in response.context["events"]] == ["people.person.move"]
    assert f'href="/training/people/{agent.pk}/"' in page


def test_events_about_other_people_are_not_on_the_page(
    client, compliance_officer, administrator, agent, second_manager
) -> None:
    other = StaffProfileFactory(department=agent.department)
    people_services.person_move(
        person=other, department=other.department, manager=second_manager, actor=administrator.user
    )
    client.force_login(compliance_officer.user)

    assert not client.get(url(agent)).context["events"]


def test_the_manager_sees_their_reports_page_without_the_audit_trail(client, manager, agent) -> None:
    AssignmentFactory(person=agent, course__title="Privacy essentials")
    remind(agent, 1)
    client.force_login(manager.user)

    response = client.get(url(agent))

    assert response.status_code == 200
    assert "Privacy essentials" in response.content.decode()
    assert len(response.context["reminders"]) == 1
    assert "events" not in response.context


@pytest.mark.parametrize("viewer", ["second_manager", "outsider", "agent"])
def test_anybody_but_compliance_and_the_manager_is_told_there_is_no_such_page(request, client, manager, viewer) -> None:
    report = request.getfixturevalue("agent")
    client.force_login(request.getfixturevalue(viewer).user)

    assert client.get(url(report if viewer != "agent" else manager)).status_code == 404


def test_an_unknown_person_is_not_found(client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    assert client.get("/people/999999/").status_code == 404


def test_the_page_asks_an_anonymous_visitor_to_sign_in(client, agent) -> None:
    response = client.get(url(agent))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_refuses_other_methods(client, compliance_officer, agent) -> None:
    client.force_login(compliance_officer.user)

    assert client.post(url(agent)).status_code == 405


def test_each_list_has_pages_of_its_own(client, compliance_officer, agent) -> None:
    fill(agent, rows=11, actor=compliance_officer.user)
    client.force_login(compliance_officer.user)

    response = client.get(url(agent), {"requests_page": 3})

    assert response.context["requests"].number == 3
    assert len(response.context["requests"]) == 2, "22 requests: signed and waived"
    assert response.context["waivers"].number == 1
    assert "?waivers_page=2" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 21])
def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_rows(
    client, django_assert_num_queries, compliance_officer, agent, rows
) -> None:
    fill(agent, rows=rows, actor=compliance_officer.user)
    client.force_login(compliance_officer.user)

    # The session, the user, their permissions (two), the person with user, department and manager; a count
    # and a page of each list: requests with version, signature and waiver, waivers, assignments, completions,
    # breach cases with their clause and version, reminders, audit events with their actors (fourteen); the legal
    # holds in force on the person (privacy's part of the page); unread notifications and my tasks (navigation).
    with django_assert_num_queries(21):
        response = client.get(url(agent))
    assert response.status_code == 200


def test_the_staff_list_links_each_person_to_their_page(client, compliance_officer, agent) -> None:
    client.force_login(compliance_officer.user)

    assert f'href="{url(agent)}"' in client.get("/people/staff/").content.decode()


def test_the_team_page_links_each_report_to_their_page(client, manager, agent) -> None:
    client.force_login(manager.user)

    assert f'href="{url(agent)}"' in client.get("/people/team/").content.decode()


def test_the_dashboards_people_list_links_only_to_pages_that_open(
    client, manager, second_manager, agent, published
) -> None:
    ask(agent, published)
    client.force_login(second_manager.user)

    page = client.get("/acknowledgements/dashboard/people/").content.decode()

    assert f'href="{url(agent)}"' not in page
    client.force_login(manager.user)
    assert f'href="{url(agent)}"' in client.get("/acknowledgements/dashboard/people/").content.decode()
