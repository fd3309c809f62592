from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.models import TokenScope
from audit.models import AuditEvent
from codes.tests.factories import SectionFactory
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion
from training.tests.factories import AssignmentFactory, CompletionFactory, CourseFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
ASSIGNMENTS = "/api/v1/assignments/"
COMPLETIONS = "/api/v1/completions/"


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def course(db):
    return CourseFactory(title="Customer service essentials", refresher_interval_months=12)


@pytest.fixture
def other_team(second_manager) -> StaffProfile:
    """Sorin, in Sales, who reports to Radu (the second manager), not to Maria."""
    return StaffProfileFactory(
        user__username="sorin", user__roles=["Agent"], department=DepartmentFactory(code="SAL"), manager=second_manager
    )


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


def test_a_course_is_shown_with_its_sections_audience_and_refresher(api_as, agent, support, draft) -> None:
    section = draft.sections.get(position=2)
    course = CourseFactory(title="Privacy", document=draft.document, refresher_interval_months=6, is_mandatory=False)
    course.sections.set([section])
    course.audience_departments.set([support])

    response = api_as(agent).get(f"{COURSES}{course.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": course.pk,
        "title": "Privacy",
        "description": course.description,
        "document": draft.document.pk,
        "sections": [section.pk],
        "refresher_interval_months": 6,
        "audience_departments": [support.pk],
        "mandatory": False,
        "active": True,
        "created_at": course.created_at.astimezone(timezone.get_current_timezone()).isoformat(),
    }


def test_inactive_courses_are_listed_only_to_those_who_may_change_courses(api_as, agent, manager, course) -> None:
    retired = CourseFactory(is_active=False)

    assert _ids(api_as(agent).get(COURSES)) == [course.pk]
    assert _ids(api_as(manager).get(COURSES)) == [course.pk, retired.pk]
    assert api_as(agent).get(f"{COURSES}{retired.pk}/").status_code == 404


def test_the_active_filter_lists_the_inactive_courses(api_as, manager, course) -> None:
    retired = CourseFactory(is_active=False)

    assert _ids(api_as(manager).get(COURSES, {"active": "false"})) == [retired.pk]


def test_training_is_refused_to_a_person_without_a_role(api_as, outsider, course) -> None:
    response = api_as(outsider).get(COURSES)

    assert response.status_code == 403
    assert response.json() == {"type": "permission_denied", "detail": "You may not see training."}


@pytest.mark.parametrize("rows", [1, 25])
def test_the_course_list_takes_the_same_queries_whatever_its_length(
    api_as, compliance_officer, support, django_assert_num_queries, rows: int
) -> None:
    for course in CourseFactory.create_batch(rows):
        course.sections.set([SectionFactory()])
        course.audience_departments.set([support])
    client = api_as(compliance_officer)

    # The token with its owner; the conditional UPDATE of its last use; the owner's permissions and
    # their roles'; the page of courses; their sections; their departments.
    with django_assert_num_queries(6):
        response = client.get(COURSES)

    assert len(response.json()["results"]) == rows


# ---------------------------------------------------------------------------
# Assignments
# ---------------------------------------------------------------------------


def test_an_assignment_is_shown_with_its_state(api_as, compliance_officer, agent, course) -> None:
    assignment = AssignmentFactory(person=agent, course=course, due_date=_today() - _days(1))

    response = api_as(compliance_officer).get(f"{ASSIGNMENTS}{assignment.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": assignment.pk,
        "person": agent.pk,
        "course": course.pk,
        "reason": "initial",
        "note": "",
        "due_date": (_today() - _days(1)).isoformat(),
        "status": "open",
        "overdue": True,
        "assigned_by": None,
        "created_at": assignment.created_at.astimezone(timezone.get_current_timezone()).isoformat(),
        "completed_at": None,
        "completion": None,
    }


