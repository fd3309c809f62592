"""A case's facts are recorded once: the model refuses to change them or delete the case, and on PostgreSQL so does
the database (migration cases 0003), even for raw SQL as the tables' owner, the triggers on. The outcome may change;
the description only by a leaver's pseudonym replacing their name."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases import services
from cases.models import Case, CaseFactsError, Outcome

from .conftest import DESCRIPTION, UNDER_SECOND, privacy_of

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the guards are PostgreSQL's triggers")

PSEUDONYM = "anon-0123456789abcdef01234567"


def run_as_owner(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def test_saving_a_changed_fact_is_refused_with_a_readable_message(case) -> None:
    case.occurred_on -= datetime.timedelta(days=1)

    with pytest.raises(CaseFactsError, match="facts of a breach case are recorded once"):
        case.save()

    case.refresh_from_db()
    assert case.occurred_on == UNDER_SECOND


def test_saving_a_changed_description_is_refused(case) -> None:
    case.description = "Nothing happened."

    with pytest.raises(CaseFactsError):
        case.save()

    assert Case.objects.get(pk=case.pk).description == DESCRIPTION


def test_saving_a_case_with_its_facts_unchanged_is_allowed(case) -> None:
    case.outcome_note = "Spoken to."

    case.save()

    assert Case.objects.get(pk=case.pk).outcome_note == "Spoken to."


def test_deleting_a_case_is_refused(case) -> None:
    with pytest.raises(CaseFactsError, match="nor the case deleted"):
        case.delete()

    assert Case.objects.filter(pk=case.pk).exists()


def test_deleting_cases_in_bulk_is_refused(case) -> None:
    with pytest.raises(CaseFactsError):
        Case.objects.all().delete()

    assert Case.objects.filter(pk=case.pk).exists()


def test_the_outcome_is_still_changed_through_the_service(case, compliance_officer) -> None:
    services.case_set_outcome(case=case, outcome=Outcome.COACHING, note="Coached.", actor=compliance_officer.user)

    case.refresh_from_db()
    assert (case.outcome, case.outcome_note) == (Outcome.COACHING, "Coached.")


# ---------------------------------------------------------------------------
# The database, as the tables' owner with the triggers on
# ---------------------------------------------------------------------------


@postgresql_only
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_on", datetime.date(2026, 3, 1)),
        ("recorded_at", datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)),
        ("description", "Nothing happened."),
        ("description", "Nothing happened to anon-0123."),
        ("description", f"Nothing happened to {PSEUDONYM}."),
        ("description", f"Read a card number aloud to {PSEUDONYM}. Ann saw it twice."),
    ],
)
def test_the_database_refuses_to_change_a_fact(case, column, value) -> None:
    with pytest.raises(DatabaseError, match="recorded once: UPDATE refused"):
        run_as_owner(f"UPDATE cases_case SET {column} = %s WHERE id = %s", [value, case.pk])  # noqa: S608

    assert getattr(Case.objects.get(pk=case.pk), column) == getattr(case, column)


@postgresql_only
@pytest.mark.parametrize(("column", "of_person"), [("person_id", "pk"), ("recorded_by_id", "user_id")])
def test_the_database_refuses_to_change_who_a_case_is_about_or_who_recorded_it(
    case, column, of_person, second_manager
) -> None:
    someone_else = getattr(second_manager, of_person)

    with pytest.raises(DatabaseError, match="recorded once: UPDATE refused"):
        run_as_owner(f"UPDATE cases_case SET {column} = %s WHERE id = %s", [someone_else, case.pk])  # noqa: S608

    assert getattr(Case.objects.get(pk=case.pk), column) == getattr(case, column)


@postgresql_only
def test_the_database_refuses_to_move_a_case_to_another_clause(case, history) -> None:
    first, _second = history

    with pytest.raises(DatabaseError, match="recorded once: UPDATE refused"):
        run_as_owner("UPDATE cases_case SET section_id = %s WHERE id = %s", [privacy_of(first).pk, case.pk])

    assert Case.objects.get(pk=case.pk).section_id == case.section_id


@postgresql_only
def test_the_database_refuses_to_delete_a_case(case) -> None:
    with pytest.raises(DatabaseError, match="recorded once: DELETE refused"):
        run_as_owner("DELETE FROM cases_case WHERE id = %s", [case.pk])

    assert Case.objects.filter(pk=case.pk).exists()


@postgresql_only
def test_the_database_refuses_to_truncate_cases_outside_a_test_database(case) -> None:
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    with transaction.atomic(), connection.cursor() as cursor:
        # Inside this transaction only: the database is no longer marked as a test database.
        cursor.execute(f"COMMENT ON DATABASE {database} IS NULL")
        # The case's deferred foreign keys settled first: a table with pending trigger events cannot be emptied.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            cursor.execute("TRUNCATE cases_case CASCADE")
        transaction.set_rollback(True)

    assert Case.objects.filter(pk=case.pk).exists()


@postgresql_only
def test_the_database_lets_the_outcome_change(case) -> None:
    decided = timezone.now()

    run_as_owner(
        "UPDATE cases_case SET outcome = %s, outcome_note = %s, outcome_changed_at = %s WHERE id = %s",
        [Outcome.NO_ACTION, "Nothing to do.", decided, case.pk],
    )

    case.refresh_from_db()
    assert (case.outcome, case.outcome_note, case.outcome_changed_at) == (Outcome.NO_ACTION, "Nothing to do.", decided)


@postgresql_only
def test_the_database_lets_a_pseudonym_replace_a_name_in_the_description(case) -> None:
    run_as_owner(
        "UPDATE cases_case SET description = replace(description, 'Ann Example', %s) WHERE id = %s",
        [PSEUDONYM, case.pk],
    )

    assert Case.objects.get(pk=case.pk).description == f"Read a card number aloud to {PSEUDONYM}. Ann saw it."


@postgresql_only
def test_the_database_lets_a_second_mention_be_replaced_by_the_same_pseudonym(case) -> None:
    replace = "UPDATE cases_case SET description = replace(description, %s, %s) WHERE id = %s"

    run_as_owner(replace, ["Ann Example", PSEUDONYM, case.pk])
    run_as_owner(replace, ["Ann", PSEUDONYM, case.pk])

    assert Case.objects.get(pk=case.pk).description == f"Read a card number aloud to {PSEUDONYM}. {PSEUDONYM} saw it."


@postgresql_only
def test_the_database_refuses_a_pseudonym_slipped_in_with_another_fact_changed(case) -> None:
    with pytest.raises(DatabaseError, match="recorded once: UPDATE refused"):
        run_as_owner(
            "UPDATE cases_case SET description = %s, occurred_on = %s WHERE id = %s",
            [f"Read a card number to {PSEUDONYM}.", datetime.date(2026, 3, 1), case.pk],
        )

    assert Case.objects.get(pk=case.pk).occurred_on == UNDER_SECOND
