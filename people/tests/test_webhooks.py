"""A deactivated person is announced to webhook receivers: from the admin, an HR import or SCIM alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.services import people_import, person_deactivate
from people.tests.factories import StaffProfileFactory
from webhooks.models import EventType
from webhooks.tests.factories import EndpointFactory, announced

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    return EndpointFactory(events=[EventType.PERSON_DEACTIVATED])


def test_a_deactivation_is_announced_once(endpoint, agent, administrator) -> None:
    person_deactivate(user=agent.user, actor=administrator.user)
    person_deactivate(user=agent.user, actor=administrator.user)  # inactive already: nothing happens

    [payload] = announced(EventType.PERSON_DEACTIVATED)
    assert {key: payload[key] for key in ("person", "user", "employee_id")} == {
        "person": agent.pk,
        "user": agent.user_id,
        "employee_id": agent.employee_id,
    }
    assert payload["at"]


def hr_file(staying: list, leaving: list) -> bytes:
    header = "employee_id,first_name,last_name,email,department_code,manager_employee_id,job_title,language,active\n"
    rows = [
        f"{p.employee_id},{p.user.first_name},{p.user.last_name},{p.user.email},SUP,,{p.job_title},en,{active}\n"
        for p, active in (*((p, "true") for p in staying), *((p, "false") for p in leaving))
    ]
    return (header + "".join(rows)).encode()


def test_each_leaver_of_an_hr_import_is_announced(endpoint, support) -> None:
    staying, *leaving = StaffProfileFactory.create_batch(3, department=support)

    people_import(content=hr_file([staying], leaving), actor=None)

    assert sorted(p["person"] for p in announced(EventType.PERSON_DEACTIVATED)) == sorted(p.pk for p in leaving)


def test_announcing_an_hr_import_s_leavers_costs_the_same_queries_for_1_or_25(endpoint, support) -> None:
    def queries_to_import(leavers: int) -> int:
        leaving = StaffProfileFactory.create_batch(leavers, department=support)
        with CaptureQueriesContext(connection) as captured:
            people_import(content=hr_file([], leaving), actor=None)
        return len(captured)

    assert queries_to_import(1) == queries_to_import(25)
    assert len(announced(EventType.PERSON_DEACTIVATED)) == 26
