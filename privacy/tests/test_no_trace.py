"""After a leaver is pseudonymised, nothing in the database names them: every text column of every table is
searched with plain SQL, not through the models."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from acknowledgements.chain import verify_records
from privacy import services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the search reads PostgreSQL's catalogue"),
]

# Every column that can hold text, whatever its type; cast to text to be searched.
TEXT_TYPES = ("character varying", "character", "text", "json", "jsonb", "inet", "cidr")


def columns_holding_text() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s) "
            "ORDER BY c.table_name, c.column_name",
            [list(TEXT_TYPES)],
        )
        return cursor.fetchall()


def traces_of(value: str) -> list[str]:
    """Each table.column where `value` occurs (case aside), searched in SQL."""
    found = []
    with connection.cursor() as cursor:
        for table, column in columns_holding_text():
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT count(*) FROM {quoted_table} WHERE strpos(lower({quoted_column}::text), lower(%s)) > 0",  # noqa: S608
                [value],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


LEAVER_VALUES = (
    "Zenobia Quillfeather",
    "Zenobia",
    "Quillfeather",
    "zenobia.quillfeather@example.com",
    "zenobia.quillfeather",
    "HR-7731-ZQ",
    "203.0.113.99",
    "Quillfeather-Browser/7.3",
)


def test_the_search_finds_the_leaver_before_the_pseudonymisation(signed_leaver) -> None:
    assert "auth_user.first_name" in traces_of("Zenobia")
    assert "acknowledgements_signature.ip_address" in traces_of("203.0.113.99")
    assert "audit_auditevent.object_repr" in traces_of("Zenobia Quillfeather")


@pytest.mark.parametrize("value", LEAVER_VALUES)
def test_no_table_holds_a_trace_of_the_leaver_after_it(signed_leaver, manager, compliance_officer, value) -> None:
    services.person_pseudonymise(person=signed_leaver, actor=None)

    assert traces_of(value) == []


def test_the_chain_still_verifies_after_it(signed_leaver) -> None:
    services.person_pseudonymise(person=signed_leaver, actor=None)

    out = StringIO()
    call_command("verify_signatures", stdout=out)
    assert "Intact: 3 records" in out.getvalue()
    assert verify_records().intact
