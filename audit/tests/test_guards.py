"""Audit events are append-only: the model refuses a change, and on PostgreSQL so does the database.

The database's triggers come from audit/migrations/0002_database_guards.py (audit/guards.py); they
hold even for code that goes round the model, such as a bulk update or a raw statement.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, models, transaction

from audit.models import AuditEvent
from common.errors import DomainError

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


@pytest.fixture
def event() -> AuditEvent:
    # Written as it stands in the table, whatever the registry holds: the guards care for no action.
    return AuditEvent.objects.create(action="codes.version.publish", object_type="", object_id="", object_repr="v1")


def assert_untouched(event: AuditEvent) -> None:
    assert AuditEvent.objects.filter(pk=event.pk, action="codes.version.publish", object_repr="v1").count() == 1


def test_the_model_refuses_to_change_or_delete_an_event(event) -> None:
    event.action = "nothing.happened"

    with pytest.raises(DomainError, match="cannot be changed"):
        event.save()
    with pytest.raises(DomainError, match="cannot be deleted"):
        event.delete()
    with pytest.raises(DomainError, match="cannot be changed"):
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    with pytest.raises(DomainError, match="cannot be deleted"):
        AuditEvent.objects.all().delete()

    assert_untouched(event)


@postgresql_only
def test_the_database_refuses_an_update_through_the_orm_past_the_model(event) -> None:
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), action="nothing.happened")

    assert_untouched(event)


@postgresql_only
def test_the_database_refuses_a_delete_through_the_orm_past_the_model(event) -> None:
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        models.QuerySet.delete(AuditEvent.objects.filter(pk=event.pk))

    assert_untouched(event)


@postgresql_only
@pytest.mark.parametrize(
    ("sql", "refused"),
    [
        ("UPDATE audit_auditevent SET object_repr = 'v2' WHERE id = %s", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE id = %s", "DELETE"),
    ],
)
def test_the_database_refuses_an_update_or_delete_in_raw_sql(event, sql, refused) -> None:
    with (
        pytest.raises(DatabaseError, match=f"append-only: {refused} refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    assert_untouched(event)
