"""The rule of "my team", shared by every app that shows a manager their people."""

from __future__ import annotations

import pytest
from django.db import connection

from people.selectors import managed_by, manages, staff_directory
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


# --- finding people -------------------------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")

# One per field the search matches by substring, on the expression the search compares (migration 0006).
TRIGRAM_INDEXES = (
    "people_user_full_name_trgm",
    "people_user_email_trgm",
    "people_staffprofile_employee_id_trgm",
    "people_staffprofile_job_title_trgm",
)


@postgresql_only
def test_the_search_can_read_every_field_it_matches_through_an_index() -> None:
    # The planner prefers reading a table this small whole; forbidden that, it uses an index only when the
    # index's expression is exactly the one the query compares, which is what this pins.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = staff_directory(search="Popescu").explain()

    assert [index for index in TRIGRAM_INDEXES if index not in plan] == []