def test_retraining_names_the_person_who_assigned_it(api_as, compliance_officer, agent, manager, course) -> None:
    assignment = AssignmentFactory(
        person=agent, course=course, reason=AssignmentReason.RETRAINING, note="Complaint", assigned_by=manager.user
    )

    body = api_as(compliance_officer).get(f"{ASSIGNMENTS}{assignment.pk}/").json()

    assert (body["reason"], body["note"], body["assigned_by"]) == ("retraining", "Complaint", manager.pk)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("compliance_officer", {"agent", "manager", "other_team"}),
        ("administrator", {"agent", "manager", "other_team"}),
        ("manager", {"agent", "manager"}),
        ("second_manager", {"other_team"}),
        ("agent", {"agent"}),
        ("other_team", {"other_team"}),
    ],
)
def test_each_role_lists_the_assignments_its_training_pages_show(
    api_as, request: pytest.FixtureRequest, course, role: str, sees: set[str]
) -> None:
    holders = {name: request.getfixturevalue(name) for name in ("agent", "manager", "other_team")}
    assignments = {name: AssignmentFactory(person=person, course=course) for name, person in holders.items()}

    ids = _ids(api_as(request.getfixturevalue(role)).get(ASSIGNMENTS))

    assert ids == sorted(assignments[name].pk for name in sees)


def test_an_assignment_of_another_team_is_not_found(api_as, manager, other_team, course) -> None:
    assignment = AssignmentFactory(person=other_team, course=course)

    response = api_as(manager).get(f"{ASSIGNMENTS}{assignment.pk}/")

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_the_assignment_filters_combine(api_as, compliance_officer, agent, manager, course) -> None:
    other_course = CourseFactory()
    late = AssignmentFactory(person=agent, course=course, due_date=_today() - _days(3))
    AssignmentFactory(person=agent, course=other_course, due_date=_today() - _days(3))
    AssignmentFactory(person=manager, course=course, due_date=_today() - _days(3))
    AssignmentFactory(person=agent, course=course, due_date=_today() + _days(3), status=AssignmentStatus.CANCELLED)

    ids = _ids(
        api_as(compliance_officer).get(
            ASSIGNMENTS, {"course": course.pk, "person": agent.pk, "status": "open", "overdue": "true"}
        )
    )

    assert ids == [late.pk]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"due_before": 5}, ["early", "middle"]),
        ({"due_after": 5}, ["middle", "late"]),
        ({"due_after": 1, "due_before": 10}, ["middle"]),
        ({"overdue": "false"}, ["middle", "late"]),
        ({"overdue": "true"}, ["early"]),
    ],
)
def test_assignments_are_filtered_by_due_date_and_lateness(
    api_as, compliance_officer, agent, query: dict, listed: list[str]
) -> None:
    due_in = {"early": -5, "middle": 5, "late": 15}
    made = {name: AssignmentFactory(person=agent, due_date=_today() + _days(days)) for name, days in due_in.items()}
    # Days from today, as dates.
    query = {
        key: (_today() + _days(value)).isoformat() if key.startswith("due") else value for key, value in query.items()
    }

    ids = _ids(api_as(compliance_officer).get(ASSIGNMENTS, query))

    assert ids == [made[name].pk for name in listed]


def test_the_department_filter_takes_the_departments_below(api_as, compliance_officer, support, agent) -> None:
    tier2 = DepartmentFactory(code="T2", parent=support)
    deep = AssignmentFactory(person=StaffProfileFactory(department=DepartmentFactory(code="T3", parent=tier2)))
    in_support = AssignmentFactory(person=agent)
    AssignmentFactory(person=StaffProfileFactory(department=DepartmentFactory(code="SAL")))

    assert _ids(api_as(compliance_officer).get(ASSIGNMENTS, {"department": tier2.pk})) == [deep.pk]
    assert _ids(api_as(compliance_officer).get(ASSIGNMENTS, {"department": support.pk})) == [deep.pk, in_support.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "late"},
        {"overdue": "maybe"},
        {"due_before": "yesterday"},
        {"course": "one"},
        {"person": "1.5"},
        {"department": 10**6},
    ],
)
def test_a_filter_that_cannot_be_read_is_a_validation_error(api_as, compliance_officer, query) -> None:
    response = api_as(compliance_officer).get(ASSIGNMENTS, query)

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == list(query)


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ("due_before", "Give a value, or leave the parameter out."),
        ("course", "Give a value, or leave the parameter out."),
        ("status", "Give a value, or leave the parameter out."),
        ("overdue", "Give true or false."),
    ],
)
def test_a_filter_given_empty_is_refused_rather_than_ignored(
    api_as, compliance_officer, parameter: str, message: str
) -> None:
    response = api_as(compliance_officer).get(ASSIGNMENTS, {parameter: ""})

    assert response.status_code == 400
    assert response.json()["errors"] == {parameter: [message]}


