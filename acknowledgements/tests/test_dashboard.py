"""The acknowledgement dashboard, its drill-down, exports, waivers, summary PDF and chain verification, through
the views."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable

import openpyxl
import pytest
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature, SignatureCheckpoint
from audit.models import AuditEvent
from codes.models import CodeVersion
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish, start_revision
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/acknowledgements/dashboard/"
PEOPLE = "/acknowledgements/dashboard/people/"
FIGURES = ("asked", "signed", "pending", "overdue", "waived")


# ---------------------------------------------------------------------------
# Helpers and the cast
# ---------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def request_of(profile: StaffProfile, version: CodeVersion) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(person=profile, version=version)


def sign(profile: StaffProfile, version: CodeVersion) -> Signature:
    return services.signature_create(
        request=request_of(profile, version), actor=profile.user, typed_name=profile.full_name
    )


def waive(profile: StaffProfile, version: CodeVersion, officer: StaffProfile) -> None:
    services.request_waive(request=request_of(profile, version), actor=officer.user, reason="On leave")


def due(profile: StaffProfile, version: CodeVersion, on: datetime.date) -> None:
    AcknowledgementRequest.objects.filter(pk=request_of(profile, version).pk).update(due_date=on)


def make_overdue(profile: StaffProfile, version: CodeVersion) -> None:
    due(profile, version, today() - datetime.timedelta(days=1))


def counts(row: dict) -> tuple[int, ...]:
    return tuple(row[figure] for figure in FIGURES)


def rendered_figures(response) -> dict[str, str]:
    """The totals as the page shows them, by their data-figure attribute."""
    page = response.content.decode()
    if 'data-testid="totals"' not in page:
        return {}
    table = page[page.index('data-testid="totals"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', table))


def expected_figures(many: list[StaffProfile]) -> dict[str, str]:
    """What the ``many`` fixture's people add up to: a third signed, a third waived, a third overdue."""
    return {"signed": str(len(many[0::3])), "waived": str(len(many[1::3])), "overdue": str(len(many[2::3]))}


def figures_named(response, names: Iterable[str]) -> dict[str, str]:
    return {name: rendered_figures(response)[name] for name in names}


def listed(response) -> set[str]:
    """The usernames of the people on a page of the drill-down."""
    return {ack.person.user.username for ack in response.context["page"]}


def csv_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))


