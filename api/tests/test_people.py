from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from codes.tests.factories import DraftFactory
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.models import AssignmentStatus
from training.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
DEPARTMENTS = "/api/v1/departments/"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _ask(person: StaffProfile, version, status: str, *, days_left: int) -> None:
    AcknowledgementRequest.objects.create(
        person=person,
        version=version,
        status=status,
        due_date=timezone.localdate() + datetime.timedelta(days=days_left),
        waiver_reason="On long leave." if status == RequestStatus.WAIVED else "",
    )


def test_a_person_is_shown_with_their_details(api_as, compliance_officer, agent, manager, support) -> None:
    response = api_as(compliance_officer).get(f"{PEOPLE}{agent.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": agent.pk,
        "employee_id": agent.employee_id,
        "name": agent.full_name,
        "email": "ana@example.com",
        "department": support.pk,
        "manager": manager.pk,
        "job_title": "Support agent",
        "language": "en",
        "active": True,
        "status": {
            "acknowledgements": {
                "pending": 0,
                "signed": 0,
                "waived": 0,
                "superseded": 0,
                "withdrawn": 0,
                "left": 0,
                "overdue": 0,
            },
            "training": {"open": 0, "overdue": 0},
        },
    }


def test_the_status_counts_requests_per_state_and_the_overdue_ones(api_as, compliance_officer, agent) -> None:
    _ask(agent, DraftFactory(), RequestStatus.PENDING, days_left=-1)
    _ask(agent, DraftFactory(), RequestStatus.PENDING, days_left=3)
    _ask(agent, DraftFactory(), RequestStatus.SIGNED, days_left=-5)
    _ask(agent, DraftFactory(), RequestStatus.WAIVED, days_left=-5)
    AssignmentFactory(person=agent, due_date=timezone.localdate() - datetime.timedelta(days=1))
    AssignmentFactory(person=agent)
    AssignmentFactory(person=agent, status=AssignmentStatus.COMPLETED, completed_at=timezone.now())

    status = api_as(compliance_officer).get(f"{PEOPLE}{agent.pk}/").json()["status"]

    assert status["acknowledgements"] == {
        "pending": 2,
        "signed": 1,
        "waived": 1,
        "superseded": 0,
        "withdrawn": 0,
        "left": 0,
        "overdue": 1,
    }
    assert status["training"] == {"open": 2, "overdue": 1}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (
            "compliance_officer",
            {"compliance_officer", "administrator", "manager", "second_manager", "agent", "outsider"},
        ),
        ("administrator", {"compliance_officer", "administrator", "manager", "second_manager", "agent", "outsider"}),
        ("manager", {"manager", "agent"}),
        ("second_manager", {"second_manager"}),
        ("agent", {"agent"}),
        ("outsider", {"outsider"}),
    ],
)
def test_each_role_lists_whom_the_people_pages_show_it(
    api_as, request: pytest.FixtureRequest, role: str, sees: set[str]
) -> None:
    cast = {
        name: request.getfixturevalue(name)
        for name in ("compliance_officer", "administrator", "manager", "second_manager", "agent", "outsider")
    }

    ids = _ids(api_as(cast[role]).get(PEOPLE))

    assert sorted(ids) == sorted(cast[name].pk for name in sees)


def test_a_person_one_may_not_see_is_not_found(api_as, agent, outsider) -> None:
    response = api_as(agent).get(f"{PEOPLE}{outsider.pk}/")

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_a_manager_who_lost_the_role_sees_only_themselves(api_as, manager, agent) -> None:
    manager.user.groups.clear()

    assert _ids(api_as(manager).get(PEOPLE)) == [manager.pk]


def test_the_department_filter_takes_the_departments_below(api_as, compliance_officer, support, agent, manager) -> None:
    tier2 = DepartmentFactory(name="Tier 2", code="T2", parent=support)
    deep = StaffProfileFactory(department=DepartmentFactory(name="Tier 3", code="T3", parent=tier2))
    StaffProfileFactory(department=DepartmentFactory(name="Sales", code="SAL"))

    ids = _ids(api_as(compliance_officer).get(PEOPLE, {"department": tier2.pk}))
    everyone_in_support = _ids(api_as(compliance_officer).get(PEOPLE, {"department": support.pk}))

    assert ids == [deep.pk]
    assert sorted(everyone_in_support) == sorted([manager.pk, agent.pk, deep.pk])


