"""The dashboard's figures: the totals, by department and by version, and the percentage signed."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.tests.dashboard.helpers import DASHBOARD, counts, rendered_figures, sign, waive
from codes.tests.factories import publish, start_revision

pytestmark = pytest.mark.django_db


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


def test_the_replaced_versions_badge_starts_with_a_capital_as_every_status_does(
    client, compliance_officer, campaign, manager, second_manager
):
    publish(start_revision(campaign.document, actor=manager.user), author=manager.user, approver=second_manager.user)
    client.force_login(compliance_officer.user)

    page = client.get(DASHBOARD).content.decode()

    assert f'v{campaign.number}</a> <span class="badge text-bg-light border">Replaced</span>' in page
