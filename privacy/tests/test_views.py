"""The "my data" page and download (only one's own), and the legal holds page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest, ComprehensionAttempt, SectionReading
from acknowledgements.services import requests_create_for_version, signature_create
from audit.models import AuditEvent
from people.models import NotificationKind, NotificationPreference
from people.services import person_deactivate
from people.tests.factories import StaffProfileFactory
from privacy.models import LegalHold
from privacy.services import hold_place, hold_release
from questions.tests.factories import ask
from reminders.models import DeliveryStatus, ReminderKind, ReminderLog
from reminders.tests.factories import NotificationFactory
from training.tests.factories import CompletionFactory

pytestmark = pytest.mark.django_db

MY_DATA = "/privacy/my-data/"
DOWNLOAD = "/privacy/my-data/download.json"
HOLDS = "/privacy/legal-holds/"
PLACE = "/privacy/legal-holds/place/"


@pytest.fixture
def signed(published, agent):
    requests_create_for_version(version=published)
    return signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent),
        actor=agent.user,
        typed_name=agent.full_name,
        ip_address="198.51.100.23",
        user_agent="Mozilla/5.0 (X11; Linux) Agent-Browser/1.0",
    )


# ---------------------------------------------------------------------------
# My data
# ---------------------------------------------------------------------------


def test_a_person_sees_what_the_portal_holds_about_them(client: Client, agent, signed) -> None:
    NotificationFactory(recipient=agent.user, message="Please acknowledge the code")
    client.force_login(agent.user)

    response = client.get(MY_DATA)

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert agent.employee_id in page
    assert "198.51.100.23" in page
    assert "Agent-Browser/1.0" in page
    assert f"/acknowledgements/receipts/{signed.pk}/" in page
    assert "Please acknowledge the code" in page


def test_the_page_shows_only_the_signed_in_persons_data(client: Client, agent, manager, signed) -> None:
    client.force_login(manager.user)

    page = client.get(MY_DATA).content.decode()

    assert "198.51.100.23" not in page
    assert agent.employee_id not in page


def test_in_romanian_the_question_column_says_when_it_was_put(client: Client, agent, published) -> None:
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    ask(published, agent.user)
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()

    # "Asked" of a question is when it was put ("Pusă la"), not the requests' "Solicitate".
    assert "Pusă la" in page
    assert "Solicitate" not in page


def test_the_download_holds_everything_as_json(client: Client, agent, signed) -> None:
    CompletionFactory(person=agent, evidence_note="Passed the quiz")
    client.force_login(agent.user)

    response = client.get(DOWNLOAD)

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    assert data["account"]["username"] == "ana"
    assert data["staff_record"]["employee_id"] == agent.employee_id
    [request] = data["acknowledgements"]
    assert (request["typed_name"], request["ip_address"], request["receipt"]) == (
        agent.full_name,
        "198.51.100.23",
        f"/acknowledgements/receipts/{signed.pk}/",
    )
    assert data["training_completions"][0]["evidence_note"] == "Passed the quiz"


@pytest.fixture
def read_and_checked(signed, published):
    """The signed request's reading evidence (a section 42 seconds on screen) and a failed then passed check."""
    request = signed.request
    SectionReading.objects.create(request=request, section=published.sections.get(position=2), seconds=42)
    for number, score in ((1, 40), (2, 100)):
        ComprehensionAttempt.objects.create(
            request=request, number=number, score=score, passed=score == 100, submitted_at=timezone.now()
        )
    return request


def test_the_page_shows_the_reading_evidence_and_the_comprehension_checks(
    client: Client, agent, read_and_checked
) -> None:
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()

    assert 'data-label="Seconds on the text">42</td>' in page
    assert 'data-label="Score">40%</td>' in page
    assert 'data-label="Score">100%</td>' in page


def test_a_signature_at_a_kiosk_shows_its_witness_and_device(client: Client, agent, manager, published) -> None:
    requests_create_for_version(version=published)
    signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent),
        actor=agent.user,
        typed_name=agent.full_name,
        witness=manager,
        device="Reception tablet",
    )
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()
    [request] = json.loads(client.get(DOWNLOAD).content)["acknowledgements"]

    assert f"witnessed by {manager.full_name} on Reception tablet" in page
    assert (request["method"], request["witness"], request["device"]) == (
        "kiosk",
        manager.employee_id,
        "Reception tablet",
    )


