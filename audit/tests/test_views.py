"""The audit log page: who may read it, how it filters, and what it shows."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from audit import actions
from audit.models import AuditEvent
from audit.services import event_record

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")


@pytest.fixture(autouse=True)
def registry(monkeypatch) -> None:
    """The page's actions are these, whatever the apps above audit register."""
    monkeypatch.setattr(actions, "_registry", {})
    actions.register("codes.version.publish", "Version published")
    actions.register("codes.document.retire", "Document retired")
    actions.register("codes.document.create", "Document created")
    actions.register("people.account.create", "Account created")


def user(username: str, first_name: str = "", last_name: str = ""):
    # Audit sits below people (README, "Architecture"): its tests make plain accounts, not staff profiles.
    return get_user_model().objects.create_user(username=username, first_name=first_name, last_name=last_name)


@pytest.fixture
def url() -> str:
    return reverse("audit:event_list")


@pytest.fixture
def ion(db):
    return user("ipopa", "Ion", "Vasilescu")


@pytest.fixture
def gina(db):
    return user("gdumitru", "Gina", "Dumitrescu")


def record(actor=None, action="codes.version.publish", name=None, details=None, at=None):
    """One audit event about a new group (called ``name`` if given), recorded at ``at`` (aware) if given."""
    target = Group.objects.create(name=name or f"Group {Group.objects.count() + 1}")
    registered = actions.lookup(action)
    assert registered is not None, action
    if at is None:
        return event_record(actor=actor, action=registered, target=target, details=details)
    with time_machine.travel(at, tick=False):
        return event_record(actor=actor, action=registered, target=target, details=details)


def legacy_record(action: str, name: str, at: datetime.datetime) -> AuditEvent:
    """An event stored under a code that no app registers any more."""
    with time_machine.travel(at, tick=False):
        return AuditEvent.objects.create(action=action, object_type="auth.group", object_id="1", object_repr=name)


def shown(response) -> list[str]:
    return [event.object_repr for event in response.context["page"]]


def test_compliance_sees_the_events_newest_first_each_action_by_its_label(client, compliance_officer, ion, url) -> None:
    record(ion, name="Older", at=datetime.datetime(2026, 1, 5, 9, tzinfo=BUCHAREST))
    record(None, action="people.account.create", name="Newer", at=datetime.datetime(2026, 1, 6, 9, tzinfo=BUCHAREST))
    client.force_login(compliance_officer.user)

    response = client.get(url)

    assert response.status_code == 200
    assert shown(response) == ["Newer", "Older"]
    page = response.content.decode()
    assert "Ion Vasilescu" in page
    assert ">system<" in page
    cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", page, re.DOTALL)
    assert "Version published" in cells
    assert "Account created" in cells
    assert "<code>" not in page
    assert "append-only: nobody can change or delete an event" in page


def test_an_action_no_app_registers_any_more_is_shown_by_its_stored_code(client, compliance_officer, url) -> None:
    legacy_record("people.profile.deactivate", "Ion", datetime.datetime(2026, 1, 6, 9, tzinfo=BUCHAREST))
    client.force_login(compliance_officer.user)

    response = client.get(url)

    assert shown(response) == ["Ion"]
    assert "<code>people.profile.deactivate</code>" in response.content.decode()


def test_an_administrator_sees_the_log_too(client, administrator, url) -> None:
    record(name="Billing")
    client.force_login(administrator.user)

    assert shown(client.get(url)) == ["Billing"]


def test_the_time_is_shown_in_the_portal_time_zone(client, compliance_officer, settings, url) -> None:
    settings.TIME_ZONE = "Europe/Bucharest"
    record(at=datetime.datetime(2026, 3, 31, 10, tzinfo=datetime.UTC))  # 13:00 in Bucharest (summer time)
    client.force_login(compliance_officer.user)

    page = client.get(url).content.decode()

    assert "31 Mar 2026, 13:00" in page


def test_a_user_without_a_full_name_is_shown_by_username(client, compliance_officer, url) -> None:
    record(user("robot"))
    client.force_login(compliance_officer.user)

    assert ">robot<" in "".join(client.get(url).content.decode().split())


def test_an_empty_log_says_so(client, compliance_officer, url) -> None:
    client.force_login(compliance_officer.user)

    assert "No audit events match these filters." in client.get(url).content.decode()


@pytest.mark.parametrize("person", ["agent", "manager", "outsider"])
def test_people_without_the_permission_are_refused_with_a_reason(client, request, person, url) -> None:
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(url)

    assert response.status_code == 403
    assert "Can view audit event" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, url) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_log_refuses_writes(client, compliance_officer, url) -> None:
    record(name="Billing")
    client.force_login(compliance_officer.user)

    response = client.post(url, {"action": "codes.version.publish"})

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert AuditEvent.objects.count() == 1