def test_an_unknown_parameter_is_refused(api_as, compliance_officer) -> None:
    response = api_as(compliance_officer).get(ASSIGNMENTS, {"due": "2027-01-01"})

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"


@pytest.mark.parametrize("rows", [1, 25])
def test_the_assignment_list_takes_the_same_queries_whatever_its_length(
    api_as, manager, django_assert_num_queries, rows: int
) -> None:
    for person in StaffProfileFactory.create_batch(rows, manager=manager):
        AssignmentFactory(person=person, assigned_by=manager.user)
    client = api_as(manager)

    # The token with its owner; the conditional UPDATE of its last use; the owner's permissions and
    # their roles'; the page of assignments (the team as a subquery, the assigner's profile joined).
    with django_assert_num_queries(4):
        response = client.get(ASSIGNMENTS)

    assert len(response.json()["results"]) == rows


# ---------------------------------------------------------------------------
# Completions: reading
# ---------------------------------------------------------------------------


def test_a_completion_is_shown_with_who_recorded_it(api_as, agent, manager, course) -> None:
    completion = CompletionFactory(
        person=agent, course=course, recorded_by=manager.user, score=80, external_id="lms-1", completed_on=_today()
    )

    response = api_as(agent).get(f"{COMPLETIONS}{completion.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": completion.pk,
        "person": agent.pk,
        "course": course.pk,
        "completed_on": _today().isoformat(),
        "score": 80,
        "evidence_note": "",
        "session": None,
        "external_id": "lms-1",
        "recorded_by": manager.pk,
        "created_at": completion.created_at.astimezone(timezone.get_current_timezone()).isoformat(),
    }


def test_an_agent_lists_only_their_own_completions(api_as, agent, manager, other_team, course) -> None:
    own = CompletionFactory(person=agent, course=course)
    CompletionFactory(person=manager, course=course)
    CompletionFactory(person=other_team, course=course)

    assert _ids(api_as(agent).get(COMPLETIONS)) == [own.pk]


def test_a_manager_lists_their_teams_completions_and_not_another_teams(
    api_as, agent, manager, other_team, course
) -> None:
    theirs = CompletionFactory(person=agent, course=course)
    own = CompletionFactory(person=manager, course=course)
    CompletionFactory(person=other_team, course=course)

    assert _ids(api_as(manager).get(COMPLETIONS)) == [theirs.pk, own.pk]


def test_completions_are_filtered_by_day_course_person_and_external_id(
    api_as, compliance_officer, agent, manager, course
) -> None:
    recent = CompletionFactory(person=agent, course=course, completed_on=_today() - _days(1), external_id="lms-9")
    CompletionFactory(person=agent, course=course, completed_on=_today() - _days(40))
    CompletionFactory(person=manager, course=course, completed_on=_today() - _days(1))
    CompletionFactory(person=agent, completed_on=_today() - _days(1))
    client = api_as(compliance_officer)
    since = (_today() - _days(10)).isoformat()

    assert _ids(client.get(COMPLETIONS, {"course": course.pk, "person": agent.pk, "completed_after": since})) == [
        recent.pk
    ]
    assert _ids(client.get(COMPLETIONS, {"external_id": "lms-9"})) == [recent.pk]
    assert len(_ids(client.get(COMPLETIONS, {"completed_before": since}))) == 1


@pytest.mark.parametrize("rows", [1, 25])
def test_the_completion_list_takes_the_same_queries_whatever_its_length(
    api_as, compliance_officer, manager, django_assert_num_queries, rows: int
) -> None:
    CompletionFactory.create_batch(rows, recorded_by=manager.user)
    client = api_as(compliance_officer)

    # The token with its owner; the conditional UPDATE of its last use; the owner's permissions and
    # their roles'; the page of completions (the recorder's profile joined).
    with django_assert_num_queries(4):
        response = client.get(COMPLETIONS)

    assert len(response.json()["results"]) == rows


# ---------------------------------------------------------------------------
# Completions: recording from an LMS
# ---------------------------------------------------------------------------


def _lms_completion(person: StaffProfile, course, /, **changes) -> dict:
    return {
        "course": course.pk,
        "person": person.pk,
        "completed_on": (_today() - _days(1)).isoformat(),
        "score": 91,
        "external_id": "lms-42",
        **changes,
    }