def xlsx_of(response) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        return [["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.fixture
def compliance(compliance_officer):
    return compliance_officer.department


@pytest.fixture
def sam(support, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__username="sam", user__first_name="Sam", user__roles=["Agent"], department=support, manager=manager
    )


@pytest.fixture
def carl(compliance) -> StaffProfile:
    return StaffProfileFactory(user__username="carl", user__first_name="Carl", department=compliance)


@pytest.fixture
def rita(support, second_manager) -> StaffProfile:
    """In Support, but reporting to the second manager."""
    return StaffProfileFactory(
        user__username="rita", user__first_name="Rita", department=support, manager=second_manager
    )


@pytest.fixture
def asked(published, manager, second_manager, agent, sam, compliance_officer, carl) -> CodeVersion:
    """Version 1 asked of six people: Maria, Radu, Ana and Sam in Support; Cora and Carl in Compliance."""
    services.requests_create_for_version(version=published)
    return published


@pytest.fixture
def campaign(asked, agent, carl, second_manager, sam, compliance_officer):
    """Two signed (Ana, Carl), one waived (Radu), one overdue (Sam), two pending in time (Maria, Cora)."""
    sign(agent, asked)
    sign(carl, asked)
    waive(second_manager, asked, compliance_officer)
    make_overdue(sam, asked)
    return asked


@pytest.fixture
def privacy(campaign, manager, second_manager, compliance) -> CodeVersion:
    """A second document, published to Compliance only (Cora and Carl), which Carl signed."""
    version = DraftFactory(document=CodeDocumentFactory(title="Privacy Code", slug="privacy"), number=1)
    SectionFactory(version=version, position=1, title="Records", body="Keep records private.")
    version = publish(version, author=manager.user, approver=second_manager.user, departments=[compliance])
    services.requests_create_for_version(version=version)
    return version


# ---------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------


def test_the_totals_count_assigned_signed_pending_overdue_and_waived(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    totals = client.get(DASHBOARD).context["totals"]

    # Pending includes the overdue request; waived requests are excused from the percentage: 2 / (6 - 1).
    assert counts(totals) == (6, 2, 3, 1, 1)
    assert totals["percent_signed"] == 40.0


def test_the_page_shows_the_totals_with_the_percentage_to_one_decimal(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD)

    assert rendered_figures(response) == {
        "asked": "6",
        "signed": "2",
        "waived": "1",
        "replaced": "0",
        "withdrawn": "0",
        "left": "0",
        "pending": "3",
        "overdue": "1",
        "percent": "40.0",
    }
    assert "Signed % = signed ÷ (asked − waived − withdrawn − left)" in response.content.decode()


def test_the_department_rows_count_each_department(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    departments = client.get(DASHBOARD).context["departments"]

    assert [(row["person__department__name"], counts(row), row["percent_signed"]) for row in departments] == [
        ("Compliance", (2, 1, 1, 0, 0), 50.0),
        ("Support", (4, 1, 2, 1, 1), 33.3),  # 1 / (4 - 1)
    ]


def test_the_version_rows_count_each_version(client, compliance_officer, campaign, privacy, carl):
    sign(carl, privacy)
    client.force_login(compliance_officer.user)

    versions = client.get(DASHBOARD).context["versions"]

    assert [
        (row["version__title"], row["version__number"], counts(row), row["percent_signed"]) for row in versions
    ] == [
        ("Customer Service Code", 1, (6, 2, 3, 1, 1), 40.0),
        ("Privacy Code", 1, (2, 1, 1, 0, 0), 50.0),
    ]


def test_the_totals_add_up_every_version(client, compliance_officer, campaign, privacy, carl):
    sign(carl, privacy)
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD)

    assert counts(response.context["totals"]) == (8, 3, 4, 1, 1)
    assert rendered_figures(response)["percent"] == "42.9"  # 3 / (8 - 1)


def test_with_nothing_asked_the_percentage_is_a_dash_not_an_error(client, compliance_officer):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["totals"]["percent_signed"] is None
    assert rendered_figures(response)["percent"] == "—"


def test_a_fully_waived_version_has_no_percentage(client, compliance_officer, campaign, privacy, carl):
    client.force_login(compliance_officer.user)
    for person in (compliance_officer, carl):
        waive(person, privacy, compliance_officer)

    versions = client.get(DASHBOARD).context["versions"]

    assert versions[1]["version__title"] == "Privacy Code"
    assert versions[1]["percent_signed"] is None


def test_a_request_replaced_before_signing_is_counted_as_replaced(
    client, compliance_officer, campaign, manager, second_manager
):

    draft_2 = start_revision(campaign.document, actor=manager.user)
    version_2 = publish(draft_2, author=manager.user, approver=second_manager.user, is_major=False)
    services.requests_create_for_version(version=version_2)
    client.force_login(compliance_officer.user)

    versions = client.get(DASHBOARD).context["versions"]

    # Version 1 keeps its signed and waived requests; its three pending ones were replaced before
    # signing, and version 2 asked them again (not the two who signed version 1: a minor version).
    assert [(row["version__number"], counts(row), row["replaced"]) for row in versions] == [
        (2, (4, 0, 4, 0, 0), 0),
        (1, (6, 2, 0, 0, 1), 3),
    ]
    assert versions[1]["percent_signed"] == 40.0  # 2 / (6 - 1): replaced requests were not signed


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


def test_the_department_filter_counts_one_department(client, compliance_officer, campaign, support):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"department": support.pk})

    assert counts(response.context["totals"]) == (4, 1, 2, 1, 1)
    assert [row["person__department__name"] for row in response.context["departments"]] == ["Support"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", (3, 0, 3, 1, 0)),
        ("overdue", (1, 0, 1, 1, 0)),
        ("signed", (2, 2, 0, 0, 0)),
        ("waived", (1, 0, 0, 0, 1)),
    ],
)
def test_the_status_filter_counts_one_status(client, compliance_officer, campaign, status, expected):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"status": status})

    assert counts(response.context["totals"]) == expected


