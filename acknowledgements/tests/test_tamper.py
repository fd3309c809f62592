"""The tamper suite: each attack on the proof is refused by the database or named by verify_signatures.

On PostgreSQL. The attacks an intruder with the application's credentials could try run as the
application's role (CONDUCT_PORTAL_APP_DATABASE_URL, which `.ci/run` sets; its grants come from
`manage.py grant_app_role`). Those that need the tables' owner, who can switch triggers off, run
as the owner: the database cannot refuse its owner, so verification must find what was done.
Verification itself runs as the application's role, as `manage.py verify_signatures` in a process
of its own, and must exit non-zero naming the record.

Every test here is one attack (marked `attack`); the run prints "N attacks tried, N refused or
detected" (acknowledgements/tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg2
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from acknowledgements import services
from acknowledgements.chain import HASHED_FIELDS, hash_of_fields, record_hash
from acknowledgements.chain_format import COMMITTED_FIELDS
from acknowledgements.models import AcknowledgementRequest, Signature
from acknowledgements.tests.test_chain import SIGNATURE_GUARD, behind_the_portals_back
from audit.guards import TEST_DATABASE_COMMENT
from audit.models import AuditEvent
from codes.tests.factories import DraftFactory, SectionFactory
from people.models import StaffProfile

BASE_DIR = Path(__file__).resolve().parents[2]
APP_DATABASE_URL = os.environ.get("CONDUCT_PORTAL_APP_DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the guards are PostgreSQL's triggers and roles"),
    pytest.mark.skipif(
        not APP_DATABASE_URL,
        reason="CONDUCT_PORTAL_APP_DATABASE_URL is not set: the attacks run as the application's role "
        "(.ci/run sets it)",
    ),
    # The application's role connects on its own, so it sees only what is committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.attack,
]


def app_role_settings() -> dict[str, object]:
    url = urlsplit(APP_DATABASE_URL)
    return {
        "host": url.hostname,
        "port": url.port or 5432,
        "user": unquote(url.username or ""),
        "password": unquote(url.password or ""),
        "dbname": connection.settings_dict["NAME"],  # the test database, not the one in the URL
    }


@pytest.fixture
def as_app(transactional_db) -> Iterator[psycopg2.extensions.connection]:
    """A connection to the test database as the application's role, with the grants production has."""
    role = app_role_settings()
    call_command("grant_app_role", role=role["user"], stdout=StringIO())
    app = psycopg2.connect(**role)
    app.autocommit = True
    yield app
    app.close()


@pytest.fixture
def chain(published, agent, manager, compliance_officer, second_manager) -> list[Signature]:
    """Three signatures and a checkpoint of them; the second manager is asked and has not signed."""
    services.requests_create_for_version(version=published)
    signatures = [
        services.signature_create(
            ack_request=AcknowledgementRequest.objects.get(version=published, person=person),
            actor=person.user,
            typed_name=person.full_name,
        )
        for person in (agent, manager, compliance_officer)
    ]
    services.checkpoint_create()
    return signatures


def refused(app: psycopg2.extensions.connection, sql: str, params: list | tuple = ()) -> str:
    """Run `sql` as the application's role; return the database's refusal (failing if there is none)."""
    with app.cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except psycopg2.Error as error:
            return str(error)
    raise AssertionError(f"The database accepted, as the application's role: {sql}")


