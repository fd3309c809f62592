"""MACs and checkpoints: what someone who can write the database, but does not hold the key, cannot hide.

These run on SQLite and PostgreSQL alike; test_tamper.py tries the same attacks on PostgreSQL as
the application's database role.
"""

from __future__ import annotations

import hashlib
import hmac
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from acknowledgements import services, tasks
from acknowledgements.chain import GENESIS, record_hash, verify_records
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature, SignatureCheckpoint
from acknowledgements.tests.test_chain import SIGNATURE_GUARD, behind_the_portals_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(published, agent, manager, compliance_officer, second_manager) -> list[Signature]:
    """Three signatures; the second manager is asked too, and has not signed."""
    services.requests_create_for_version(version=published)
    return [
        services.signature_create(
            ack_request=AcknowledgementRequest.objects.get(version=published, person=person),
            actor=person.user,
            typed_name=person.full_name,
        )
        for person in (agent, manager, compliance_officer)
    ]


def verify() -> str:
    out = StringIO()
    call_command("verify_signatures", stdout=out)
    return out.getvalue()


def test_a_signature_carries_an_hmac_of_its_hash_under_the_checkpoint_key(signatures, second_manager, settings):
    settings.SIGNATURE_CHECKPOINT_KEY = "k" * 40
    signature = services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=second_manager),
        actor=second_manager.user,
        typed_name=second_manager.full_name,
    )

    expected = hmac.new(b"k" * 40, f"signature:{signature.record_hash}".encode(), hashlib.sha256).hexdigest()
    assert signature.record_mac == expected


def test_records_made_under_another_key_fail_verification(signatures, settings) -> None:
    settings.SIGNATURE_CHECKPOINT_KEY = "another key the records were not made with"

    with pytest.raises(CommandError, match=r"BROKEN at record #1 .*MAC does not match"):
        verify()


def test_a_checkpoint_records_the_count_and_the_hash_the_chain_ends_with(signatures) -> None:
    checkpoint = services.checkpoint_create()

    assert (checkpoint.count, checkpoint.head_sequence, checkpoint.head_hash) == (3, 3, signatures[-1].record_hash)
    assert "Latest checkpoint: 3 records up to #3" in verify()
    assert "signed since, not covered by a checkpoint yet: 0 records (" in verify()


def test_a_checkpoint_of_an_empty_chain_counts_nothing(db) -> None:
    checkpoint = services.checkpoint_create()

    assert (checkpoint.count, checkpoint.head_sequence, checkpoint.head_hash) == (0, None, GENESIS)
    assert "Intact: 0 records" in verify()


def test_verification_says_how_many_records_no_checkpoint_covers_yet(signatures, second_manager) -> None:
    services.checkpoint_create()
    services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=second_manager),
        actor=second_manager.user,
        typed_name=second_manager.full_name,
    )

    output = verify()

    assert "signed since, not covered by a checkpoint yet: 1 record (" in output
    assert "Intact: 4 records" in output


def test_verification_without_any_checkpoint_says_so(signatures) -> None:
    assert "No checkpoint yet: none of the 3 records is covered by one." in verify()


def test_verification_names_the_records_cut_from_the_end_of_the_chain(signatures) -> None:
    services.checkpoint_create()
    behind_the_portals_back("DELETE FROM acknowledgements_signature WHERE sequence = 3", [], **SIGNATURE_GUARD)

    with pytest.raises(CommandError, match=r"BROKEN at record #3 is missing: the checkpoint of .* counted 3 records"):
        verify()


def test_verification_names_every_record_missing_after_the_chain_was_emptied(signatures) -> None:
    services.checkpoint_create()
    behind_the_portals_back("DELETE FROM acknowledgements_signature", [], **SIGNATURE_GUARD)

    with pytest.raises(CommandError, match=r"BROKEN at records #1 to #3 are missing"):
        verify()


def test_verification_names_the_edited_record_when_the_chain_after_it_was_recomputed(signatures) -> None:
    services.checkpoint_create()
    previous = signatures[0].record_hash
    for signature in signatures[1:]:
        if signature.sequence == 2:
            signature.statement = "I agree to nothing."
        signature.previous_hash = previous
        previous = record_hash(signature)
        behind_the_portals_back(
            "UPDATE acknowledgements_signature SET statement = %s, previous_hash = %s, record_hash = %s WHERE id = %s",
            [signature.statement, signature.previous_hash, previous, signature.pk],
            **SIGNATURE_GUARD,
        )

    with pytest.raises(CommandError, match=r"BROKEN at record #2 \(id \d+\): its MAC does not match") as error:
        verify()
    assert "4 problems found" not in str(error.value)


