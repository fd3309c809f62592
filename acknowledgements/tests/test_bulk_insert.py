"""Rows inserted from a query, inside the database."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from common.bulk import insert_from_query
from people.models import StaffProfile

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 2, 1, 9, 30, tzinfo=datetime.UTC)


def test_each_row_of_the_query_becomes_a_row_with_the_given_values_and_the_defaults(published, agent):
    with time_machine.travel(NOW, tick=False):
        inserted = insert_from_query(
            AcknowledgementRequest,
            StaffProfile.objects.order_by().values_list("pk"),
            ["person"],
            version=published,
            due_date=datetime.date(2027, 2, 15),
        )

    rows = AcknowledgementRequest.objects.filter(version=published)
    assert inserted == rows.count() == StaffProfile.objects.count() > 1
    assert {(row.person_id, row.status, row.due_date, row.created_at, row.waiver_reason) for row in rows} == {
        (pk, RequestStatus.PENDING, datetime.date(2027, 2, 15), NOW, "")
        for pk in StaffProfile.objects.values_list("pk", flat=True)
    }


def test_rows_a_unique_constraint_refuses_are_skipped_and_not_counted(published, agent):
    people = StaffProfile.objects.order_by().values_list("pk")
    insert_from_query(AcknowledgementRequest, people.filter(pk=agent.pk), ["person"], version=published, due_date=NOW)

    inserted = insert_from_query(AcknowledgementRequest, people, ["person"], version=published, due_date=NOW)

    assert inserted == StaffProfile.objects.count() - 1
    assert AcknowledgementRequest.objects.filter(version=published).count() == StaffProfile.objects.count()
