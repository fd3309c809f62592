"""Managers act only on their own people in training: attendance, completions, cancellation and the list
of enrolees follow the rule acknowledgements use (`people.selectors.managed_by`)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from people.tests.factories import StaffProfileFactory
from training import selectors
from training.models import Assignment, AssignmentStatus, Completion, Enrolment
from training.services import completions, sessions

from .factories import AssignmentFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def mixed(past_session, agent, sales_agent, course):
    """Yesterday's session (planned by Maria) with Ana (Maria's team) and Sorin (Radu's team, Sales) enrolled,
    each with an open assignment for the course."""
    for person in (agent, sales_agent):
        EnrolmentFactory(session=past_session, person=person)
        AssignmentFactory(person=person, course=course)
    return past_session


@pytest.fixture
def overseer(support):
    """Someone who oversees everyone's training and may change sessions (e.g. a head of training)."""
    profile = StaffProfileFactory(user__username="hana", user__roles=["Compliance officer"], department=support)
    profile.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="training", codename__in=["change_trainingsession", "add_completion"]
        )
    )
    return profile


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------


def test_a_manager_cannot_mark_another_teams_enrolee_present(mixed, manager, agent, sales_agent) -> None:
    with pytest.raises(PermissionDenied, match=r"Sorin .* not in your team"):
        sessions.attendance_record(session=mixed, actor=manager.user, attended_ids={agent.pk, sales_agent.pk})

    assert not Completion.objects.exists()
    assert Assignment.objects.open().count() == 2
    assert not AuditEvent.objects.filter(action="training.attendance.record").exists()


def test_a_managers_attendance_leaves_other_teams_enrolees_untouched(mixed, manager, agent, sales_agent) -> None:
    made = sessions.attendance_record(session=mixed, actor=manager.user, attended_ids=set())

    assert made == []
    assert Enrolment.objects.get(session=mixed, person=agent).attended is False
    assert Enrolment.objects.get(session=mixed, person=sales_agent).attended is None


def test_each_manager_records_their_own_people(mixed, manager, second_manager, agent, sales_agent) -> None:
    sessions.attendance_record(session=mixed, actor=manager.user, attended_ids={agent.pk})
    made = sessions.attendance_record(session=mixed, actor=second_manager.user, attended_ids={sales_agent.pk})

    assert [completion.person for completion in made] == [sales_agent]
    assert set(Completion.objects.filter(session=mixed).values_list("person", flat=True)) == {agent.pk, sales_agent.pk}
    assert not Assignment.objects.open().filter(reason="initial").exists()


def test_someone_who_oversees_all_training_records_everyone(mixed, overseer, agent, sales_agent) -> None:
    made = sessions.attendance_record(session=mixed, actor=overseer.user, attended_ids={agent.pk, sales_agent.pk})

    assert {completion.person for completion in made} == {agent, sales_agent}


