"""The pages of breach cases: the list, its filters and exports, a case, recording one in two steps (or one with
htmx), deciding its outcome, the breaches per clause, and a person's cases on their page; who sees what."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from audit.models import AuditEvent
from cases.models import Case, Outcome
from codes.tests.factories import FIRST_PUBLISHED, CodeDocumentFactory, DraftFactory, SectionFactory, publish_at
from people.tests.factories import StaffProfileFactory
from training.models import Assignment, AssignmentReason
from training.tests.views.helpers import csv_of, xlsx_of

from .conftest import UNDER_FIRST, UNDER_SECOND, privacy_of
from .factories import record

pytestmark = pytest.mark.django_db

LIST = "/cases/"
NEW = "/cases/new/"


def page_of(response) -> str:
    return response.content.decode()


def due_in_a_month() -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def case_form(history, agent, **extra: object) -> dict[str, object]:
    first, _second = history
    return {
        "person": agent.employee_id,
        "occurred_on": UNDER_FIRST.isoformat(),
        "document": first.document_id,
        "section": privacy_of(first).pk,
        "description": "Left a customer file open on a shared screen.",
        "outcome": Outcome.PENDING,
        **extra,
    }


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_compliance_lists_the_cases_privately(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    response = client.get(LIST)

    assert response.status_code == 200
    assert escape("Ana") in page_of(response)
    assert "2. Privacy" in page_of(response)
    assert "no-store" in response["Cache-Control"]


def test_the_list_is_filtered_by_outcome(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert list(client.get(LIST, {"outcome": "pending"}).context["page"]) == [case]
    assert list(client.get(LIST, {"outcome": "coaching"}).context["page"]) == []


def test_the_navigation_leads_compliance_to_the_cases(client, sign_in, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert 'href="/cases/"' in page_of(client.get("/"))


def test_the_navigation_shows_no_cases_to_a_manager(client, sign_in, settings, manager) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    sign_in(manager)

    assert 'href="/cases/"' not in page_of(client.get("/"))


@pytest.mark.parametrize("url", [LIST, "/cases/clauses/", "/cases/export/csv/", NEW])
def test_the_compliance_pages_refuse_an_agent(client, sign_in, agent, url) -> None:
    sign_in(agent)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, "/cases/clauses/", "/cases/export/csv/", NEW, "/cases/1/"])
def test_the_pages_send_the_anonymous_to_sign_in(client, url) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", [LIST, "/cases/clauses/", "/cases/export/csv/"])
def test_the_read_only_pages_refuse_a_post(client, sign_in, compliance_officer, url) -> None:
    sign_in(compliance_officer)

    assert client.post(url).status_code == 405


@pytest.mark.parametrize("rows", [1, 21])
def test_the_list_costs_the_same_queries_for_1_or_21_cases(
    client, history, compliance_officer, rows, django_assert_num_queries
) -> None:
    _first, second = history
    for _ in range(rows):
        record(StaffProfileFactory(), privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), unread notifications, my tasks (navigation), the
    # filter form's documents and departments, the count, one page of cases with their person, clause and version
    with django_assert_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["page"]) == rows


# ---------------------------------------------------------------------------
# A case
# ---------------------------------------------------------------------------


def test_compliance_opens_a_case_with_the_clause_as_it_read(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert "Verify identity first." in page_of(response)
    assert "Customer Service Code, version 2" in page_of(response)
    assert "no-store" in response["Cache-Control"]


def test_a_case_page_costs_a_fixed_number_of_queries(
    client, case, privacy_course, compliance_officer, django_assert_num_queries
) -> None:
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), the case with its person, clause, version,
    # recorder and assignment, the outcome form's courses, unread notifications, my tasks (navigation)
    with django_assert_num_queries(7):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200


def test_a_manager_opens_their_reports_case_when_the_setting_allows(client, sign_in, settings, case, manager) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    sign_in(manager)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert "Save the outcome" not in page_of(response)


def test_a_manager_may_not_change_the_outcome(client, sign_in, settings, case, manager) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    sign_in(manager)

    response = client.post(f"/cases/{case.pk}/outcome/", {"outcome": "coaching"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.outcome == Outcome.PENDING


@pytest.mark.parametrize("who", ["manager", "agent", "outsider", "second_manager"])
def test_anyone_else_finds_no_case(client, sign_in, case, who, request) -> None:
    sign_in(request.getfixturevalue(who))

    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/outcome/", {"outcome": "coaching"}).status_code == 404


def test_compliance_decides_the_outcome(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    response = client.post(f"/cases/{case.pk}/outcome/", {"outcome": "coaching", "outcome_note": "Talked it through."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.outcome_note) == (Outcome.COACHING, "Talked it through.")
    assert AuditEvent.objects.filter(action="cases.case.outcome", object_id=str(case.pk)).count() == 1


def test_retraining_as_the_outcome_assigns_the_course_that_teaches_the_clause(
    client, sign_in, case, privacy_course, agent, compliance_officer
) -> None:
    sign_in(compliance_officer)

    response = client.post(
        f"/cases/{case.pk}/outcome/", {"outcome": "retraining", "due_date": due_in_a_month(), "course": ""}
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get(person=agent)
    assert (assignment.course, assignment.reason) == (privacy_course, AssignmentReason.RETRAINING)
    assert "Handling personal data" in page_of(client.get(f"/cases/{case.pk}/"))


def test_retraining_without_a_course_for_the_clause_is_refused_on_the_field(
    client, sign_in, case, compliance_officer
) -> None:
    sign_in(compliance_officer)

    response = client.post(f"/cases/{case.pk}/outcome/", {"outcome": "retraining", "due_date": due_in_a_month()})

    assert response.status_code == 400
    assert response.context["form"].errors == {"course": ["Choose the course to retrain the person in."]}


def test_the_outcome_page_refuses_a_get(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert client.get(f"/cases/{case.pk}/outcome/").status_code == 405


# ---------------------------------------------------------------------------
# Recording a case
# ---------------------------------------------------------------------------


def test_the_form_starts_with_the_person_whose_page_linked_to_it(client, sign_in, agent, compliance_officer) -> None:
    sign_in(compliance_officer)

    response = client.get(NEW, {"person": agent.pk})

    assert response.context["form"]["person"].value() == agent.employee_id


def test_without_javascript_the_second_step_offers_the_clauses_in_force_that_day(
    client, sign_in, history, agent, compliance_officer
) -> None:
    first, second = history
    sign_in(compliance_officer)
    form = case_form(history, agent, section="", description="", show_clauses="1")

    before = client.post(NEW, form)
    after = client.post(NEW, {**form, "occurred_on": UNDER_SECOND.isoformat()})

    assert before.status_code == after.status_code == 200
    assert list(before.context["form"].fields["section"].queryset) == list(first.sections.order_by("position"))
    assert list(after.context["form"].fields["section"].queryset) == list(second.sections.order_by("position"))
    assert "There is a problem" not in page_of(before)
    assert not Case.objects.exists()


def test_htmx_refreshes_the_clauses_for_the_day_chosen(client, sign_in, history, compliance_officer) -> None:
    first, second = history
    sign_in(compliance_officer)

    response = client.get(
        "/cases/new/clauses/",
        {"document": first.document_id, "occurred_on": UNDER_SECOND.isoformat()},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert page_of(response).strip().startswith('<div id="clause-field"')
    assert f'value="{privacy_of(second).pk}"' in page_of(response)
    assert f'value="{privacy_of(first).pk}"' not in page_of(response)


def test_compliance_records_a_case(client, sign_in, history, agent, compliance_officer) -> None:
    first, _second = history
    sign_in(compliance_officer)

    response = client.post(NEW, case_form(history, agent))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    assert (case.person, case.section, case.occurred_on) == (agent, privacy_of(first), UNDER_FIRST)


def test_recording_with_retraining_assigns_the_course_chosen(
    client, sign_in, history, privacy_course, agent, compliance_officer
) -> None:
    sign_in(compliance_officer)

    client.post(
        NEW, case_form(history, agent, outcome="retraining", course=privacy_course.pk, due_date=due_in_a_month())
    )

    case = Case.objects.get()
    assert case.assignment == Assignment.objects.get(person=agent, course=privacy_course)


def test_a_date_before_the_first_version_is_refused_on_its_field(
    client, sign_in, history, agent, compliance_officer
) -> None:
    sign_in(compliance_officer)

    response = client.post(NEW, case_form(history, agent, occurred_on="2026-02-01", section=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "occurred_on": ["No version of “Customer Service Code” was in force on 1 Feb 2026."]
    }


def test_a_clause_of_another_version_is_refused_on_its_field(
    client, sign_in, history, agent, compliance_officer
) -> None:
    _first, second = history
    sign_in(compliance_officer)

    response = client.post(NEW, case_form(history, agent, section=privacy_of(second).pk))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["section"]
    assert "not part of the version in force" in page_of(response)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"person": "E-NOBODY"}, "person", "Nobody on the staff has this employee id."),
        ({"occurred_on": "2099-01-01"}, "occurred_on", "The date of a breach cannot be in the future."),
        ({"occurred_on": "yesterday"}, "occurred_on", "Enter a valid date."),
        ({"section": ""}, "section", "Choose the clause breached, among those of the version in force that day."),
        ({"description": ""}, "description", "This field is required."),
        ({"outcome": "fired"}, "outcome", "Select a valid choice. fired is not one of the available choices."),
    ],
)
def test_bad_input_is_refused_on_its_field(
    client, sign_in, history, agent, compliance_officer, change, field, message
) -> None:
    sign_in(compliance_officer)

    response = client.post(NEW, case_form(history, agent, **change))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------
# Exports and the breaches per clause
# ---------------------------------------------------------------------------


def test_the_csv_export_has_a_row_per_case_neutralised_and_is_recorded(
    client, sign_in, history, agent, compliance_officer
) -> None:
    _first, second = history
    case = record(
        agent,
        privacy_of(second),
        actor=compliance_officer.user,
        occurred_on=UNDER_SECOND,
        description='=HYPERLINK("http://evil")',
    )
    sign_in(compliance_officer)

    rows = csv_of(client.get("/cases/export/csv/"))

    assert rows[0][:3] == ["Case", "Date of the breach", "Employee id"]
    assert rows[1][:10] == [
        str(case.pk),
        "2026-03-10",
        agent.employee_id,
        agent.full_name,
        "Support",
        "Customer Service Code",
        "2",
        "2",
        "Privacy",
        '\'=HYPERLINK("http://evil")',
    ]
    assert rows[1][10] == "Not decided yet"
    event = AuditEvent.objects.get(action="cases.case.export")
    assert event.details["rows"] == 1


def test_the_xlsx_export_has_the_same_rows(client, sign_in, case, compliance_officer) -> None:
    sign_in(compliance_officer)

    rows = xlsx_of(client.get("/cases/export/xlsx/"))

    assert len(rows) == 2
    assert rows[1][0] == case.pk
    assert rows[1][1] == datetime.datetime(2026, 3, 10)


def test_an_unknown_export_is_not_found(client, sign_in, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert client.get("/cases/export/pdf/").status_code == 404


def test_the_breaches_per_clause_page_counts_each_clause(client, sign_in, history, agent, compliance_officer) -> None:
    first, second = history
    record(agent, privacy_of(first), actor=compliance_officer.user, occurred_on=UNDER_FIRST)
    record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)
    sign_in(compliance_officer)

    response = client.get("/cases/clauses/")

    assert [(row["title"], row["breaches"]) for row in response.context["page"]] == [("Privacy", 2)]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("rows", [1, 21])
def test_the_breaches_per_clause_cost_the_same_queries_for_1_or_21_clauses(
    client, history, agent, compliance_officer, manager, second_manager, rows, django_assert_num_queries
) -> None:
    draft = DraftFactory(document=CodeDocumentFactory(), author=manager.user)
    sections = [SectionFactory(version=draft, position=n + 1) for n in range(rows)]
    publish_at(FIRST_PUBLISHED, draft, author=manager.user, approver=second_manager.user)
    for section in sections:
        record(agent, section, actor=compliance_officer.user, occurred_on=UNDER_SECOND)
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), unread notifications, my tasks (navigation), the
    # filter form's documents and departments, the count, one page of clauses with their counts and titles
    with django_assert_num_queries(9):
        response = client.get("/cases/clauses/")
    assert len(response.context["page"]) == rows


# ---------------------------------------------------------------------------
# The person page
# ---------------------------------------------------------------------------


def test_the_person_page_shows_compliance_the_persons_cases(client, sign_in, case, agent, compliance_officer) -> None:
    sign_in(compliance_officer)

    response = client.get(f"/people/{agent.pk}/")

    assert 'data-testid="person-cases"' in page_of(response)
    assert f'href="/cases/{case.pk}/"' in page_of(response)
    assert f'href="/cases/new/?person={agent.pk}"' in page_of(response)


def test_the_person_page_lists_the_cases_audit_events(client, sign_in, case, agent, compliance_officer) -> None:
    sign_in(compliance_officer)

    events = client.get(f"/people/{agent.pk}/").context["events"]

    assert [event.action for event in events if event.object_type == "cases.case"] == ["cases.case.open"]


def test_the_person_page_hides_cases_from_the_manager_by_default(client, sign_in, case, agent, manager) -> None:
    sign_in(manager)

    response = client.get(f"/people/{agent.pk}/")

    assert response.status_code == 200
    assert 'data-testid="person-cases"' not in page_of(response)


def test_the_person_page_shows_the_manager_the_cases_when_the_setting_allows(
    client, sign_in, settings, case, agent, manager
) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    sign_in(manager)

    response = client.get(f"/people/{agent.pk}/")

    assert f'href="/cases/{case.pk}/"' in page_of(response)
    assert "Record a breach case" not in page_of(response)


# ---------------------------------------------------------------------------
# My tasks
# ---------------------------------------------------------------------------


def test_a_case_without_an_outcome_waits_in_compliances_tasks_until_decided(
    client, sign_in, case, compliance_officer
) -> None:
    sign_in(compliance_officer)

    waiting = client.get("/tasks/")
    client.post(f"/cases/{case.pk}/outcome/", {"outcome": "no_action"})
    decided = client.get("/tasks/")

    assert f'href="/cases/{case.pk}/"' in page_of(waiting)
    assert "Breach cases to decide" in page_of(waiting)
    assert f'href="/cases/{case.pk}/"' not in page_of(decided)


def test_a_manager_who_sees_a_case_has_no_task_to_decide_it(client, sign_in, settings, case, manager) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    sign_in(manager)

    assert "Breach cases to decide" not in page_of(client.get("/tasks/"))


def test_in_romanian_a_case_is_recorded_in_the_masculine() -> None:
    # The admin and the model forms label a case's fields with these; "caz" is masculine, unlike the
    # training completion ("înregistrată") that shares the English words.
    with translation.override("ro"):
        assert str(Case._meta.get_field("recorded_by").verbose_name) == "înregistrat de"
        assert str(Case._meta.get_field("recorded_at").verbose_name) == "înregistrat la"
