"""Signature records are append-only and chained; verification finds any change made behind the portal's back."""

from __future__ import annotations

import threading
from functools import partial
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from acknowledgements import services
from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, AppendOnlyError, Signature
from common.errors import DomainError
from common.tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


@pytest.fixture
def signatures(published, agent, manager, compliance_officer) -> list[Signature]:
    services.requests_create_for_version(version=published)
    return [
        services.signature_create(
            ack_request=AcknowledgementRequest.objects.get(version=published, person=person),
            actor=person.user,
            typed_name=person.full_name,
        )
        for person in (agent, manager, compliance_officer)
    ]


def behind_the_portals_back(sql: str, params: list, *, table: str, trigger: str) -> None:
    """What a database administrator could do: switch the guard off, change a row, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; settle them so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


SIGNATURE_GUARD = {"table": "acknowledgements_signature", "trigger": "acknowledgements_signature_append_only"}


def verify() -> str:
    out = StringIO()
    call_command("verify_signatures", stdout=out)
    return out.getvalue()


def test_an_intact_chain_verifies(signatures) -> None:
    output = verify()

    assert "Intact: 3 records and 1 signed version checked" in output


def test_an_empty_chain_verifies(db) -> None:
    assert "Intact: 0 records" in verify()


def test_the_model_refuses_to_change_a_signature(signatures) -> None:
    signature = signatures[0]
    signature.typed_name = "Someone else"

    with pytest.raises(AppendOnlyError):
        signature.save()
    with pytest.raises(AppendOnlyError):
        signature.delete()
    with pytest.raises(AppendOnlyError):
        Signature.objects.filter(pk=signature.pk).update(typed_name="x")
    with pytest.raises(AppendOnlyError):
        Signature.objects.all().delete()


@postgresql_only
@pytest.mark.parametrize(
    "sql", ["UPDATE acknowledgements_signature SET typed_name = 'x'", "DELETE FROM acknowledgements_signature"]
)
def test_raw_sql_cannot_change_or_delete_a_signature(signatures, sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert Signature.objects.count() == 3


def test_verification_finds_an_edited_record(signatures) -> None:
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET typed_name = %s WHERE id = %s",
        ["Nobody", signatures[1].pk],
        **SIGNATURE_GUARD,
    )

    with pytest.raises(CommandError, match=r"BROKEN at record #2.*edited"):
        verify()


def test_verification_finds_a_deleted_record(signatures) -> None:
    behind_the_portals_back(
        "DELETE FROM acknowledgements_signature WHERE id = %s", [signatures[1].pk], **SIGNATURE_GUARD
    )

    with pytest.raises(CommandError, match=r"BROKEN at record #3.*link to the previous record"):
        verify()


def test_verification_finds_an_edited_version(signatures, published) -> None:
    behind_the_portals_back(
        "UPDATE codes_section SET body = 'Be rude.' WHERE version_id = %s",
        [published.pk],
        table="codes_section",
        trigger="codes_section_frozen",
    )

    result = verify_chain()

    assert not result.intact
    assert "no longer matches the hash it was published with" in result.first_breach.problem


def test_compliance_sees_the_same_check(client, compliance_officer, signatures) -> None:
    client.force_login(compliance_officer.user)

    page = client.post("/acknowledgements/verify/").content.decode()

    assert "Intact: 3 records checked" in page


def test_the_check_names_one_signed_version_in_the_singular(client, compliance_officer, signatures) -> None:
    client.force_login(compliance_officer.user)

    page = client.post("/acknowledgements/verify/").content.decode()

    assert "They sign 1 version." in page


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_signing_gives_one_signature(published, agent) -> None:
    services.requests_create_for_version(version=published)
    request = AcknowledgementRequest.objects.get(version=published, person=agent)
    outcomes: list[str] = []

    def sign() -> None:
        try:
            services.signature_create(ack_request=request, actor=agent.user, typed_name=agent.full_name)
            outcomes.append("signed")
        except DomainError:
            outcomes.append("refused")

    run_at_once([sign] * 3)

    assert sorted(outcomes) == ["refused", "refused", "signed"]
    assert Signature.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_signature_in_progress_locks_neither_the_version_nor_the_document(published, agent) -> None:
    services.requests_create_for_version(version=published)
    request = AcknowledgementRequest.objects.get(version=published, person=agent)
    locked: list[str] = []

    def lock_from_another_connection() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for table in ("codes_codeversion", "codes_codedocument"):
                    pk = published.pk if table == "codes_codeversion" else published.document_id
                    cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608
                    locked.append(table)
        finally:
            connections.close_all()

    with transaction.atomic():
        services.signature_create(ack_request=request, actor=agent.user, typed_name=agent.full_name)
        other = threading.Thread(target=lock_from_another_connection)
        other.start()
        other.join(timeout=30)

    # A NOWAIT lock fails at once on a row the signing transaction holds.
    assert locked == ["codes_codeversion", "codes_codedocument"]


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_signers_keep_one_unbroken_chain(published, agent, manager, second_manager, compliance_officer):
    services.requests_create_for_version(version=published)
    people = [agent, manager, second_manager, compliance_officer]

    def sign(person) -> None:
        request = AcknowledgementRequest.objects.get(version=published, person=person)
        services.signature_create(ack_request=request, actor=person.user, typed_name=person.full_name)

    run_at_once([partial(sign, person) for person in people])

    assert Signature.objects.count() == 4
    assert verify_chain().intact


@pytest.mark.parametrize(
    "text",
    ["Ana Popescu", 'Ștefan Ţăran “quoted” "plain"', "back\\slash\ttab\nnew line\r", "\x00\x1f\u2028\U0001f600", ""],
)
def test_the_record_hash_is_sha256_of_the_fields_as_compact_json(text: str) -> None:
    # Verification hashes millions of records, so the JSON is written by hand: it must stay
    # exactly what json.dumps gives, or records signed before would no longer verify.
    import datetime
    import hashlib
    import json

    from acknowledgements.chain import hash_of_fields

    moment = datetime.datetime(2026, 3, 1, 9, 30, 0, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    fields = [17, 4, 9, 2, moment, text, text, None, text, "ab" * 32, None, "0" * 64]
    payload = [*fields[:4], "2026-03-01T07:30:00.000012+00:00", *fields[5:10], None, fields[11]]
    expected = hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()

    assert hash_of_fields(*fields) == expected


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("edited", "deleted"), [(None, None), (2, None), (4, None), (None, 3), (1, 4)])
def test_checking_in_parallel_finds_what_one_process_finds(
    published, agent, manager, second_manager, compliance_officer, monkeypatch, edited, deleted
) -> None:
    from acknowledgements import chain

    services.requests_create_for_version(version=published)
    for person in (agent, manager, second_manager, compliance_officer):
        request = AcknowledgementRequest.objects.get(version=published, person=person)
        services.signature_create(ack_request=request, actor=person.user, typed_name=person.full_name)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {SIGNATURE_GUARD['table']} DISABLE TRIGGER {SIGNATURE_GUARD['trigger']}")
        if edited:
            cursor.execute("UPDATE acknowledgements_signature SET typed_name = 'x' WHERE sequence = %s", [edited])
        if deleted:
            cursor.execute("DELETE FROM acknowledgements_signature WHERE sequence = %s", [deleted])
        cursor.execute(f"ALTER TABLE {SIGNATURE_GUARD['table']} ENABLE TRIGGER {SIGNATURE_GUARD['trigger']}")
    one_process = verify_chain()
    # Four records, cut into ranges of one or two records each.
    monkeypatch.setattr(chain, "PARALLEL_MIN_RECORDS", 1)
    assert len(chain._ranges(3)) == 3

    in_parallel = verify_chain(workers=3)

    assert in_parallel.intact is one_process.intact is (edited is None and deleted is None)
    assert in_parallel.first_breach == one_process.first_breach
    assert (in_parallel.checked, in_parallel.versions_checked) == (one_process.checked, one_process.versions_checked)


# ---------------------------------------------------------------------------
# The fast way and the precise way of checking a record
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [b"k", b"k" * 64, b"a key longer than a block of SHA-256, which HMAC hashes first" * 2])
def test_the_keyed_hash_is_hmac_sha256_of_the_prefix_and_the_message(key: bytes) -> None:
    import hashlib
    import hmac

    from acknowledgements.chain import KeyedHash

    keyed = KeyedHash(key, prefix=b"signature:")

    assert keyed.hexdigest(b"ab" * 32) == hmac.new(key, b"signature:" + b"ab" * 32, hashlib.sha256).hexdigest()
    assert keyed.hexdigest(b"") == hmac.new(key, b"signature:", hashlib.sha256).hexdigest()


@postgresql_only
@pytest.mark.parametrize(
    "text",
    ["Ana Popescu", 'Ștefan Ţăran “quoted” "plain"', "back\\slash\ttab\nnew line\r", "\x01\x1f\u2028\U0001f600", ""],
)
def test_the_database_writes_a_records_canonical_text_and_values_as_the_precise_check_reads_them(
    signatures, agent, text
) -> None:
    from acknowledgements import chain
    from acknowledgements.chain_format import canonical_text

    # Every kind of value: text that needs escaping, a kiosk record's witness and device, no first opening,
    # a moment without microseconds, an IPv6 address and none.
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET statement = %s, typed_name = %s, user_agent = %s, device = %s, "
        "method = 'kiosk', witness_id = %s, first_opened_at = NULL, signed_at = '2026-03-01 09:30:00+02', "
        "ip_address = '2001:db8::1' WHERE id = %s",
        [text, text, text, text or "Tablet", agent.pk, signatures[0].pk],
        **SIGNATURE_GUARD,
    )
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET statement = %s, ip_address = NULL WHERE id = %s",
        [text, signatures[1].pk],
        **SIGNATURE_GUARD,
    )

    written = list(chain._fast_rows(-1, None, 2))
    read = [
        (
            fields[0],
            canonical_text(*fields, method=method, witness_id=witness_id, device=device),
            record_hash,
            record_mac,
            fields[-1],
            fields[3],
            fields[9],
            language,
            pseudonymised_at is not None,
            fields[6],
            typed_name,
            fields[7],
            ip_address,
            fields[8],
            user_agent,
        )
        for (
            _pk,
            record_hash,
            record_mac,
            language,
            method,
            witness_id,
            device,
            pseudonymised_at,
            typed_name,
            ip_address,
            user_agent,
            *fields,
        ) in chain._in_order(-1, None, 2)
    ]
    assert written == read
    assert len(written) == 3


def test_a_record_the_fast_way_cannot_confirm_is_checked_the_precise_way(signatures, monkeypatch) -> None:
    # A canonical text written otherwise than chain_format writes it (here: not at all) costs time, never a
    # false alarm: the precise way checks the record and finds it intact.
    from acknowledgements import chain

    fast_rows = chain._fast_rows
    monkeypatch.setattr(chain, "_fast_rows", lambda *bounds: ((row[0], "[]", *row[2:]) for row in fast_rows(*bounds)))

    result = verify_chain()

    assert result.intact
    assert (result.checked, result.versions_checked) == (3, 1)


def test_a_browser_edited_on_a_record_after_one_with_the_same_commitment_is_detected(signatures) -> None:
    # The three records committed to the same browser: the first one's value is remembered with the
    # commitment, and the edited third no longer has it.
    assert len({signature.user_agent_commitment for signature in signatures}) == 1
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET user_agent = 'Another browser' WHERE id = %s",
        [signatures[2].pk],
        **SIGNATURE_GUARD,
    )

    with pytest.raises(CommandError, match=r"BROKEN at record #3 .*typed name, IP address or browser no longer"):
        verify()


def test_a_record_given_the_typed_name_of_a_record_before_it_is_detected(signatures) -> None:
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET typed_name = %s WHERE id = %s",
        [signatures[0].typed_name, signatures[2].pk],
        **SIGNATURE_GUARD,
    )

    with pytest.raises(CommandError, match=r"BROKEN at record #3 .*typed name, IP address or browser no longer"):
        verify()


@postgresql_only
def test_a_function_of_the_owners_that_would_write_the_old_text_for_an_edited_record_is_not_called(
    signatures,
) -> None:
    # The tables' owner edits a statement and adds a to_json of their own (an exact match for text, so that an
    # unqualified to_json would call it wherever it is on the search path) that writes the statement as it was.
    original = signatures[1].statement
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION public.to_json(text) RETURNS json LANGUAGE sql AS "
            "$$ SELECT pg_catalog.to_json(CASE WHEN $1 = 'I agree to nothing.' THEN %s ELSE $1 END) $$",
            [original],
        )
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET statement = 'I agree to nothing.' WHERE id = %s",
        [signatures[1].pk],
        **SIGNATURE_GUARD,
    )

    result = verify_chain()

    assert result.first_breach is not None
    assert (result.first_breach.sequence, result.first_breach.problem) == (
        2,
        "its fields no longer match its hash (the record was edited)",
    )