def test_the_version_filter_counts_one_version(client, compliance_officer, campaign, privacy):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"version": privacy.pk})

    assert counts(response.context["totals"]) == (2, 0, 2, 0, 0)
    assert [row["version_id"] for row in response.context["versions"]] == [privacy.pk]


def test_the_document_filter_counts_one_document(client, compliance_officer, campaign, privacy):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"document": campaign.document.pk})

    assert counts(response.context["totals"]) == (6, 2, 3, 1, 1)
    assert [row["version_id"] for row in response.context["versions"]] == [campaign.pk]


@pytest.fixture
def due_dates_spread(campaign, manager, compliance_officer) -> None:
    """Maria is due today and Cora in a week; Sam was due yesterday, the others in 14 days."""
    due(manager, campaign, today())
    due(compliance_officer, campaign, today() + datetime.timedelta(days=7))


def test_the_due_date_range_includes_both_ends(client, compliance_officer, campaign, due_dates_spread):
    client.force_login(compliance_officer.user)
    in_a_week = today() + datetime.timedelta(days=7)

    response = client.get(DASHBOARD, {"due_from": today().isoformat(), "due_to": in_a_week.isoformat()})

    assert counts(response.context["totals"]) == (2, 0, 2, 0, 0)  # Maria and Cora


def test_a_due_date_range_open_at_one_end(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"due_to": (today() - datetime.timedelta(days=1)).isoformat()})

    assert counts(response.context["totals"]) == (1, 0, 1, 1, 0)


def test_filters_combine(client, compliance_officer, campaign, compliance):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"department": compliance.pk, "status": "signed"})

    assert counts(response.context["totals"]) == (1, 1, 0, 0, 0)


def test_an_end_date_before_the_start_date_shows_the_error_and_no_figures(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"due_from": "2030-02-01", "due_to": "2030-01-01"})

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert "totals" not in response.context
    assert rendered_figures(response) == {}


def test_a_date_that_is_not_a_date_shows_the_error_and_no_figures(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"due_from": "yesterday"})

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert rendered_figures(response) == {}


def test_an_unknown_department_is_a_form_error_not_a_500(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"department": 999_999})

    assert response.status_code == 200
    assert response.context["form"].errors["department"]
    assert rendered_figures(response) == {}


def test_the_people_list_shows_the_same_form_error_and_no_list(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(PEOPLE, {"due_from": "2030-02-01", "due_to": "2030-01-01"})

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["page"] is None


# ---------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------


def test_compliance_counts_everyone(client, compliance_officer, campaign, rita):
    services.requests_sync_for_person(person=rita)
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD)

    assert response.context["everyone"] is True
    assert response.context["totals"]["asked"] == 7


def test_a_manager_counts_only_their_direct_reports(client, manager, campaign, rita):
    services.requests_sync_for_person(person=rita)
    client.force_login(manager.user)

    response = client.get(DASHBOARD)

    # Ana (signed) and Sam (overdue); not Rita, who reports to Radu, nor Maria herself.
    assert response.context["everyone"] is False
    assert counts(response.context["totals"]) == (2, 1, 1, 1, 0)
    assert "My team's acknowledgements" in response.content.decode()


def test_a_manager_lists_only_their_direct_reports(client, manager, campaign, rita):
    services.requests_sync_for_person(person=rita)
    client.force_login(manager.user)

    response = client.get(PEOPLE)

    assert listed(response) == {"ana", "sam"}


def test_a_department_filter_does_not_widen_a_managers_scope(client, manager, campaign, rita, compliance):
    services.requests_sync_for_person(person=rita)
    client.force_login(manager.user)

    assert client.get(DASHBOARD, {"department": compliance.pk}).context["totals"]["asked"] == 0
    assert listed(client.get(PEOPLE, {"department": compliance.pk})) == set()


