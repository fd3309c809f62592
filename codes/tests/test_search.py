"""Finding sections by their words: the vector the search compares is the one its indexes were built on."""

from __future__ import annotations

import pytest
from django.db import connection

from codes.models import Section
from codes.search import CONFIGURATIONS, SECTION_FIELDS, Search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search and its indexes are PostgreSQL's"),
]


@pytest.mark.parametrize("configuration", sorted(set(CONFIGURATIONS.values())))
def test_the_section_search_can_read_the_index_of_its_language(configuration) -> None:
    # Forbidden to read the table whole, the planner can answer `vector @@ query` only from an expression
    # index whose expression is exactly the query's to_tsvector (migration 0009): this pins the two together
    # for each language. The filter alone is planned, as sections_matching applies it: the whole query's
    # other conditions could be read through other indexes.
    search = Search("integrity", configuration)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = (
        Section.objects.annotate(search_vector=search.vector(*SECTION_FIELDS))
        .filter(search_vector=search.query())
        .order_by()
        .values("pk")
        .explain()
    )

    assert f"codes_section_search_{configuration}" in plan
