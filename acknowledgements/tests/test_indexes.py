"""The requests' indexes: each one a publication pays for, once per request it writes and once per request it
supersedes, serves a lookup that no other index serves."""

from __future__ import annotations

import pytest
from django.db import connection

from acknowledgements.models import AcknowledgementRequest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue"),
]


def request_indexes() -> dict[str, str]:
    """Each index of the requests' table: its name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [AcknowledgementRequest._meta.db_table],
        )
        return dict(cursor.fetchall())


def test_no_index_of_the_requests_is_the_leading_columns_of_another() -> None:
    """A person's requests are found by the unique (person, version) index, a version's by (version, status, due
    date): an index of the person or of the version alone would only be written, never needed."""
    indexes = request_indexes()
    columns = {name: _columns(definition) for name, definition in indexes.items() if " WHERE " not in definition}

    covered = [
        (name, other)
        for name, mine in columns.items()
        for other, theirs in columns.items()
        if name != other and len(mine) < len(theirs) and theirs[: len(mine)] == mine
    ]

    assert covered == []
    assert ["person_id", "version_id"] in columns.values()
    assert ["version_id", "status", "due_date"] in columns.values()


def test_who_waived_is_indexed_for_the_waived_requests_only() -> None:
    """Nearly every request was waived by nobody: a full index of the column would index a NULL per request."""
    [definition] = [d for d in request_indexes().values() if _columns(d) == ["waived_by_id"]]

    assert definition.endswith("WHERE (waived_by_id IS NOT NULL)")


def _columns(definition: str) -> list[str]:
    """The columns of an index from its definition: `CREATE INDEX … USING btree (a, b) WHERE …` gives [a, b]."""
    inside = definition.split(" USING btree (", 1)[1].split(")", 1)[0]
    return [column.strip().strip('"') for column in inside.split(",")]