@pytest.mark.parametrize("person", ["agent", "outsider"])
@pytest.mark.parametrize("path", [DASHBOARD, PEOPLE])
def test_people_without_a_team_or_compliance_role_are_refused(request, client, person, path):
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(path)

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@pytest.mark.parametrize("path", [DASHBOARD, PEOPLE])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------------------
# The drill-down
# ---------------------------------------------------------------------------


def test_the_drill_down_lists_exactly_the_overdue_people_of_a_department(
    client, compliance_officer, campaign, support, manager
):
    make_overdue(manager, campaign)
    make_overdue(compliance_officer, campaign)  # overdue, but in Compliance
    client.force_login(compliance_officer.user)

    response = client.get(PEOPLE, {"department": support.pk, "status": "overdue"})

    assert listed(response) == {"maria", "sam"}


def test_the_drill_down_shows_the_waiver_reason(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(PEOPLE, {"status": "waived"})

    assert listed(response) == {"radu"}
    assert "On leave" in response.content.decode()


def test_the_dashboard_links_each_department_to_its_people(client, compliance_officer, campaign, support):
    client.force_login(compliance_officer.user)

    page = client.get(DASHBOARD, {"status": "overdue"}).content.decode()

    assert f'href="{PEOPLE}?status=overdue&amp;department={support.pk}"' in page


@pytest.fixture
def crowd(asked, support, manager) -> list[StaffProfile]:
    """Thirty more people in Support, asked for version 1 (36 requests: two pages)."""
    people = StaffProfileFactory.create_batch(30, department=support, manager=manager)
    services.requests_create_for_version(version=asked)
    return people


def test_pagination_keeps_the_filters(client, compliance_officer, crowd, support):
    client.force_login(compliance_officer.user)

    first = client.get(PEOPLE, {"department": support.pk, "status": "pending"})
    second = client.get(PEOPLE, {"department": support.pk, "status": "pending", "page": 2})

    # 34 pending in Support (30 + Maria, Radu, Ana, Sam): 25, then 9.
    assert f'href="?department={support.pk}&amp;status=pending&amp;page=2"' in first.content.decode()
    assert f'href="?department={support.pk}&amp;status=pending&amp;page=1"' in second.content.decode()
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 9
    assert {ack.person.department_id for ack in second.context["page"]} == {support.pk}
    assert listed(first).isdisjoint(listed(second))


def test_the_page_number_is_not_a_filter(client, compliance_officer, crowd):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"page": 2})

    assert response.context["totals"]["asked"] == 36


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


@pytest.fixture(params=[1, 25], ids=["1 person", "25 people"])
def many(request, published, support, manager, compliance_officer) -> list[StaffProfile]:
    """Some people in Support, asked for version 1: a third signed, a third waived, a third overdue."""
    people = StaffProfileFactory.create_batch(request.param, department=support, manager=manager)
    services.requests_create_for_version(version=published)
    for index, person in enumerate(people):
        if index % 3 == 0:
            sign(person, published)
        elif index % 3 == 1:
            waive(person, published, compliance_officer)
        else:
            make_overdue(person, published)
    return people


