"""Building a pack, and its own verify.py checking it in a fresh process, intact and tampered with."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from acknowledgements import services as acknowledgements
from acknowledgements.chain_format import HASHED_FIELDS
from evidence.models import EvidencePack, PackStatus
from evidence.tests.conftest import sign, unzip
from people.tests.factories import KioskPersonFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def rewrite(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def drop_line(path: Path, starting: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(starting)]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")


@pytest.fixture
def folder(chain, support, build_pack, tmp_path) -> Path:
    """The pack of the last week for Support, unzipped: records #2 and #4 in it, #3 (Compliance) not."""
    return unzip(build_pack(departments=[support]), tmp_path)


def test_a_pack_for_a_period_verifies_with_its_own_script_in_a_fresh_process(folder, run_verify):
    status, output = run_verify(folder)

    assert status == 0, output
    assert "signatures: 2 records match their hashes and the chain" in output
    assert output.strip().endswith("OK: the pack is intact")


def test_the_pack_holds_the_period_signatures_in_scope_with_every_hashed_field(folder, chain):
    signatures = rows(folder, "signatures.csv")

    assert [row["sequence"] for row in signatures] == [str(chain[0].sequence), str(chain[2].sequence)]
    assert tuple(signatures[0])[: len(HASHED_FIELDS)] == HASHED_FIELDS
    assert (signatures[0]["ip_address"], signatures[1]["ip_address"]) == ("203.0.113.7", "2001:db8::1")
    assert signatures[0]["record_hash"] == chain[0].record_hash


def test_the_chain_file_links_the_records_between_them_without_their_fields(folder, chain):
    links = rows(folder, "chain.csv")

    assert [(row["sequence"], row["in_pack"]) for row in links] == [
        (str(chain[0].sequence), "yes"),
        (str(chain[1].sequence), "no"),
        (str(chain[2].sequence), "yes"),
    ]
    assert list(links[0]) == ["sequence", "previous_hash", "record_hash", "in_pack"]


def test_the_pack_holds_the_population_waivers_and_version_texts(chain, build_pack, tmp_path, published, administrator):
    folder = unzip(build_pack(), tmp_path)
    population = rows(folder, "population.csv")
    waivers = rows(folder, "waivers.csv")
    versions = rows(folder, "versions.csv")

    assert {row["status"] for row in population} == {"signed", "waived"}
    assert [(row["person_id"], row["reason"]) for row in waivers] == [(str(administrator.pk), "On parental leave")]
    assert [(row["version_id"], row["content_hash"]) for row in versions] == [
        (str(published.pk), published.content_hash)
    ]
    assert (folder / versions[0]["pdf"]).read_bytes().startswith(b"%PDF")


def test_a_pack_of_all_departments_holds_every_signature_of_the_period(chain, build_pack, tmp_path, run_verify):
    folder = unzip(build_pack(), tmp_path)

    assert [row["in_pack"] for row in rows(folder, "chain.csv")] == ["yes", "yes", "yes"]
    assert run_verify(folder)[0] == 0


def test_an_edited_file_fails_verification_naming_it(folder, run_verify):
    rewrite(folder / "audit.csv", "acknowledgements.signature.create", "acknowledgements.signature.forged")

    status, output = run_verify(folder)

    assert status == 1
    assert "FAILED: audit.csv: its SHA-256 is not the one manifest.json gives" in output


def test_an_edited_signature_fails_verification_naming_its_line_and_record(folder, chain, run_verify):
    rewrite(folder / "signatures.csv", chain[0].user_agent_commitment, "0" * 64)

    status, output = run_verify(folder)

    assert status == 1
    assert f"FAILED: signatures.csv line 2: record #{chain[0].sequence}: its fields no longer match" in output


def test_a_removed_signature_row_fails_verification_naming_its_sequence(folder, chain, run_verify):
    drop_line(folder / "signatures.csv", f'"{chain[2].sequence}",')

    status, output = run_verify(folder)

    assert status == 1
    assert f"FAILED: signatures.csv: record #{chain[2].sequence} is missing (chain.csv line 4" in output


def test_a_record_removed_from_the_chain_file_breaks_the_link_after_it(folder, chain, run_verify):
    drop_line(folder / "chain.csv", f'"{chain[1].sequence}",')

    status, output = run_verify(folder)

    assert status == 1
    assert (
        f"FAILED: chain.csv line 3: record #{chain[2].sequence} does not link to record #{chain[0].sequence}" in output
    )


def test_the_first_record_removed_from_both_files_fails_against_the_manifest(folder, chain, run_verify):
    drop_line(folder / "signatures.csv", f'"{chain[0].sequence}",')
    drop_line(folder / "chain.csv", f'"{chain[0].sequence}",')

    status, output = run_verify(folder)

    assert status == 1
    assert (
        f"FAILED: chain.csv: it starts with record #{chain[1].sequence}, not with record #{chain[0].sequence}" in output
    )


def test_a_changed_version_text_fails_verification_naming_it(folder, run_verify):
    text = next((folder / "versions").glob("*.txt"))
    text.write_bytes(text.read_bytes().replace(b"Stay calm", b"Stay quiet"))

    status, output = run_verify(folder)

    assert status == 1
    assert f"FAILED: versions/{text.name}: its SHA-256 is not the content hash" in output