def verify_as_app() -> subprocess.CompletedProcess[str]:
    """`manage.py verify_signatures` in a process of its own, connected as the application's role."""
    role = app_role_settings()
    url = f"postgres://{role['user']}:{role['password']}@{role['host']}:{role['port']}/{role['dbname']}"
    return subprocess.run(
        [sys.executable, "manage.py", "verify_signatures", "--workers", "1"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_detected(pattern: str) -> None:
    result = verify_as_app()
    assert result.returncode != 0, result.stdout
    assert re.search(rf"BROKEN at {pattern}", result.stderr), result.stderr


def assert_intact() -> None:
    result = verify_as_app()
    assert result.returncode == 0, result.stderr
    assert "Intact: 3 records" in result.stdout


# ---------------------------------------------------------------------------
# Refused by the database
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table", ["acknowledgements_signature", "acknowledgements_signaturecheckpoint", "audit_auditevent"]
)
def test_the_application_role_cannot_truncate_the_proof(as_app, chain, table) -> None:
    assert "permission denied" in refused(as_app, f"TRUNCATE {table} CASCADE")

    assert_intact()


@pytest.mark.parametrize(
    "table",
    [
        "acknowledgements_signature",
        "acknowledgements_signaturecheckpoint",
        "audit_auditevent",
        "codes_section",
        "codes_codeversion",
    ],
)
def test_even_the_owner_cannot_truncate_the_proof_outside_a_test_database(chain, table) -> None:
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    with transaction.atomic(), connection.cursor() as cursor:
        # Inside this transaction only: the database is no longer marked as a test database.
        cursor.execute(f"COMMENT ON DATABASE {database} IS NULL")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            cursor.execute(f"TRUNCATE {table} CASCADE")
        transaction.set_rollback(True)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        assert cursor.fetchone()[0] == TEST_DATABASE_COMMENT
    assert Signature.objects.count() == 3


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE acknowledgements_signature SET typed_name = 'Nobody'",
        "UPDATE acknowledgements_signature SET statement = 'Nothing'",
        "UPDATE acknowledgements_signatureauthentication SET subject = 'anon-0123'",
        "DELETE FROM acknowledgements_signature WHERE sequence = 3",
        "UPDATE acknowledgements_signaturecheckpoint SET count = 2",
        "DELETE FROM acknowledgements_signaturecheckpoint",
        "UPDATE audit_auditevent SET action = 'nothing.happened'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_application_role_cannot_edit_or_delete_the_proof(as_app, chain, sql) -> None:
    # Refused by its grants, or (a signature's personal fields, which it may pseudonymise) by the trigger.
    assert re.search("permission denied|append-only", refused(as_app, sql))

    assert_intact()


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET action = 'nothing.happened'", "DELETE FROM audit_auditevent"]
)
def test_even_the_owner_cannot_edit_or_delete_an_audit_event_with_the_triggers_on(chain, sql) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditEvent.objects.filter(action="acknowledgements.signature.create").count() == 3


@pytest.mark.parametrize(
    "table", ["acknowledgements_signature", "acknowledgements_signaturecheckpoint", "audit_auditevent"]
)
def test_the_application_role_cannot_switch_a_guard_off(as_app, chain, table) -> None:
    assert "must be owner" in refused(as_app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")


def test_a_draft_section_cannot_be_moved_into_a_published_version(as_app, chain, published, document, manager):
    draft = DraftFactory(document=document, number=2, author=manager.user)
    section = SectionFactory(version=draft, title="Anything goes", body="Be rude.")

    assert "frozen" in refused(
        as_app, "UPDATE codes_section SET version_id = %s WHERE id = %s", [published.pk, section.pk]
    )

    assert set(published.sections.values_list("title", flat=True)) == {"Professionalism", "Privacy"}


def test_a_published_section_cannot_be_moved_out_into_a_draft(as_app, chain, published, document, manager) -> None:
    draft = DraftFactory(document=document, number=2, author=manager.user)

    assert "frozen" in refused(
        as_app, "UPDATE codes_section SET version_id = %s WHERE version_id = %s", [draft.pk, published.pk]
    )

    assert published.sections.count() == 2


# ---------------------------------------------------------------------------
# Detected by verify_signatures
# ---------------------------------------------------------------------------


def test_a_truncated_chain_is_detected(chain) -> None:
    # The owner switches every guard off, so nothing in the database can refuse it.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE acknowledgements_signature DISABLE TRIGGER USER")
        cursor.execute("TRUNCATE acknowledgements_signature")
        cursor.execute("ALTER TABLE acknowledgements_signature ENABLE TRIGGER USER")

    assert_detected("records #1 to #3 are missing")


def test_a_chain_cut_at_its_end_is_detected(chain) -> None:
    behind_the_portals_back("DELETE FROM acknowledgements_signature WHERE sequence = 3", [], **SIGNATURE_GUARD)

    assert_detected("record #3 is missing")


def test_a_chain_recomputed_after_an_edit_is_detected(chain) -> None:
    previous = chain[0].record_hash
    for signature in chain[1:]:
        if signature.sequence == 2:
            signature.statement = "I agree to nothing."
        signature.previous_hash = previous
        previous = record_hash(signature)
        behind_the_portals_back(
            "UPDATE acknowledgements_signature SET statement = %s, previous_hash = %s, record_hash = %s WHERE id = %s",
            [signature.statement, signature.previous_hash, previous, signature.pk],
            **SIGNATURE_GUARD,
        )

    assert_detected(rf"record #2 \(id {chain[1].pk}\): its MAC does not match")


def test_a_record_forged_with_a_plain_insert_is_detected(as_app, chain, second_manager) -> None:
    last = Signature.objects.get(sequence=3)
    request = AcknowledgementRequest.objects.get(person=second_manager)
    fields = [
        4,
        request.pk,
        second_manager.pk,
        last.version_id,
        last.signed_at,
        last.statement,
        *last_commitments(last),
        last.content_hash,
        None,
        last.record_hash,
    ]
    forged_hash = hash_of_fields(*fields)
    columns = ", ".join([*HASHED_FIELDS, "typed_name", "user_agent", "record_hash", "record_mac"])
    values = ", ".join(["%s"] * (len(HASHED_FIELDS) + 4))
    with as_app.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO acknowledgements_signature ({columns}) VALUES ({values})",  # noqa: S608 - our own column names
            [*fields, second_manager.full_name, "", forged_hash, "0" * 64],
        )
        cursor.execute(
            "UPDATE acknowledgements_acknowledgementrequest SET status = 'signed' WHERE id = %s", [request.pk]
        )

    assert_detected("record #4 .*the portal did not write this record")


