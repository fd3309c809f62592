"""seeding.scale.loading: the constraints and indexes lifted for the bulk load are all back afterwards."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest, Signature
from people.models import Department, StaffProfile
from seeding.scale.loading import Rows
from training.models import Assignment, Completion

from .test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db

User = get_user_model()
LOADED = [User, User.groups.through, StaffProfile, AcknowledgementRequest, Signature, Completion, Assignment]


def _definitions() -> set[tuple[str, str]]:
    """Every index and constraint of the loaded tables, as PostgreSQL would write it again."""
    tables = [model._meta.db_table for model in LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[])"
            " UNION SELECT conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[])",
            [tables, tables],
        )
        return set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load lifts constraints on PostgreSQL only")
def test_every_index_and_constraint_of_the_loaded_tables_is_back_after_the_load() -> None:
    before = _definitions()

    seed_scale()

    assert _definitions() == before
    # The unique (person, version) index among them, dropped for the load and rebuilt, and the people's search
    # indexes (trigrams of names and employee ids).
    assert any("acknowledgements_request_one_per_version" in definition for _table, definition in before)
    assert any("people_user_full_name_trgm" in definition for _table, definition in before)


def test_rows_write_text_that_copy_must_escape_as_it_was() -> None:
    # A row is written whole unless its line shows something to escape; these go both ways.
    rows = Rows(Department, ["name", "code"], now=timezone.now())
    rows.add(("Tabs\tand\nlines\\ here\r", "ESC-1"))
    rows.add(("Plain", "ESC-2"))
    rows.flush()

    names = Department.objects.filter(code__startswith="ESC-").order_by("code").values_list("name", flat=True)
    assert list(names) == ["Tabs\tand\nlines\\ here\r", "Plain"]