def test_the_attendance_form_refuses_a_tick_for_another_team(client, mixed, manager, sales_agent) -> None:
    enrolment = Enrolment.objects.get(session=mixed, person=sales_agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{mixed.pk}/attendance/", {"present": [enrolment.pk]})

    assert response.status_code == 400
    assert "Select a valid choice" in page_of(response)
    enrolment.refresh_from_db()
    assert enrolment.attended is None
    assert not Completion.objects.exists()
    assert Assignment.objects.get(person=sales_agent).status == AssignmentStatus.OPEN


# ---------------------------------------------------------------------------
# Completions recorded by hand
# ---------------------------------------------------------------------------


def test_a_manager_cannot_record_a_completion_for_another_team(manager, sales_agent, course) -> None:
    with pytest.raises(PermissionDenied, match=r"Sorin .* not in your team"):
        completions.completion_record(
            person=sales_agent, course=course, completed_on=timezone.localdate(), actor=manager.user
        )

    assert not Completion.objects.exists()


def test_the_completion_form_of_another_teams_person_is_not_found(client, manager, sales_agent, course) -> None:
    client.force_login(manager.user)

    form = client.get(f"/training/people/{sales_agent.pk}/completions/new/")
    sent = client.post(
        f"/training/people/{sales_agent.pk}/completions/new/",
        {"course": course.pk, "completed_on": timezone.localdate().isoformat()},
    )

    assert (form.status_code, sent.status_code) == (404, 404)
    assert "There is nothing here" in page_of(form)
    assert sales_agent.full_name not in page_of(form)
    assert not Completion.objects.exists()


# ---------------------------------------------------------------------------
# Cancelling a session
# ---------------------------------------------------------------------------


def test_another_manager_cannot_cancel_a_session(client, session, second_manager) -> None:
    client.force_login(second_manager.user)

    assert "Cancel this session" not in page_of(client.get(f"/training/sessions/{session.pk}/"))
    response = client.post(f"/training/sessions/{session.pk}/cancel/")

    assert response.status_code == 403
    assert "Only the person who planned this session" in page_of(response)
    session.refresh_from_db()
    assert not session.cancelled
    assert not AuditEvent.objects.filter(action="training.session.cancel").exists()


def test_the_planner_sees_the_cancel_button(client, session, manager) -> None:
    client.force_login(manager.user)

    assert "Cancel this session" in page_of(client.get(f"/training/sessions/{session.pk}/"))


def test_someone_who_oversees_all_training_cancels_any_session(session, overseer) -> None:
    sessions.session_cancel(session=session, actor=overseer.user)

    session.refresh_from_db()
    assert session.cancelled


def test_a_new_session_records_its_planner(manager, course) -> None:
    starts_at = timezone.now() + datetime.timedelta(days=3)

    session = sessions.session_create(
        actor=manager.user,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location="Room 1",
        capacity=3,
    )

    assert session.created_by == manager.user


# ---------------------------------------------------------------------------
# The session page's list of enrolees
# ---------------------------------------------------------------------------


def test_the_session_page_lists_only_the_viewers_people(client, mixed, second_manager, agent, sales_agent) -> None:
    client.force_login(second_manager.user)

    response = client.get(f"/training/sessions/{mixed.pk}/")

    assert [enrolment.person for enrolment in response.context["enrolments"]] == [sales_agent]
    page = page_of(response)
    assert agent.full_name not in page
    assert "1 person from other teams is enrolled too" in page
    # The seats still count everyone.
    assert "2 of 10 taken, 8 left" in page


# ---------------------------------------------------------------------------
# The matrix: each role × each action on a session with Ana (Maria's team) and Sorin (Radu's team)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", {"Ana"}),
        ("second_manager", {"Sorin"}),
        ("agent", None),
        ("compliance_officer", None),
        ("administrator", None),
        ("overseer", None),  # may act on everyone, but holds no permission to open session pages
    ],
)
def test_matrix_the_enrolees_each_role_sees(request, client, mixed, role, sees) -> None:
    client.force_login(request.getfixturevalue(role).user)

    response = client.get(f"/training/sessions/{mixed.pk}/")

    if sees is None:
        assert response.status_code == 403
    else:
        assert {enrolment.person.user.first_name for enrolment in response.context["enrolments"]} == sees


@pytest.mark.parametrize(
    ("role", "completed"),
    [
        ("manager", {"Ana"}),
        ("second_manager", {"Sorin"}),
        ("agent", set()),
        ("compliance_officer", set()),
        ("administrator", set()),
        ("overseer", {"Ana", "Sorin"}),
    ],
)
def test_matrix_whose_attendance_each_role_records(request, mixed, role, completed, agent, sales_agent) -> None:
    actor = request.getfixturevalue(role).user
    present: set[int] = set()
    for person in (agent, sales_agent):
        try:
            sessions.attendance_record(session=mixed, actor=actor, attended_ids=present | {person.pk})
        except PermissionDenied:
            continue
        present.add(person.pk)

    assert set(Completion.objects.values_list("person__user__first_name", flat=True)) == completed


@pytest.mark.parametrize(
    ("role", "cancels"),
    [
        ("manager", True),  # planned it
        ("second_manager", False),
        ("agent", False),
        ("compliance_officer", False),
        ("administrator", False),
        ("overseer", True),
    ],
)
def test_matrix_who_cancels_a_session(request, session, role, cancels) -> None:
    actor = request.getfixturevalue(role).user

    assert selectors.can_cancel_session(actor, session) is cancels
    if cancels:
        sessions.session_cancel(session=session, actor=actor)
    else:
        with pytest.raises(PermissionDenied):
            sessions.session_cancel(session=session, actor=actor)
    session.refresh_from_db()
    assert session.cancelled is cancels
