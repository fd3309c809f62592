"""A manager's team, a person's training page, retraining and completions recorded by hand."""

from __future__ import annotations

import pytest

from people.tests.factories import StaffProfileFactory
from training.models import Assignment, AssignmentReason, Completion
from training.tests.factories import AssignmentFactory, CompletionFactory, CourseFactory

from .helpers import NOT_FOUND, REFUSED, TEAM, days, messages_of, page_of, shows, today

pytestmark = pytest.mark.django_db


def test_a_manager_sees_their_team_with_open_overdue_and_completed_counts(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course, due_date=today() - days(1))
    AssignmentFactory(person=agent, course=CourseFactory())
    CompletionFactory(person=agent, course=CourseFactory(), recorded_by=manager.user)
    client.force_login(manager.user)

    people = list(client.get(TEAM).context["page"])

    assert [(p.full_name, p.open_count, p.overdue_count, p.completed_count) for p in people] == [
        (agent.full_name, 2, 1, 1)
    ]


def test_an_agent_cannot_open_the_team_page(client, agent) -> None:
    client.force_login(agent.user)

    response = client.get(TEAM)

    assert response.status_code == 403
    assert shows(response, REFUSED)


@pytest.mark.parametrize("rows", [1, 20])
def test_the_team_page_costs_the_same_queries_for_1_or_20_people(
    client, manager, support, course, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support, manager=manager):
        AssignmentFactory(person=person, course=course)
    client.force_login(manager.user)

    # session, user, permissions (own and roles', one query), count, unread notifications, my tasks (navigation),
    # one page of people with their open, overdue and completed counts as subqueries
    with django_assert_num_queries(7):
        response = client.get(TEAM)
    assert response.status_code == 200
    people = list(response.context["page"])
    assert [person.open_count for person in people] == [1] * rows
    assert shows(response, *(person.full_name for person in people))


def test_a_manager_opens_a_direct_reports_page(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)
    client.force_login(manager.user)

    response = client.get(f"/training/people/{agent.pk}/")

    assert response.status_code == 200
    assert [a.course for a in response.context["page"]] == [course]
    assert shows(response, f"Training of {agent.full_name}", course.title, "Assign retraining", "Record a completion")


def test_a_manager_does_not_find_someone_from_another_team(client, second_manager, agent) -> None:
    client.force_login(second_manager.user)

    page = client.get(f"/training/people/{agent.pk}/")
    retraining = client.get(f"/training/people/{agent.pk}/retraining/")

    assert (page.status_code, retraining.status_code) == (404, 404)
    assert shows(page, NOT_FOUND)
    assert not shows(page, agent.full_name)
    assert shows(retraining, NOT_FOUND)


def test_an_agent_does_not_find_a_colleagues_page(client, agent, manager) -> None:
    client.force_login(agent.user)

    response = client.get(f"/training/people/{manager.pk}/")

    assert response.status_code == 404
    assert shows(response, NOT_FOUND)
    assert not shows(response, f"Training of {manager.full_name}")


@pytest.mark.parametrize("rows", [1, 20])
def test_a_persons_page_costs_the_same_queries_for_1_or_20_rows(
    client, manager, agent, rows, django_assert_num_queries
) -> None:
    for _ in range(rows):
        course = CourseFactory()
        AssignmentFactory(person=agent, course=course, assigned_by=manager.user)
        CompletionFactory(person=agent, course=course, recorded_by=manager.user)
    client.force_login(manager.user)

    # session, user, permissions (own and roles', one query), the person with user, department and manager,
    # count and one page of assignments with course, assigner and completion, unread notifications, my tasks
    # (navigation),
    # count and one page of completions with course and session, whether the person is in the viewer's team
    with django_assert_num_queries(11):
        response = client.get(f"/training/people/{agent.pk}/")
    assert response.status_code == 200
    assert (len(response.context["page"]), len(response.context["completions"])) == (min(rows, 25), min(rows, 25))
    assert shows(response, *(assignment.course.title for assignment in response.context["page"]))


def test_a_manager_assigns_retraining_to_a_direct_report(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/",
        {"course": course.pk, "due_date": (today() + days(10)).isoformat(), "note": "Breach of the code on 3 March"},
    )

    assert response["Location"] == f"/training/people/{agent.pk}/"
    assignment = Assignment.objects.get(person=agent, reason=AssignmentReason.RETRAINING)
    assert (assignment.note, assignment.assigned_by) == ("Breach of the code on 3 March", manager.user)


def test_the_retraining_form_asks_for_the_reason(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/", {"course": course.pk, "due_date": today().isoformat(), "note": ""}
    )

    assert response.status_code == 200
    assert "This field is required." in page_of(response)
    assert not Assignment.objects.exists()


def test_retraining_refused_for_an_open_assignment_says_so(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/",
        {"course": course.pk, "due_date": today().isoformat(), "note": "Complaint of 3 March"},
    )

    assert response.status_code == 200
    assert any("already has an open initial assignment" in message for message in messages_of(response))


def test_compliance_assigns_retraining_to_anyone(client, compliance_officer, second_manager, course) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(
        f"/training/people/{second_manager.pk}/retraining/",
        {"course": course.pk, "due_date": today().isoformat(), "note": "Complaint of 3 March"},
    )

    assert response["Location"] == f"/training/people/{second_manager.pk}/"
    assert Assignment.objects.filter(person=second_manager, reason=AssignmentReason.RETRAINING).exists()


def test_an_administrator_sees_the_status_but_cannot_assign_retraining(client, administrator, agent) -> None:
    client.force_login(administrator.user)

    page = client.get(f"/training/people/{agent.pk}/")
    form = client.get(f"/training/people/{agent.pk}/retraining/")

    assert (page.status_code, form.status_code) == (200, 403)
    assert shows(page, f"Training of {agent.full_name}")
    assert not shows(page, "Assign retraining")
    assert shows(form, REFUSED)


def test_a_manager_records_a_completion_by_hand(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/completions/new/",
        {"course": course.pk, "completed_on": today().isoformat(), "score": 95, "evidence_note": "E-learning"},
    )

    assert response["Location"] == f"/training/people/{agent.pk}/"
    completion = Completion.objects.get(person=agent)
    assert (completion.score, completion.evidence_note, completion.recorded_by) == (95, "E-learning", manager.user)
    followed = client.get(response["Location"])
    assert f"Completion recorded for {agent.full_name}." in messages_of(followed)