@pytest.mark.parametrize(
    ("status", "said"), [(DeliveryStatus.PENDING, "Waiting to be sent"), (DeliveryStatus.SKIPPED, "No longer needed")]
)
def test_a_reminder_that_was_not_sent_says_why_in_place_of_a_time(client: Client, agent, status, said) -> None:
    ReminderLog.objects.create(
        kind=ReminderKind.ACKNOWLEDGEMENT, object_id=1, recipient=agent.user, stage="overdue", status=status
    )
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()

    reminders = page.split('data-testid="my-data-reminders"')[1].split("</table>")[0]
    assert said in reminders


def test_the_page_shows_how_the_person_receives_notifications(client: Client, agent) -> None:
    NotificationPreference.objects.create(user=agent.user, kind=NotificationKind.REQUEST_WITHDRAWN, by_email=False)
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()

    assert str(NotificationKind.REQUEST_WITHDRAWN.label) in page
    assert "In the portal only" in page


def test_the_page_lists_the_audit_events_about_the_person(client: Client, agent, signed) -> None:
    client.force_login(agent.user)

    page = client.get(MY_DATA).content.decode()

    events = page.split('data-testid="my-data-events"')[1]
    assert "Code signed" in events


def test_the_download_holds_the_reading_evidence_checks_preferences_and_audit_events(
    client: Client, agent, signed, read_and_checked
) -> None:
    NotificationPreference.objects.create(user=agent.user, kind=NotificationKind.REQUEST_WITHDRAWN, by_email=False)
    client.force_login(agent.user)

    data = json.loads(client.get(DOWNLOAD).content)

    [request] = data["acknowledgements"]
    assert request["seconds_per_section"] == {signed.request.version.sections.get(position=2).title: 42}
    assert request["method"] == "portal"
    assert [(attempt["number"], attempt["score"]) for attempt in data["comprehension_attempts"]] == [(2, 100), (1, 40)]
    assert {"notification": str(NotificationKind.REQUEST_WITHDRAWN.label), "by_email": False} in data[
        "notification_preferences"
    ]
    assert {(event["object_type"], event["object_id"]) for event in data["audit_events"]} >= {
        ("acknowledgements.signature", str(signed.pk))
    }


def test_the_download_leaves_out_breach_cases_and_legal_holds(client: Client, agent, compliance_officer) -> None:
    hold_place(person=agent, reason="Claim under review", actor=compliance_officer.user)
    client.force_login(agent.user)

    data = json.loads(client.get(DOWNLOAD).content)

    assert "Claim under review" not in json.dumps(data)
    assert not [event for event in data["audit_events"] if event["object_type"] == "privacy.legalhold"]


def test_the_download_is_audited(client: Client, agent) -> None:
    client.force_login(agent.user)

    client.get(DOWNLOAD)

    assert AuditEvent.objects.filter(action="privacy.data.export", actor=agent.user).count() == 1


def test_an_account_without_a_staff_record_gets_its_account_data(client: Client, django_user_model) -> None:
    user = django_user_model.objects.create_user("service-desk", email="desk@example.com")
    client.force_login(user)

    data = json.loads(client.get(DOWNLOAD).content)

    assert (data["account"]["email"], data["staff_record"], data["acknowledgements"]) == ("desk@example.com", None, [])
    assert client.get(MY_DATA).status_code == 200


@pytest.mark.parametrize("path", [MY_DATA, DOWNLOAD])
def test_my_data_asks_an_anonymous_visitor_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("path", [MY_DATA, DOWNLOAD])
def test_my_data_refuses_a_post(client: Client, agent, path: str) -> None:
    client.force_login(agent.user)

    assert client.post(path).status_code == 405


def _with_rows(person, published, count: int) -> None:
    for _ in range(count):
        NotificationFactory(recipient=person.user)
        CompletionFactory(person=person)
        ask(published, person.user)


@pytest.mark.parametrize("rows", [1, 25])
def test_the_pages_queries_do_not_grow_with_the_rows(
    client: Client, agent, signed, published, rows: int, django_assert_num_queries
) -> None:
    _with_rows(agent, published, rows)
    client.force_login(agent.user)

    # Session and account; the staff record; a count for each of the eight lists (requests, comprehension checks,
    # assignments, completions, reminders, notifications, questions, audit events); the notification preferences;
    # the navigation's permissions (2), unread notifications and tasks; a page of each list that has rows
    # (requests with their reading evidence summed and the witness joined, completions, notifications, questions,
    # audit events with their actor joined).
    with django_assert_num_queries(20):
        client.get(MY_DATA)