def test_the_action_filter_offers_the_registered_actions_by_app_and_label_and_narrows_to_one(
    client, compliance_officer, url
) -> None:
    record(action="codes.version.publish", name="Published")
    record(action="codes.document.retire", name="Retired")
    client.force_login(compliance_officer.user)

    response = client.get(url, {"action": "codes.document.retire"})

    assert shown(response) == ["Retired"]
    # Actions nobody has taken yet are offered too: the choices come from the registry, not the log.
    assert response.context["form"].fields["action"].choices == [
        ("", "All actions"),
        (
            "Codes of conduct",
            [
                ("codes.document.create", "Document created"),
                ("codes.document.retire", "Document retired"),
                ("codes.version.publish", "Version published"),
            ],
        ),
        ("People", [("people.account.create", "Account created")]),
    ]
    page = response.content.decode()
    assert '<optgroup label="Codes of conduct">' in page
    assert '<option value="codes.document.retire" selected>Document retired</option>' in page


def test_an_action_nobody_has_taken_yet_filters_to_an_empty_log(client, compliance_officer, url) -> None:
    record(action="codes.version.publish", name="Published")
    client.force_login(compliance_officer.user)

    response = client.get(url, {"action": "codes.document.create"})

    assert shown(response) == []
    assert "No audit events match these filters." in response.content.decode()


@pytest.mark.parametrize("search", ["ipop", "ion", "VASIL", "ion vasilescu"])
def test_the_actor_filter_matches_username_first_or_last_name(
    client, compliance_officer, ion, gina, search, url
) -> None:
    record(ion, name="By Ion")
    record(gina, name="By Gina")
    record(None, name="By the system")
    client.force_login(compliance_officer.user)

    assert shown(client.get(url, {"actor": search})) == ["By Ion"]


def test_the_object_filter_searches_the_object_name(client, compliance_officer, url) -> None:
    record(name="Customer Service Code")
    record(name="Billing")
    client.force_login(compliance_officer.user)

    assert shown(client.get(url, {"object": "service"})) == ["Customer Service Code"]


def test_the_date_range_includes_both_days_in_the_portal_time_zone(client, compliance_officer, settings, url) -> None:
    settings.TIME_ZONE = "Europe/Bucharest"  # UTC+2 in January
    record(name="Evening before", at=datetime.datetime(2026, 1, 9, 23, 30, tzinfo=BUCHAREST))
    record(name="Just after midnight", at=datetime.datetime(2026, 1, 10, 0, 10, tzinfo=BUCHAREST))  # 9th in UTC
    record(name="Last minutes", at=datetime.datetime(2026, 1, 11, 23, 50, tzinfo=BUCHAREST))
    record(name="Next day", at=datetime.datetime(2026, 1, 12, 0, 5, tzinfo=BUCHAREST))  # still the 11th in UTC
    client.force_login(compliance_officer.user)

    response = client.get(url, {"date_from": "2026-01-10", "date_to": "2026-01-11"})

    assert shown(response) == ["Last minutes", "Just after midnight"]
    assert shown(client.get(url, {"date_to": "2026-01-10"})) == ["Just after midnight", "Evening before"]
    assert shown(client.get(url, {"date_from": "2026-01-12"})) == ["Next day"]


def test_the_earliest_and_latest_dates_accepted_still_work(client, compliance_officer, url) -> None:
    record(name="Billing")
    client.force_login(compliance_officer.user)

    response = client.get(url, {"date_from": "1900-01-01", "date_to": "9998-12-31"})

    assert shown(response) == ["Billing"]


def test_a_start_after_the_end_is_an_error_and_shows_no_events(client, compliance_officer, url) -> None:
    record(name="Billing", at=datetime.datetime(2026, 1, 10, 12, tzinfo=BUCHAREST))
    client.force_login(compliance_officer.user)

    response = client.get(url, {"date_from": "2026-01-11", "date_to": "2026-01-10"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The start date is after the end date." in page
    assert "No audit events match these filters." in page
    assert shown(response) == []


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"action": "no.such.action"}, "Select a valid choice"),
        ({"date_from": "2026-13-45"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Ensure this value is greater than or equal to"),
        ({"date_to": "9999-12-31"}, "Ensure this value is less than or equal to"),
        ({"object": "x" * 101}, "Ensure this value has at most 100 characters"),
    ],
)
def test_an_invalid_filter_shows_its_error_over_an_empty_table(client, compliance_officer, params, error, url) -> None:
    record(name="Billing")
    client.force_login(compliance_officer.user)

    response = client.get(url, params)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert shown(response) == []


def field(label: str, value: str) -> str:
    """One field of an event's details as the page marks it up: its label (or key), then its value."""
    return f'<dt class="col-5 fw-normal text-body-secondary">{label}</dt><dd class="col-7 mb-1 text-break">{value}</dd>'