def test_an_lms_records_a_completion_which_closes_the_assignment(api_as, manager, agent, course) -> None:
    assignment = AssignmentFactory(person=agent, course=course)

    response = api_as(manager).post(COMPLETIONS, _lms_completion(agent, course), format="json")

    assert response.status_code == 201, response.json()
    completion = Completion.objects.get(external_id="lms-42")
    assert response.json()["id"] == completion.pk
    assert (completion.person, completion.course, completion.score) == (agent, course, 91)
    assert completion.recorded_by == manager.user
    assignment.refresh_from_db()
    assert (assignment.status, assignment.completion) == (AssignmentStatus.COMPLETED, completion)
    assert Assignment.objects.open().get(person=agent, course=course).reason == AssignmentReason.REFRESHER
    event = AuditEvent.objects.get(action="training.completion.record")
    assert (event.actor, event.details["external_id"]) == (manager.user, "lms-42")


def test_the_same_completion_sent_again_answers_200_with_the_same_body(api_as, manager, agent, course) -> None:
    client = api_as(manager)
    first = client.post(COMPLETIONS, _lms_completion(agent, course), format="json")

    again = client.post(COMPLETIONS, _lms_completion(agent, course), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Completion.objects.count() == 1
    assert AuditEvent.objects.filter(action="training.completion.record").count() == 1


def test_the_same_external_id_with_another_score_is_a_conflict(api_as, manager, agent, course) -> None:
    client = api_as(manager)
    client.post(COMPLETIONS, _lms_completion(agent, course), format="json")

    response = client.post(COMPLETIONS, _lms_completion(agent, course, score=50), format="json")

    assert response.status_code == 409
    assert response.json()["type"] == "conflict"
    assert "another person, course, date or score" in response.json()["detail"]
    assert Completion.objects.get().score == 91


def test_a_completion_may_name_the_person_by_employee_id(api_as, manager, agent, course) -> None:
    payload = _lms_completion(agent, course)
    del payload["person"]
    payload["employee_id"] = agent.employee_id

    response = api_as(manager).post(COMPLETIONS, payload, format="json")

    assert response.status_code == 201
    assert response.json()["person"] == agent.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"course": 10**6}, "course"),
        ({"completed_on": "tomorrow"}, "completed_on"),
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 256}, "external_id"),
        ({"person": None}, "person"),
    ],
)
def test_a_completion_that_cannot_be_read_is_refused_with_the_field_at_fault(
    api_as, manager, agent, course, changes: dict, field: str
) -> None:
    response = api_as(manager).post(COMPLETIONS, _lms_completion(agent, course, **changes), format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == [field]
    assert not Completion.objects.exists()


def test_a_completion_dated_in_the_future_is_refused(api_as, manager, agent, course) -> None:
    tomorrow = (_today() + _days(1)).isoformat()

    response = api_as(manager).post(COMPLETIONS, _lms_completion(agent, course, completed_on=tomorrow), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"completed_on": ["A completion cannot be dated in the future."]}


def test_a_person_outside_the_managers_team_is_unknown_to_them(api_as, manager, other_team, course) -> None:
    response = api_as(manager).post(COMPLETIONS, _lms_completion(other_team, course), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["person"]
    assert not Completion.objects.exists()


def test_the_person_is_named_once_not_twice(api_as, manager, agent, course) -> None:
    payload = _lms_completion(agent, course, employee_id=agent.employee_id)

    response = api_as(manager).post(COMPLETIONS, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"person": ["Give the person's id or their employee id, one of the two."]}


@pytest.mark.parametrize("role", ["agent", "compliance_officer", "administrator", "outsider"])
def test_those_who_may_not_record_completions_are_refused(
    api_as, request: pytest.FixtureRequest, agent, course, role: str
) -> None:
    response = api_as(request.getfixturevalue(role)).post(COMPLETIONS, _lms_completion(agent, course), format="json")

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    assert not Completion.objects.exists()


def test_a_read_token_may_not_record_a_completion(api_as, manager, agent, course) -> None:
    client = api_as(manager, scope=TokenScope.READ)

    response = client.post(COMPLETIONS, _lms_completion(agent, course), format="json")

    assert response.status_code == 403
    assert not Completion.objects.exists()


def test_a_query_parameter_on_the_creation_is_refused(api_as, manager, agent, course) -> None:
    response = api_as(manager).post(f"{COMPLETIONS}?dry_run=1", _lms_completion(agent, course), format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"
    assert not Completion.objects.exists()
