"""The serialisation shared by the portal and an evidence pack's verify.py (acknowledgements.chain_format)."""

from __future__ import annotations

import ast
import datetime
import hashlib
import hmac
import inspect
import json
import sys
from pathlib import Path

import pytest

from acknowledgements import chain_format
from acknowledgements.chain_format import (
    FIELDS,
    HASHED_FIELDS,
    KIOSK_FIELDS,
    canonical_text,
    commitment,
    hash_of_fields,
    hash_of_row,
)

MOMENT = datetime.datetime(2026, 3, 1, 9, 30, 0, 12, tzinfo=datetime.UTC)
VALUES = [17, 4, 9, 2, MOMENT, "I have read it", "1a" * 32, "2b" * 32, "3c" * 32, "ab" * 32, None, "0" * 64]
ROW = {
    "sequence": "17",
    "request_id": "4",
    "person_id": "9",
    "version_id": "2",
    "signed_at": "2026-03-01T09:30:00.000012+00:00",
    "statement": "I have read it",
    "typed_name_commitment": "1a" * 32,
    "ip_address_commitment": "2b" * 32,
    "user_agent_commitment": "3c" * 32,
    "content_hash": "ab" * 32,
    "first_opened_at": "",
    "previous_hash": "0" * 64,
}


def test_the_module_imports_nothing_but_the_standard_library() -> None:
    # An evidence pack carries this very file to an auditor's machine, where only Python is installed.
    tree = ast.parse(Path(inspect.getfile(chain_format)).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names | {"__future__"}}

    assert outside == set()


def test_the_canonical_text_takes_the_hashed_fields_in_their_order() -> None:
    parameters = inspect.signature(canonical_text).parameters.values()
    positional = tuple(parameter.name for parameter in parameters if parameter.kind != parameter.KEYWORD_ONLY)
    keyword_only = tuple(parameter.name for parameter in parameters if parameter.kind == parameter.KEYWORD_ONLY)

    assert positional == HASHED_FIELDS == tuple(FIELDS)
    assert keyword_only == tuple(KIOSK_FIELDS)


@pytest.mark.parametrize(("witness_id", "device"), [(31, "Tablet “2”, hall"), (None, "")])
def test_a_kiosk_record_hashes_its_method_witness_and_device_as_compact_json(witness_id, device) -> None:
    payload = [*VALUES[:4], ROW["signed_at"], *VALUES[5:], "kiosk", witness_id, device]
    expected = hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()

    assert hash_of_fields(*VALUES, method="kiosk", witness_id=witness_id, device=device) == expected


def test_a_record_signed_in_the_portal_keeps_the_hash_it_had_before_kiosks() -> None:
    before = hashlib.sha256(
        json.dumps([*VALUES[:4], ROW["signed_at"], *VALUES[5:]], ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()

    assert hash_of_fields(*VALUES, method="portal") == hash_of_fields(*VALUES) == before


def test_a_csv_row_of_a_kiosk_record_hashes_with_its_witness_and_device() -> None:
    row = {**ROW, "method": "kiosk", "witness_id": "31", "device": "Tablet"}

    assert hash_of_row(row) == hash_of_fields(*VALUES, method="kiosk", witness_id=31, device="Tablet")
    assert hash_of_row({**row, "witness_id": "32"}) != hash_of_row(row)


def test_a_csv_row_of_a_portal_record_ignores_its_empty_kiosk_cells() -> None:
    assert hash_of_row({**ROW, "method": "portal", "witness_id": "", "device": ""}) == hash_of_fields(*VALUES)


def test_a_csv_row_of_the_hashed_fields_hashes_as_the_record_does() -> None:
    assert hash_of_row({**ROW, "record_hash": "ignored", "in_scope": "yes"}) == hash_of_fields(*VALUES)


def test_an_empty_cell_of_an_optional_field_is_nothing_not_empty_text() -> None:
    opened = hash_of_row({**ROW, "first_opened_at": "2026-03-01T09:30:00.000012+00:00"})

    assert hash_of_row(ROW) == hash_of_fields(*VALUES) != opened


def test_an_empty_cell_of_a_text_field_is_empty_text() -> None:
    assert hash_of_row({**ROW, "statement": ""}) == hash_of_fields(*VALUES[:5], "", *VALUES[6:])


def test_a_changed_cell_changes_the_hash() -> None:
    assert hash_of_row({**ROW, "typed_name_commitment": "1b" * 32}) != hash_of_fields(*VALUES)


def test_a_row_without_a_hashed_field_is_refused() -> None:
    with pytest.raises(KeyError):
        hash_of_row({name: cell for name, cell in ROW.items() if name != "user_agent_commitment"})


def test_a_sequence_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        hash_of_row({**ROW, "sequence": "17a"})


@pytest.mark.parametrize("value", ["Ana Popescu", 'Ștefan "Ță"\n', "", None])
def test_a_commitment_is_the_hmac_of_the_compact_json_of_the_fields_name_and_value(value: str | None) -> None:
    message = json.dumps(["typed_name", value], ensure_ascii=False, separators=(",", ":")).encode()

    assert commitment(b"k" * 32, "typed_name", value) == hmac.new(b"k" * 32, message, hashlib.sha256).hexdigest()


def test_nothing_and_empty_text_commit_differently() -> None:
    assert commitment(b"k" * 32, "ip_address", None) != commitment(b"k" * 32, "ip_address", "")