def last_commitments(signature: Signature) -> list[str]:
    return [getattr(signature, column) for column in COMMITTED_FIELDS.values()]


def test_a_typed_name_edited_behind_the_portals_back_is_detected(chain) -> None:
    # The hash covers the commitment, which the edit leaves as it was: the commitment no longer matches.
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET typed_name = 'Somebody Else' WHERE sequence = 2", [], **SIGNATURE_GUARD
    )

    assert_detected(r"record #2 .*typed name, IP address or browser no longer matches")


def test_the_application_role_cannot_pass_a_name_off_as_a_pseudonym(as_app, chain) -> None:
    assert "append-only" in refused(
        as_app,
        "UPDATE acknowledgements_signature SET typed_name = 'anon-made-up', ip_address = NULL, user_agent = '', "
        "pseudonymised_at = now() WHERE sequence = 2",
    )

    assert_intact()


def test_the_application_role_cannot_pseudonymise_and_edit_at_once(as_app, chain, manager) -> None:
    StaffProfile.objects.filter(pk=manager.pk).update(employee_id="anon-0123456789abcdef01234567")

    assert "permission denied" in refused(
        as_app,
        "UPDATE acknowledgements_signature SET typed_name = 'anon-0123456789abcdef01234567', ip_address = NULL, "
        "user_agent = '', pseudonymised_at = now(), statement = 'I agree to nothing.' WHERE sequence = 2",
    )
    assert "append-only" in refused(
        as_app,
        "UPDATE acknowledgements_signature SET typed_name = 'anon-0123456789abcdef01234567', "
        "user_agent = 'Kept browser', pseudonymised_at = now() WHERE sequence = 2",
    )


def test_the_application_role_may_only_pseudonymise_a_pseudonymised_persons_records(as_app, chain, manager) -> None:
    StaffProfile.objects.filter(pk=manager.pk).update(employee_id="anon-0123456789abcdef01234567")
    with as_app.cursor() as cursor:
        cursor.execute(
            "UPDATE acknowledgements_signature SET typed_name = 'anon-0123456789abcdef01234567', ip_address = NULL, "
            "user_agent = '', pseudonymised_at = now() WHERE sequence = 2"
        )

    assert Signature.objects.get(sequence=2).typed_name == "anon-0123456789abcdef01234567"
    assert_intact()


def test_the_application_role_cannot_rewrite_an_audit_event_but_with_a_pseudonym(as_app, chain) -> None:
    assert "append-only" in refused(
        as_app, "UPDATE audit_auditevent SET object_repr = 'Nothing happened', pseudonymised_at = now()"
    )
    assert "permission denied" in refused(
        as_app, "UPDATE audit_auditevent SET object_repr = 'anon-0123', actor_id = NULL, pseudonymised_at = now()"
    )
    assert "append-only" in refused(as_app, "UPDATE audit_auditevent SET object_repr = 'anon-0123'")

    assert AuditEvent.objects.filter(pseudonymised_at__isnull=False).count() == 0


def test_a_forged_checkpoint_is_detected(as_app, chain) -> None:
    last = chain[-1]
    with as_app.cursor() as cursor:
        cursor.execute(
            "INSERT INTO acknowledgements_signaturecheckpoint (created_at, count, head_sequence, head_hash, mac) "
            "VALUES (now(), 2, 2, %s, %s) RETURNING id",
            [chain[1].record_hash, last.record_mac],
        )
        forged = cursor.fetchone()[0]

    assert_detected(f"checkpoint {forged} of .*MAC does not match")


def test_a_signed_request_set_back_to_pending_is_detected(as_app, chain) -> None:
    with as_app.cursor() as cursor:
        cursor.execute(
            "UPDATE acknowledgements_acknowledgementrequest SET status = 'pending' WHERE id = %s", [chain[1].request_id]
        )

    assert_detected(f"request {chain[1].request_id} has signature record #2, but is marked pending")


def test_a_request_marked_signed_without_a_signature_is_detected(as_app, chain, second_manager) -> None:
    request = AcknowledgementRequest.objects.get(person=second_manager)
    with as_app.cursor() as cursor:
        cursor.execute(
            "UPDATE acknowledgements_acknowledgementrequest SET status = 'signed' WHERE id = %s", [request.pk]
        )

    assert_detected(f"request {request.pk} is marked signed, but no signature record exists")
