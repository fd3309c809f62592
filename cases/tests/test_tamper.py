"""Attacks on breach cases as the application's role (CONDUCT_PORTAL_APP_DATABASE_URL, with the grants of
`manage.py grant_app_role`), as acknowledgements' tamper suite makes them: the role may not delete or truncate a
case, nor write a fact's column; the columns it may write, the trigger still guards."""

from __future__ import annotations

import pytest
from django.db import connection

from acknowledgements.tests.test_tamper import APP_DATABASE_URL, as_app, refused
from cases.models import Case, Outcome

from .conftest import DESCRIPTION, UNDER_SECOND

__all__ = ["as_app"]  # the fixture, shared with acknowledgements' tamper suite

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the guards are PostgreSQL's triggers and roles"),
    pytest.mark.skipif(not APP_DATABASE_URL, reason="CONDUCT_PORTAL_APP_DATABASE_URL is not set"),
    # The application's role connects on its own, so it sees only what is committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.attack,
]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM cases_case",
        "TRUNCATE cases_case CASCADE",
        "UPDATE cases_case SET occurred_on = '2026-03-01'",
        "UPDATE cases_case SET person_id = person_id",
        "UPDATE cases_case SET section_id = section_id",
        "UPDATE cases_case SET recorded_at = now()",
    ],
)
def test_the_application_role_may_not_delete_a_case_or_write_its_facts(as_app, case, sql) -> None:
    assert "permission denied" in refused(as_app, sql)

    assert Case.objects.get(pk=case.pk).occurred_on == UNDER_SECOND


def test_the_application_role_cannot_rewrite_a_description_but_with_a_pseudonym(as_app, case) -> None:
    assert "recorded once" in refused(as_app, "UPDATE cases_case SET description = 'Nothing happened.'")

    assert Case.objects.get(pk=case.pk).description == DESCRIPTION


def test_the_application_role_may_change_an_outcome(as_app, case) -> None:
    with as_app.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET outcome = %s, outcome_note = 'Talked it through'", [Outcome.COACHING])

    case.refresh_from_db()
    assert (case.outcome, case.outcome_note) == (Outcome.COACHING, "Talked it through")
