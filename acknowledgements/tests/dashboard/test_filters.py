"""The dashboard's filters: department, status, version, document and due dates, and their errors."""

from __future__ import annotations

import datetime

import pytest

from acknowledgements.tests.dashboard.helpers import DASHBOARD, PEOPLE, counts, due, rendered_figures, today

pytestmark = pytest.mark.django_db


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
