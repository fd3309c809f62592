"""The dashboard and the people list cost the same queries for 1 or 25 people."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest
from acknowledgements.tests.dashboard.helpers import DASHBOARD, PEOPLE, make_overdue, rendered_figures, sign, waive
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def expected_figures(many: list[StaffProfile]) -> dict[str, str]:
    """What the ``many`` fixture's people add up to: a third signed, a third waived, a third overdue."""
    return {"signed": str(len(many[0::3])), "waived": str(len(many[1::3])), "overdue": str(len(many[2::3]))}


def figures_named(response, names: Iterable[str]) -> dict[str, str]:
    return {name: rendered_figures(response)[name] for name in names}


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

    # session, unread notifications, my tasks, user, permissions (own and roles', one query),
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


def test_a_versions_dashboard_stays_within_ten_queries(
    client, compliance_officer, many, published, django_assert_max_num_queries
):
    # Issue 19's ceiling for the dashboard of a version, as the benchmark opens it: every page also counts
    # the person's tasks and notifications for the navigation, and reads their permissions.
    client.force_login(compliance_officer.user)

    with django_assert_max_num_queries(10):
        response = client.get(DASHBOARD, {"version": published.pk})
    assert figures_named(response, ["signed"]) == {"signed": str(len(many[0::3]))}


def test_the_people_list_costs_the_same_queries_for_1_or_25_people(
    client, compliance_officer, many, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query),
    # count, one page of requests with person, user, department, manager, version, document and signature joined,
    # the totals (one aggregate), the filter choices: documents, published versions with their document, departments
    with django_assert_num_queries(11):
        response = client.get(PEOPLE)
    assert response.status_code == 200
    # The counted queries drew the whole first page, each row with the person's name linked to their page.
    page = response.content.decode()
    names = [ack.person.full_name for ack in response.context["page"]]
    assert len(names) == min(AcknowledgementRequest.objects.count(), 25)
    assert all(f">{name}</a>" in page for name in names)


def test_a_managers_dashboard_costs_the_same_queries_for_1_or_25_people(
    client, manager, many, django_assert_num_queries
):
    client.force_login(manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query),
    # by version (the totals are its sum), by department (scoped by a join to the manager's user),
    # the filter choices: documents, published versions with their document, departments
    with django_assert_num_queries(10):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert rendered_figures(response)["asked"] == str(len(many))