@pytest.mark.parametrize("rows", [1, 25])
def test_the_downloads_queries_do_not_grow_with_the_rows(
    client: Client, agent, signed, published, rows: int, django_assert_num_queries
) -> None:
    _with_rows(agent, published, rows)
    client.force_login(agent.user)

    # Session and account; the export's savepoint; the staff record; one query per kind (10: reminders,
    # notifications, questions, notification preferences, audit events, reading per section, requests,
    # comprehension checks, completions, assignments); the audit event's insert; the savepoint's release.
    with django_assert_num_queries(16):
        client.get(DOWNLOAD)


# ---------------------------------------------------------------------------
# Legal holds
# ---------------------------------------------------------------------------


@pytest.fixture
def leaver_hold(leaver, compliance_officer) -> LegalHold:
    return hold_place(person=leaver, reason="Tribunal claim 2026/118", actor=compliance_officer.user)


def test_compliance_places_a_hold_by_employee_id(client: Client, compliance_officer, leaver) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(PLACE, {"employee_id": "HR-7731-ZQ", "reason": "Tribunal claim 2026/118"})

    hold = LegalHold.objects.get()
    assert response.status_code == 302
    assert (hold.person, hold.placed_by, hold.is_active) == (leaver, compliance_officer.user, True)
    assert "Tribunal claim 2026/118" in client.get(HOLDS).content.decode()