def test_the_dashboard_costs_the_same_queries_for_1_or_25_people(
    client, compliance_officer, many, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # session, unread notifications, user, permissions (user's own + through groups),
    # by version (the totals are its sum), by department,
    # the filter choices: documents, published versions with their document, departments
    with django_assert_num_queries(10):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    expected = expected_figures(many)
    assert figures_named(response, expected) == expected


def test_filtering_the_dashboard_costs_no_more_queries(
    client, compliance_officer, many, published, support, django_assert_num_queries
):
    client.force_login(compliance_officer.user)
    filters = {"document": published.document_id, "version": published.pk, "department": support.pk}

    # as unfiltered: the choices that render the menus also validate the values sent
    with django_assert_num_queries(10):
        response = client.get(DASHBOARD, filters)
    assert response.status_code == 200
    expected = expected_figures(many)
    assert figures_named(response, expected) == expected


def test_the_people_list_costs_the_same_queries_for_1_or_25_people(
    client, compliance_officer, many, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # session, unread notifications, user, permissions (user's own + through groups),
    # count, one page of requests with person, user, department, manager, version, document and signature joined,
    # the totals (one aggregate), the filter choices: documents, published versions with their document, departments
    with django_assert_num_queries(11):
        response = client.get(PEOPLE)
    assert response.status_code == 200
    # The counted queries drew the whole first page, each row with the person's name.
    page = response.content.decode()
    names = [ack.person.full_name for ack in response.context["page"]]
    assert len(names) == min(AcknowledgementRequest.objects.count(), 25)
    assert all(f"<td>{name}</td>" in page for name in names)


def test_a_managers_dashboard_costs_the_same_queries_for_1_or_25_people(
    client, manager, many, django_assert_num_queries
):
    client.force_login(manager.user)

    # session, unread notifications, user, permissions (user's own + through groups),
    # by version (the totals are its sum), by department (scoped by a join to the manager's user),
    # the filter choices: documents, published versions with their document, departments
    with django_assert_num_queries(10):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert rendered_figures(response)["asked"] == str(len(many))


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


def test_the_signatures_csv_honours_the_department_filter(client, compliance_officer, campaign, compliance, carl):
    signature = Signature.objects.get(person=carl)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.csv", {"department": compliance.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_of(response)
    assert [row[0] for row in rows[1:]] == [carl.employee_id]
    assert rows[1][-1] == signature.record_hash


def test_the_signatures_xlsx_honours_the_department_filter(client, compliance_officer, campaign, support, agent):
    signature = Signature.objects.get(person=agent)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.xlsx", {"department": support.pk})

    assert response.status_code == 200
    rows = xlsx_of(response)
    assert [row[0] for row in rows[1:]] == [agent.employee_id]
    assert rows[1][-1] == signature.record_hash


def test_the_outstanding_csv_lists_pending_and_waived_requests_of_the_department(
    client, compliance_officer, campaign, support, manager, second_manager, sam
):
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/outstanding.csv", {"department": support.pk})

    rows = {row[0]: row for row in csv_of(response)[1:]}
    assert set(rows) == {manager.employee_id, second_manager.employee_id, sam.employee_id}
    assert rows[sam.employee_id][6] == "Overdue"
    assert rows[second_manager.employee_id][6] == "Waived"
    assert rows[manager.employee_id][-1] == ""  # no signature, no record hash


@pytest.mark.parametrize(
    ("kind", "file_format", "rows"),
    [
        ("signatures", "csv", 1),  # Ana
        ("signatures", "xlsx", 1),
        ("outstanding", "csv", 3),  # Maria, Radu (waived) and Sam
        ("outstanding", "xlsx", 3),
    ],
)
def test_each_export_writes_one_audit_event_with_kind_format_rows_and_filters(
    client, compliance_officer, campaign, support, kind, file_format, rows
):
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/export/{kind}.{file_format}", {"department": support.pk})

    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="acknowledgements.export")
    assert event.actor == compliance_officer.user
    checkpoint = SignatureCheckpoint.objects.get()
    assert event.details == {
        "kind": kind,
        "format": file_format,
        "rows": rows,
        "filters": {"department_id": str(support.pk)},
        "checkpoint": {
            "id": checkpoint.pk,
            "count": checkpoint.count,
            "head_sequence": checkpoint.head_sequence,
            "head_hash": checkpoint.head_hash,
            "mac": checkpoint.mac,
        },
    }


def test_the_export_audit_event_records_every_filter_set(client, compliance_officer, campaign, support):
    client.force_login(compliance_officer.user)
    due_to = today() + datetime.timedelta(days=30)

    client.get(
        "/acknowledgements/export/outstanding.csv",
        {"department": support.pk, "status": "pending", "due_to": due_to.isoformat()},
    )

    details = AuditEvent.objects.get(action="acknowledgements.export").details
    assert details["rows"] == 2  # Maria and Sam
    assert details["filters"] == {"department_id": str(support.pk), "status": "pending", "due_to": due_to.isoformat()}


@pytest.mark.parametrize("path", ["signatures.csv", "signatures.xlsx", "outstanding.csv", "outstanding.xlsx"])
def test_a_manager_may_not_export(client, manager, campaign, path):
    client.force_login(manager.user)

    response = client.get(f"/acknowledgements/export/{path}")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()


@pytest.mark.parametrize("path", ["nonsense.csv", "signatures.pdf"])
def test_an_unknown_export_is_not_found(client, compliance_officer, path):
    client.force_login(compliance_officer.user)

    assert client.get(f"/acknowledgements/export/{path}").status_code == 404
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()


def test_an_export_with_invalid_filters_is_a_bad_request_that_says_why(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.csv", {"due_from": "2030-02-01", "due_to": "2030-01-01"})

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()


# ---------------------------------------------------------------------------
# Waivers
# ---------------------------------------------------------------------------


def waive_url(profile: StaffProfile, version: CodeVersion) -> str:
    return f"/acknowledgements/{request_of(profile, version).pk}/waive/"


def test_a_waiver_excuses_an_overdue_request(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": "Long-term leave until March"})

    assert response.status_code == 302
    assert response["Location"] == PEOPLE
    ack = request_of(sam, campaign)
    assert ack.status == RequestStatus.WAIVED
    assert ack.waiver_reason == "Long-term leave until March"
    assert ack.waived_by == compliance_officer.user
    assert AuditEvent.objects.filter(action="acknowledgements.request.waive", object_id=str(ack.pk)).count() == 1
    assert counts(client.get(DASHBOARD).context["totals"]) == (6, 2, 2, 0, 2)


def test_a_waiver_returns_to_the_filtered_list_it_came_from(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)
    back = f"{PEOPLE}?status=overdue"

    response = client.post(waive_url(sam, campaign), {"reason": "On leave", "next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert "Waived for Sam" in response.content.decode()
    assert listed(response) == set()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_waiver_without_a_reason_is_refused_with_a_message(client, compliance_officer, campaign, sam, reason):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": reason}, follow=True)

    assert "Give the reason for the waiver" in response.content.decode()
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_manager_may_not_waive(client, manager, campaign, sam):
    client.force_login(manager.user)

    response = client.post(waive_url(sam, campaign), {"reason": "On leave"})

    assert response.status_code == 403
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_signed_request_cannot_be_waived(client, compliance_officer, campaign, agent):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(agent, campaign), {"reason": "On leave"}, follow=True)

    assert "Only a pending request can be waived; this one is signed." in response.content.decode()
    ack = request_of(agent, campaign)
    assert ack.status == RequestStatus.SIGNED
    assert ack.waiver_reason == ""
    assert ack.waived_by is None


def test_waiving_needs_a_post(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.get(waive_url(sam, campaign))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_waiver_never_redirects_off_the_portal(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": "On leave", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == PEOPLE


# ---------------------------------------------------------------------------
# The version summary PDF
# ---------------------------------------------------------------------------


def summary_url(version: CodeVersion) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/summary.pdf"


def test_compliance_downloads_a_versions_summary_as_pdf(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(summary_url(campaign))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="summary-customer-service-v1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_an_agent_may_not_download_a_summary(client, agent, campaign):
    client.force_login(agent.user)

    response = client.get(summary_url(campaign))

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_a_draft_has_no_summary(client, compliance_officer, draft):
    client.force_login(compliance_officer.user)

    response = client.get(summary_url(draft))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "There is nothing here" in response.content.decode()


# ---------------------------------------------------------------------------
# Verifying the signature chain
# ---------------------------------------------------------------------------

VERIFY = "/acknowledgements/verify/"


def test_the_verify_page_shows_the_button(client, compliance_officer):
    client.force_login(compliance_officer.user)

    response = client.get(VERIFY)

    assert response.status_code == 200
    assert "Verify now" in response.content.decode()
    assert response.context["report"] is None


def test_verifying_an_intact_chain_says_intact_with_the_number_of_records(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.post(VERIFY)

    assert response.status_code == 200
    assert "Intact: 2 records checked" in response.content.decode()
    assert AuditEvent.objects.get(action="acknowledgements.verify").details == {
        "checked": 2,
        "intact": True,
        "problems": [],
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_agent_may_not_verify(client, agent, method):
    client.force_login(agent.user)

    assert getattr(client, method)(VERIFY).status_code == 403
    assert not AuditEvent.objects.filter(action="acknowledgements.verify").exists()