def test_a_file_added_to_the_pack_fails_verification_naming_it(folder, run_verify):
    (folder / "extra.csv").write_text("more\n")

    status, output = run_verify(folder)

    assert status == 1
    assert "FAILED: extra.csv: manifest.json does not list it" in output


def test_the_ready_pack_records_the_sha256_of_its_file_and_of_its_manifest(chain, build_pack, tmp_path):
    pack = build_pack()
    folder = unzip(pack, tmp_path)
    manifest = folder / "manifest.json"

    assert (pack.status, pack.signatures, pack.done) == (PackStatus.READY, 3, pack.total)
    assert pack.sha256 == hashlib.sha256(Path(pack_file(pack)).read_bytes()).hexdigest()
    assert pack.manifest_sha256 == hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert json.loads(manifest.read_text())["pack"]["chain_head"] == {
        "sequence": pack.checkpoint.head_sequence,
        "hash": pack.checkpoint.head_hash,
    }


def pack_file(pack: EvidencePack) -> Path:
    from evidence.services import pack_path

    return pack_path(pack)


@postgresql_only
def test_the_database_refuses_to_change_a_ready_pack(chain, build_pack):
    pack = build_pack()

    with pytest.raises(DatabaseError, match="is ready"), transaction.atomic():
        EvidencePack.objects.filter(pk=pack.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError, match="is ready"), transaction.atomic():
        pack.departments.add(chain[0].person.department)


def test_the_auditors_script_imports_nothing_but_the_standard_library_and_the_chain_format() -> None:
    # It runs on an auditor's machine where only Python is installed, beside chain_format.py.
    import ast
    import sys

    from evidence.building import AUDITOR_DIR

    tree = ast.parse((AUDITOR_DIR / "verify.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    assert {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names} == {"chain_format"}


def test_texts_with_quotes_commas_line_breaks_and_formula_characters_verify_as_signed(
    published, agent, build_pack, tmp_path, run_verify
):
    from acknowledgements.services import requests_create_for_version
    from evidence.tests.conftest import sign

    requests_create_for_version(version=published)
    sign(agent, published, user_agent='=Mozilla "5.0", (X11)\r\nsecond line; ț', ip_address=None)
    folder = unzip(build_pack(), tmp_path)

    status, output = run_verify(folder)

    assert status == 0, output
    assert rows(folder, "signatures.csv")[0]["user_agent"] == '=Mozilla "5.0", (X11)\r\nsecond line; ț'


@pytest.fixture
def kiosk_folder(chain, published, support, manager, build_pack, tmp_path) -> Path:
    """The pack of the last week with one more record: a worker without a sign-in, signed at a kiosk."""
    worker = KioskPersonFactory(department=support, manager=manager)
    acknowledgements.requests_create_for_version(version=published)
    sign(worker, published, witness=manager, device="Warehouse tablet")
    return unzip(build_pack(), tmp_path)


def test_a_pack_with_a_kiosk_signature_verifies_with_its_witness_and_device(kiosk_folder, manager, run_verify):
    kiosk_row = rows(kiosk_folder, "signatures.csv")[-1]

    assert (kiosk_row["method"], kiosk_row["witness_id"], kiosk_row["device"]) == (
        "kiosk",
        str(manager.pk),
        "Warehouse tablet",
    )
    assert run_verify(kiosk_folder)[0] == 0


def test_a_pack_whose_kiosk_device_was_edited_fails_verification(kiosk_folder, run_verify):
    rewrite(kiosk_folder / "signatures.csv", "Warehouse tablet", "Front desk")

    status, output = run_verify(kiosk_folder)

    assert status == 1
    assert "its fields no longer match" in output


def audited_objects(folder: Path, object_type: str) -> set[str]:
    return {row["object_id"] for row in rows(folder, "audit.csv") if row["object_type"] == object_type}


def test_a_pack_with_a_scope_holds_the_audit_events_of_what_is_in_it_only(folder, chain) -> None:
    signed = audited_objects(folder, "acknowledgements.signature")

    # #2 and #4 are Support's; #3, the compliance officer's, is another department's.
    assert signed == {str(chain[0].pk), str(chain[2].pk)}


def test_a_pack_with_a_scope_leaves_out_events_about_the_rest_of_the_portal(folder) -> None:
    object_types = {row["object_type"] for row in rows(folder, "audit.csv")}

    # Its own request is about the pack, not about anything in it.
    assert "evidence.evidencepack" not in object_types
    assert object_types <= {
        "acknowledgements.acknowledgementrequest",
        "acknowledgements.signature",
        "codes.codedocument",
        "codes.codeversion",
        "people.staffprofile",
        "auth.user",
    }


def test_a_pack_of_everything_holds_every_audit_event_of_the_period(chain, build_pack, tmp_path) -> None:
    folder = unzip(build_pack(), tmp_path)

    assert audited_objects(folder, "acknowledgements.signature") == {str(signature.pk) for signature in chain}
    assert "evidence.evidencepack" in {row["object_type"] for row in rows(folder, "audit.csv")}
