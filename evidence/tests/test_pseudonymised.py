"""A leaver's records pseudonymised once their retention ended: the packs of their period still verify, the one
built before as it was, and one built after with the pseudonym where the name was."""

from __future__ import annotations

import pytest

from acknowledgements.commitments import pseudonym_of
from acknowledgements.services import signatures_pseudonymise
from evidence.tests.conftest import unzip
from evidence.tests.test_building import rows
from people.models import StaffProfile

pytestmark = pytest.mark.django_db


def pseudonymise(person: StaffProfile) -> str:
    """What privacy's pseudonymisation does to the staff record and the signatures (the rest is not a pack's)."""
    person.employee_id = pseudonym_of(person.employee_id)
    person.save(update_fields=["employee_id"])
    signatures_pseudonymise(person=person)
    return person.employee_id


def test_a_pack_built_before_a_signer_was_pseudonymised_still_verifies(chain, agent, build_pack, tmp_path, run_verify):
    folder = unzip(build_pack(), tmp_path)

    pseudonymise(agent)

    status, output = run_verify(folder)
    assert status == 0, output
    assert agent.full_name in {row["typed_name"] for row in rows(folder, "signatures.csv")}


def test_a_pack_of_the_period_built_after_it_verifies_and_names_the_pseudonym(
    chain, agent, build_pack, tmp_path, run_verify
) -> None:
    pseudonym = pseudonymise(agent)

    folder = unzip(build_pack(), tmp_path)

    status, output = run_verify(folder)
    assert status == 0, output
    signed = {row["sequence"]: row for row in rows(folder, "signatures.csv")}
    record = signed[str(chain[0].sequence)]
    assert (record["typed_name"], record["ip_address"], record["user_agent"]) == (pseudonym, "", "")
    assert record["record_hash"] == chain[0].record_hash
    assert "203.0.113.7" not in (folder / "signatures.csv").read_text(encoding="utf-8")