def test_an_unknown_department_is_a_validation_error(api_as, compliance_officer) -> None:
    response = api_as(compliance_officer).get(PEOPLE, {"department": 10**20})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["department"]


def test_the_active_filter_shows_the_leavers(api_as, compliance_officer, agent) -> None:
    agent.user.is_active = False
    agent.user.save()

    assert _ids(api_as(compliance_officer).get(PEOPLE, {"active": "false"})) == [agent.pk]


@pytest.mark.parametrize("value", ["maybe", ""])
def test_a_malformed_boolean_is_a_validation_error(api_as, compliance_officer, value: str) -> None:
    # An empty value too (schemathesis found `?active=` answered with every person): it is neither true nor false.
    response = api_as(compliance_officer).get(PEOPLE, {"active": value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["active"]


def test_the_employee_id_filter_finds_one_person(api_as, compliance_officer, agent) -> None:
    assert _ids(api_as(compliance_officer).get(PEOPLE, {"employee_id": agent.employee_id})) == [agent.pk]


def test_a_nul_character_in_a_filter_is_a_validation_error(api_as, compliance_officer) -> None:
    response = api_as(compliance_officer).get(PEOPLE, {"employee_id": "E\x00"})

    assert response.status_code == 400


@pytest.mark.parametrize("rows", [1, 25])
def test_the_people_list_takes_the_same_queries_whatever_its_length(
    api_as, compliance_officer, draft, django_assert_num_queries, rows: int
) -> None:
    for person in StaffProfileFactory.create_batch(rows):
        _ask(person, draft, RequestStatus.PENDING, days_left=-1)
        AssignmentFactory(person=person)
    client = api_as(compliance_officer)

    # The token with its owner; the conditional UPDATE of its last use; the owner's permissions and
    # their roles' (view_organisation); the page of people with their user and every count as subqueries.
    with django_assert_num_queries(4):
        response = client.get(PEOPLE)

    assert len(response.json()["results"]) == StaffProfile.objects.count()


def test_the_departments_are_listed_with_their_parent(api_as, compliance_officer, support) -> None:
    tier2 = DepartmentFactory(name="Tier 2", code="T2", parent=support)

    results = api_as(compliance_officer).get(DEPARTMENTS).json()["results"]

    assert {"id": tier2.pk, "name": "Tier 2", "code": "T2", "parent": support.pk} in results


def test_the_schema_lets_the_top_department_and_a_person_without_manager_say_null(api_as, compliance_officer) -> None:
    # schemathesis found it: {"parent": null} and {"manager": null} were answered against a schema of integers.
    schema = api_as(compliance_officer).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    components = schema["components"]["schemas"]
    assert components["Department"]["properties"]["parent"]["nullable"] is True
    assert components["Person"]["properties"]["manager"]["nullable"] is True


@pytest.mark.parametrize("role", ["manager", "agent", "outsider"])
def test_departments_are_refused_to_those_who_may_not_see_the_organisation(
    api_as, request: pytest.FixtureRequest, role: str
) -> None:
    response = api_as(request.getfixturevalue(role)).get(DEPARTMENTS)

    assert response.status_code == 403
    assert response.json() == {"type": "permission_denied", "detail": "You may not see the organisation's departments."}


@pytest.mark.parametrize("rows", [1, 25])
def test_the_department_list_takes_the_same_queries_whatever_its_length(
    api_as, compliance_officer, django_assert_num_queries, rows: int
) -> None:
    DepartmentFactory.create_batch(rows)
    client = api_as(compliance_officer)

    # The token with its owner; the conditional UPDATE of its last use; the owner's permissions and
    # their roles'; the page.
    with django_assert_num_queries(4):
        client.get(DEPARTMENTS)
