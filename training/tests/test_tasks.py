"""What training gives to My tasks: training to complete, sessions whose attendance is to be recorded, and
the team's overdue training."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from training import selectors
from training.services import sessions

from .factories import AssignmentFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_a_session_that_took_place_waits_for_the_manager_of_those_enrolled(past_session, manager, agent) -> None:
    EnrolmentFactory(session=past_session, person=agent)

    assert list(selectors.sessions_awaiting_attendance_by(manager.user)) == [past_session]


def test_a_session_leaves_the_list_once_its_attendance_is_recorded(past_session, manager, agent) -> None:
    EnrolmentFactory(session=past_session, person=agent)

    sessions.attendance_record(session=past_session, actor=manager.user, attended_ids={agent.pk})

    assert not selectors.sessions_awaiting_attendance_by(manager.user).exists()


def test_another_teams_enrolment_is_not_the_managers_to_record(past_session, second_manager, agent) -> None:
    EnrolmentFactory(session=past_session, person=agent)

    assert not selectors.sessions_awaiting_attendance_by(second_manager.user).exists()


def test_an_upcoming_or_cancelled_session_has_no_attendance_to_record(session, past_session, manager, agent) -> None:
    EnrolmentFactory(session=session, person=agent)
    EnrolmentFactory(session=past_session, person=agent)
    past_session.cancelled = True
    past_session.save(update_fields=["cancelled"])

    assert not selectors.sessions_awaiting_attendance_by(manager.user).exists()


def test_someone_who_may_not_record_completions_has_no_sessions_to_record(
    past_session, agent, compliance_officer
) -> None:
    EnrolmentFactory(session=past_session, person=agent)

    for person in (agent, compliance_officer):
        assert selectors.sessions_awaiting_attendance_by(person.user).query.is_empty()


def test_a_persons_open_training_is_theirs_to_complete_until_completed(agent) -> None:
    assignment = AssignmentFactory(person=agent)
    AssignmentFactory(person=agent, status="cancelled")

    assert list(selectors.open_assignments_of_user(agent.user)) == [assignment]


def test_a_managers_team_overdue_training_is_their_task(manager, second_manager, agent) -> None:
    overdue = AssignmentFactory(person=agent, due_date=timezone.localdate() - datetime.timedelta(days=1))
    AssignmentFactory(person=agent)

    assert list(selectors.overdue_of_team(manager.user)) == [overdue]
    assert not selectors.overdue_of_team(second_manager.user).exists()
    assert selectors.overdue_of_team(agent.user).query.is_empty()
