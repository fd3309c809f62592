"""The rule of "my team", shared by every app that shows a manager their people."""

from __future__ import annotations

import pytest

from people.selectors import managed_by, manages
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_a_manager_manages_the_people_who_report_to_them(manager, agent, second_manager) -> None:
    assert list(managed_by(manager.user)) == [agent]
    assert manages(manager.user, agent)
    assert not manages(second_manager.user, agent)


def test_someone_who_reports_to_a_report_is_not_in_the_managers_team(manager, agent) -> None:
    agent.user.groups.set(manager.user.groups.all())
    below = StaffProfileFactory(manager=agent, department=agent.department)

    assert not manages(manager.user, below)
    assert list(managed_by(agent.user)) == [below]


def test_without_the_manager_role_nobody_is_managed(manager, agent) -> None:
    manager.user.groups.clear()

    assert not managed_by(manager.user).exists()
    assert not manages(manager.user, agent)


def test_an_account_without_a_profile_manages_nobody(django_user_model, agent) -> None:
    account = django_user_model.objects.create_user("technical")

    assert not managed_by(account).exists()