def details_cell(response) -> str:
    """The Details cell of the log's first row."""
    return re.findall(r"<td[^>]*>((?:(?!<td[ >]).)*)</td>\s*</tr>", response.content.decode(), re.DOTALL)[0]


def test_details_are_a_definition_list_under_labels_with_values_in_words(
    client, compliance_officer, settings, url
) -> None:
    settings.TIME_ZONE = "Europe/Bucharest"
    details = {
        "reason": "Replaced by the 2027 policy",
        "due_date": "2026-12-03",
        "starts_at": "2026-03-31T10:00:00+00:00",  # 13:00 in Bucharest (summer time)
        "audience": ["SALES", "SUPPORT"],
        "major": True,
        "mandatory": False,
        "copied_from": None,
        "requests": 12,
    }
    record(details=details)
    client.force_login(compliance_officer.user)

    cell = details_cell(client.get(url))

    # The fields in the order of their keys, on every database (PostgreSQL's jsonb keeps no order).
    assertInHTML(
        '<dl class="row mb-0">'
        + field("Audience", "SALES, SUPPORT")
        + field("Copied from version", "—")
        + field("Due date", "3 Dec 2026")
        + field("Major version", "yes")
        + field("Mandatory", "no")
        + field("Reason", "Replaced by the 2027 policy")
        + field("Requests", "12")
        + field("Starts", "31 Mar 2026, 13:00")
        + "</dl>",
        cell,
    )
    for raw in ("&quot;", "[", "{", "true", "null", "2026-12-03", "due_date"):
        assert raw not in cell, raw


def test_nested_objects_are_nested_lists_and_unknown_keys_are_shown_as_stored(client, compliance_officer, url) -> None:
    details = {
        "url": {"from": "https://old.example", "to": "https://new.example"},
        "problems": [{"sequence": 4, "problem": "hash mismatch"}],
        "frobnication_level": 7,
    }
    record(details=details)
    client.force_login(compliance_officer.user)

    cell = details_cell(client.get(url))

    nested = field("From", "https://old.example") + field("To", "https://new.example")
    assertInHTML(field("URL", f'<dl class="row mb-0">{nested}</dl>'), cell)
    nested = field("<code>problem</code>", "hash mismatch") + field("<code>sequence</code>", "4")
    assertInHTML(field("Problems", f'<ul class="mb-0 ps-3"><li><dl class="row mb-0">{nested}</dl></li></ul>'), cell)
    assertInHTML(field("<code>frobnication_level</code>", "7"), cell)


def test_details_and_their_keys_are_escaped(client, compliance_officer, url) -> None:
    record(details={"reason": "<script>alert(1)</script>", "<b>key</b>": ["<i>", "x"]})
    client.force_login(compliance_officer.user)

    cell = details_cell(client.get(url))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cell
    assert "<code>&lt;b&gt;key&lt;/b&gt;</code>" in cell
    assert "&lt;i&gt;, x" in cell
    for tag in ("<script>", "<b>", "<i>"):
        assert tag not in cell


@pytest.mark.parametrize(
    ("details", "shown"),
    [({}, "—"), (["a", 1], "a, 1"), ("a note", "a note"), ({"sections": []}, "Sections</dt>")],
)
def test_details_stored_in_another_shape_or_empty_are_still_shown(
    client, compliance_officer, url, details, shown
) -> None:
    record(details=details)
    client.force_login(compliance_officer.user)

    assert shown in details_cell(client.get(url))


def test_the_next_page_link_keeps_the_filters(client, compliance_officer, ion, url) -> None:
    for number in range(30):
        record(ion, name=f"Team {number}")
    client.force_login(compliance_officer.user)

    response = client.get(url, {"action": "codes.version.publish", "actor": "ion"})

    assert len(shown(response)) == 25
    assert "?action=codes.version.publish&amp;actor=ion&amp;page=2" in response.content.decode()
    assert len(shown(client.get(url, {"action": "codes.version.publish", "actor": "ion", "page": 2}))) == 5


@pytest.mark.parametrize("rows", [1, 30])
def test_the_log_costs_the_same_queries_for_1_or_30_events(
    client, compliance_officer, rows, url, django_assert_num_queries
) -> None:
    codes = [action.code for action in actions.registered()]
    for number, actor in enumerate(user(f"person{number}") for number in range(rows)):
        details = {"number": number, "due_date": "2026-12-03", "moved": {"from": "A", "to": ["B", "C"]}}
        record(actor, action=codes[number % len(codes)], name=f"Team {number}", details=details)
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), count, one page of
    # events
    # with their actors joined; the labels and the action filter come from the registry, not the database.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    # The counted queries drew the whole first page, not a part of it.
    assert len(re.findall(r"<td[^>]*>Team ", response.content.decode())) == min(rows, 25)
