"""Migration 0014 moves existing chains to the commitment scheme: checked under the old scheme, sealed under the
new one, on the demo data (and back, which is how a chain sealed before the migration is made here)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from acknowledgements import services
from acknowledgements.chain import checkpoint_is_authentic, verify_records
from acknowledgements.models import Signature, SignatureCheckpoint
from acknowledgements.tests.test_chain import SIGNATURE_GUARD, behind_the_portals_back

pytestmark = pytest.mark.django_db

migration = importlib.import_module("acknowledgements.migrations.0014_personal_field_commitments")
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def sealed() -> list[tuple[int, str, str, str, str]]:
    return list(
        Signature.objects.order_by("sequence").values_list(
            "sequence", "typed_name_commitment", "previous_hash", "record_hash", "record_mac"
        )
    )


@pytest.fixture
def seeded(demo_organisation) -> list[tuple[int, str, str, str, str]]:
    """The demo data, a checkpoint of its chain, and the chain as the portal sealed it."""
    services.checkpoint_create()
    return sealed()


@pytest.fixture
def before_the_migration(seeded) -> list[tuple[int, str, str, str, str]]:
    """The same chain sealed under the scheme before 0014: hashes over the plain personal values, no commitments.
    Going there checks the chain under the commitment scheme first."""
    migration.to_plain(apps, SCHEMA_EDITOR)
    return seeded


def plain_hash(signature: Signature) -> str:
    row = {name: getattr(signature, name) for name in ("sequence", "request_id", "person_id", "version_id")}
    row |= {name: getattr(signature, name) for name in ("signed_at", "statement", "content_hash", "first_opened_at")}
    row |= {name: getattr(signature, name) for name in ("method", "witness_id", "device")}
    personal = [signature.typed_name, signature.ip_address, signature.user_agent]
    return migration._record_hash(row, personal, signature.previous_hash)


def test_before_the_migration_the_seeded_chain_hashes_the_plain_values(before_the_migration) -> None:
    signatures = list(Signature.objects.order_by("sequence"))

    assert len(signatures) > 5
    assert {signature.typed_name_commitment for signature in signatures} == {""}
    assert all(signature.record_hash == plain_hash(signature) for signature in signatures)
    assert [signature.record_hash for signature in signatures] != [row[3] for row in before_the_migration]


def test_the_migration_moves_the_seeded_chain_to_commitments_and_it_verifies(before_the_migration) -> None:
    migration.to_commitments(apps, SCHEMA_EDITOR)

    report = verify_records()
    assert report.intact, report.problems
    assert report.chain.checked == len(before_the_migration)
    # Commitments are deterministic: the migrated chain is exactly the one the portal seals today.
    assert sealed() == before_the_migration
    assert all(checkpoint_is_authentic(checkpoint) for checkpoint in SignatureCheckpoint.objects.all())


def test_the_migration_refuses_a_chain_that_does_not_verify_under_its_old_scheme(before_the_migration) -> None:
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET typed_name = 'Somebody Else' WHERE sequence = 2", [], **SIGNATURE_GUARD
    )

    with pytest.raises(migration.ChainRefused, match="#2: its fields no longer match its hash"):
        migration.to_commitments(apps, SCHEMA_EDITOR)


def test_the_migration_refuses_a_forged_checkpoint_chain_end(before_the_migration) -> None:
    behind_the_portals_back(
        "DELETE FROM acknowledgements_signature WHERE sequence = %s",
        [Signature.objects.order_by("-sequence").values_list("sequence", flat=True)[0]],
        **SIGNATURE_GUARD,
    )

    with pytest.raises(migration.ChainRefused, match="no longer ends the chain"):
        migration.to_commitments(apps, SCHEMA_EDITOR)


def test_the_chain_cannot_go_back_once_a_record_is_pseudonymised(seeded) -> None:
    behind_the_portals_back(
        "UPDATE acknowledgements_signature SET pseudonymised_at = now() WHERE sequence = 1", [], **SIGNATURE_GUARD
    )

    with pytest.raises(migration.ChainRefused, match="pseudonymised"):
        migration.to_plain(apps, SCHEMA_EDITOR)