def test_verification_names_a_record_appended_with_a_correct_hash_but_no_key(signatures, second_manager) -> None:
    last = Signature.objects.get(sequence=3)
    request = AcknowledgementRequest.objects.get(person=second_manager)
    forged = Signature(
        sequence=4,
        request=request,
        person=second_manager,
        version=last.version,
        signed_at=last.signed_at,
        statement=last.statement,
        typed_name=second_manager.full_name,
        ip_address=None,
        user_agent="",
        content_hash=last.content_hash,
        first_opened_at=None,
        previous_hash=last.record_hash,
    )
    forged.record_hash = record_hash(forged)
    forged.record_mac = hashlib.sha256(forged.record_hash.encode()).hexdigest()  # the best guess without the key
    Signature.objects.bulk_create([forged])  # a plain INSERT, past the signing service

    with pytest.raises(CommandError, match=r"BROKEN at record #4 .*the portal did not write this record"):
        verify()


def test_verification_names_a_checkpoint_written_without_the_key(signatures) -> None:
    services.checkpoint_create()
    forged = SignatureCheckpoint.objects.create(
        created_at=signatures[-1].signed_at,
        count=3,
        head_sequence=3,
        head_hash=signatures[-1].record_hash,
        mac="0" * 64,
    )

    with pytest.raises(CommandError, match=rf"BROKEN at checkpoint {forged.pk} of .*MAC does not match"):
        verify()


def test_verification_names_a_signed_request_set_back_to_pending(signatures) -> None:
    AcknowledgementRequest.objects.filter(pk=signatures[1].request_id).update(status=RequestStatus.PENDING)

    with pytest.raises(
        CommandError,
        match=rf"BROKEN at request {signatures[1].request_id} has signature record #2, but is marked pending",
    ):
        verify()


def test_verification_names_a_request_marked_signed_without_a_signature(signatures, second_manager) -> None:
    request = AcknowledgementRequest.objects.get(person=second_manager)
    AcknowledgementRequest.objects.filter(pk=request.pk).update(status=RequestStatus.SIGNED)

    with pytest.raises(CommandError, match=rf"BROKEN at request {request.pk} is marked signed, but no signature"):
        verify()


def test_no_checkpoint_vouches_for_a_chain_cut_after_the_last_one(signatures) -> None:
    services.checkpoint_create()
    behind_the_portals_back("DELETE FROM acknowledgements_signature WHERE sequence = 3", [], **SIGNATURE_GUARD)

    with pytest.raises(services.ChainCut, match="no longer extends the checkpoint"):
        services.checkpoint_create()
    assert SignatureCheckpoint.objects.count() == 1


def test_the_scheduled_task_writes_a_checkpoint(signatures) -> None:
    result = tasks.checkpoint()

    assert result == {"count": 3, "head_sequence": 3, "head_hash": signatures[-1].record_hash}
    assert SignatureCheckpoint.objects.count() == 1


def test_the_schedule_command_seeds_the_checkpoint_every_configured_minutes(db, settings) -> None:
    from django_celery_beat.models import PeriodicTask

    settings.SIGNATURE_CHECKPOINT_EVERY_MINUTES = 10
    out = StringIO()

    call_command("setup_reminder_schedule", stdout=out)
    call_command("setup_reminder_schedule", stdout=out)

    task = PeriodicTask.objects.get(task="acknowledgements.checkpoint")
    assert (task.interval.every, task.interval.period) == (10, "minutes")
    assert "Signature chain checkpoint: created (every 10 minutes)." in out.getvalue()
    assert "Signature chain checkpoint: left as it was" in out.getvalue()


def test_the_verify_page_names_the_problem_and_the_latest_checkpoint(client, compliance_officer, signatures) -> None:
    services.checkpoint_create()
    AcknowledgementRequest.objects.filter(pk=signatures[0].request_id).update(status=RequestStatus.PENDING)
    client.force_login(compliance_officer.user)

    page = client.post("/acknowledgements/verify/").content.decode()

    assert f"Broken at request {signatures[0].request_id} has signature record #1, but is marked pending" in page
    assert "Latest checkpoint: 3 records up to #3" in page


def test_an_intact_chain_has_no_problems(signatures) -> None:
    services.checkpoint_create()

    report = verify_records()

    assert report.intact
    assert (report.chain.checked, report.uncovered, report.latest_checkpoint.count) == (3, 0, 3)