def test_compliance_places_a_hold_on_a_breach_case_by_its_number(
    client: Client, compliance_officer, leavers_case, leaver
) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(PLACE, {"case": str(leavers_case.pk), "reason": "The case is under appeal"})

    hold = LegalHold.objects.get()
    assert response.status_code == 302
    assert (hold.person, hold.case) == (leaver, leavers_case)
    assert f"Case {leavers_case.pk}" in client.get(HOLDS).content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Give the employee id of a person, or the number of a breach case."),
        ({"employee_id": "HR-7731-ZQ", "case": "{case}"}, "Give either an employee id or a case number, not both."),
        ({"case": "999999"}, "There is no breach case with this number."),
    ],
)
def test_a_hold_names_one_person_or_one_case(
    client: Client, compliance_officer, leavers_case, form: dict[str, str], message: str
) -> None:
    client.force_login(compliance_officer.user)
    data = {name: value.format(case=leavers_case.pk) for name, value in form.items()}

    response = client.post(PLACE, {**data, "reason": "Claim"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LegalHold.objects.exists()


def test_an_unknown_employee_id_is_named_on_the_form(client: Client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(PLACE, {"employee_id": "NOBODY", "reason": "Claim"})

    assert response.status_code == 400
    assert "Nobody on the staff has this employee id." in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_second_hold_is_refused_with_a_message(client: Client, compliance_officer, leaver_hold) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(PLACE, {"employee_id": "HR-7731-ZQ", "reason": "Another claim"})

    assert response.status_code == 400
    assert "A legal hold on this person is in force already." in response.content.decode()
    assert LegalHold.objects.count() == 1


def test_compliance_releases_a_hold_with_a_reason(client: Client, compliance_officer, leaver_hold) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(f"{HOLDS}{leaver_hold.pk}/release/", {"reason": "The claim was settled"})

    leaver_hold.refresh_from_db()
    assert response.status_code == 302
    assert (leaver_hold.is_active, leaver_hold.release_reason) == (False, "The claim was settled")


def test_a_release_without_a_reason_is_refused_with_a_message(client: Client, compliance_officer, leaver_hold) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(f"{HOLDS}{leaver_hold.pk}/release/", {"reason": ""}, follow=True)

    leaver_hold.refresh_from_db()
    assert "This field is required." in response.content.decode()
    assert leaver_hold.is_active


def test_releasing_an_unknown_hold_is_not_found(client: Client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    assert client.post(f"{HOLDS}999/release/", {"reason": "x"}).status_code == 404


def test_an_administrator_sees_the_holds_but_may_not_place_or_release_them(
    client: Client, administrator, leaver_hold
) -> None:
    client.force_login(administrator.user)

    page = client.get(HOLDS)

    assert page.status_code == 200
    assert "Place the hold" not in page.content.decode()
    assert client.post(PLACE, {"employee_id": "HR-7731-ZQ", "reason": "x"}).status_code == 403
    assert client.post(f"{HOLDS}{leaver_hold.pk}/release/", {"reason": "x"}).status_code == 403


def test_an_agent_may_not_open_the_holds(client: Client, agent) -> None:
    client.force_login(agent.user)

    assert client.get(HOLDS).status_code == 403


def test_in_romanian_the_refusal_names_the_missing_permission_in_romanian(client: Client, agent) -> None:
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent.user)

    page = client.get(HOLDS).content.decode()

    # Django names its own permissions in English, from the model's name: "Can view legal hold".
    assert "legal hold" not in page
    assert "reținere legală" in page


@pytest.mark.parametrize(("method", "path"), [("post", HOLDS), ("get", PLACE), ("get", f"{HOLDS}1/release/")])
def test_the_holds_pages_refuse_the_wrong_method(client: Client, compliance_officer, method: str, path: str) -> None:
    client.force_login(compliance_officer.user)

    assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize("path", [HOLDS, PLACE])
def test_the_holds_ask_an_anonymous_visitor_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("holds", [1, 25])
def test_the_holds_pages_queries_do_not_grow_with_the_holds(
    client: Client, compliance_officer, holds: int, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(holds):
        person_deactivate(user=person.user, actor=None)
        hold_place(person=person, reason="Claim", actor=compliance_officer.user)
    client.force_login(compliance_officer.user)

    # Session, account; permissions (2), unread notifications and tasks for the navigation; the count and the
    # page of holds with their people.
    with django_assert_num_queries(7):
        assert client.get(HOLDS).status_code == 200


# ---------------------------------------------------------------------------
# A hold on the person page (/people/<id>/, drawn by portal)
# ---------------------------------------------------------------------------


def person_page(client: Client, person) -> str:
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def agents_hold(agent, compliance_officer) -> LegalHold:
    return hold_place(person=agent, reason="Tribunal claim 2026/118", actor=compliance_officer.user)


def test_compliance_sees_on_the_persons_page_that_they_are_held_with_a_link_to_the_hold(
    client: Client, compliance_officer, agent, agents_hold
) -> None:
    client.force_login(compliance_officer.user)

    page = person_page(client, agent)

    assert "Under a legal hold" in page
    link = f"{HOLDS}?person={agent.pk}"
    assert f'href="{link}"' in page
    assert "Tribunal claim 2026/118" in client.get(link).content.decode()


def test_the_link_to_the_hold_shows_that_persons_holds_only(
    client: Client, compliance_officer, agent, agents_hold, leaver_hold
) -> None:
    client.force_login(compliance_officer.user)

    holds = client.get(HOLDS, {"person": agent.pk}).content.decode()

    assert "Tribunal claim 2026/118" in holds
    assert "Zenobia" not in holds
    assert f'<a href="{HOLDS}">See every legal hold</a>' in holds


def test_the_manager_is_told_of_the_hold_without_a_link_that_would_not_open_for_them(
    client: Client, manager, agent, agents_hold
) -> None:
    client.force_login(manager.user)

    page = person_page(client, agent)

    assert "Under a legal hold" in page
    assert HOLDS not in page
    assert "Tribunal claim 2026/118" not in page, "the reason is for those who may open the holds"
    assert client.get(f"{HOLDS}?person={agent.pk}").status_code == 403


def test_a_hold_on_a_breach_case_about_the_person_is_shown_on_their_page(
    client: Client, compliance_officer, leavers_case, leaver
) -> None:
    hold_place(case=leavers_case, reason="The case is under appeal", actor=compliance_officer.user)
    client.force_login(compliance_officer.user)

    page = person_page(client, leaver)

    assert "Under a legal hold" in page
    assert f"through breach case {leavers_case.pk}" in page


def test_a_released_hold_is_not_shown_on_the_persons_page(
    client: Client, compliance_officer, agent, agents_hold
) -> None:
    hold_release(hold=agents_hold, reason="Settled", actor=compliance_officer.user)
    client.force_login(compliance_officer.user)

    assert "Under a legal hold" not in person_page(client, agent)
