"""How a signature record is written down to be hashed: the one serialisation of the chain.

A record's hash is SHA-256 over its HASHED_FIELDS, in that order, as a compact JSON array (UTF-8,
not ASCII-escaped), timestamps in UTC ISO 8601 with microseconds, and the previous record's hash
as the last field (GENESIS for the first record). The portal seals and verifies records with this
module (through acknowledgements.chain), and an evidence pack carries this very file beside its
verify.py, so the auditor's check and the portal's can never drift apart.

The personal fields of a record (the typed name, the IP address, the browser) enter the hash as
commitments, not as themselves: HMAC-SHA256 of the field's name and value under a key the portal holds
apart from the rows (SIGNATURE_COMMITMENT_KEY). The record keeps the values beside their commitments, so
that once the signer's retention ends the values can be replaced by a pseudonym while the hash, the
chain and every evidence pack still verify; while a record is not pseudonymised the portal checks each
value against its commitment. An auditor needs no key: the hash covers the commitments as they are.

Hence the rule for this file: the Python standard library only, nothing from Django or the portal.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64

# What a hashed field holds, which says how it is written into the hash and into a CSV of records.
INTEGER = "integer"  # a whole number
OPTIONAL_INTEGER = "optional integer"
TEXT = "text"
OPTIONAL_TEXT = "optional text"  # text or nothing (never empty text: an empty CSV cell means nothing)
MOMENT = "moment"  # a timestamp
OPTIONAL_MOMENT = "optional moment"

# The fields a record's hash covers, in the order they are serialised, and what each holds.
FIELDS: dict[str, str] = {
    "sequence": INTEGER,
    "request_id": INTEGER,
    "person_id": INTEGER,
    "version_id": INTEGER,
    "signed_at": MOMENT,
    "statement": TEXT,
    "typed_name_commitment": TEXT,
    "ip_address_commitment": TEXT,
    "user_agent_commitment": TEXT,
    "content_hash": TEXT,
    "first_opened_at": OPTIONAL_MOMENT,
    "previous_hash": TEXT,
}
HASHED_FIELDS = tuple(FIELDS)

# A record signed at a kiosk also has how (method "kiosk"), its witness (a staff profile's id) and its device
# hashed, appended to the array after the fields above; a record signed in the portal has none of them in its
# hash, which is exactly what it was before kiosks existed. Keyword-only in hash_of_fields; in a CSV of records,
# columns of these names (a portal record's: "portal" or empty, then empty cells).
KIOSK = "kiosk"
KIOSK_FIELDS: dict[str, str] = {"method": TEXT, "witness_id": OPTIONAL_INTEGER, "device": TEXT}

# The personal fields of a record, each with the hashed field that commits to it.
COMMITTED_FIELDS: dict[str, str] = {
    "typed_name": "typed_name_commitment",
    "ip_address": "ip_address_commitment",
    "user_agent": "user_agent_commitment",
}


def commitment(key: bytes, name: str, value: str | None) -> str:
    """The commitment to a personal field: HMAC-SHA256 of the JSON array [name, value] (so that neither a
    value nor nothing can pass for another field's, or for empty text), in hex."""
    return hmac.digest(key, commitment_message(name, value).encode(), "sha256").hex()


def commitment_message(name: str, value: str | None) -> str:
    """What a commitment is the HMAC of: the compact JSON array [name, value]."""
    # Written as canonical_text writes its array (json.dumps's own string encoder, a test holds the two together).
    return "[%s,%s]" % (encode_basestring(name), _json_text(value))  # noqa: UP031 - as canonical_text


def hashed_timestamp(moment: datetime.datetime | str | None) -> str | None:
    """A moment as the record hash covers it: UTC ISO 8601 with microseconds (the API shows it so);
    text is taken as already written so (the database formats it, see chain._utc_text)."""
    if moment is None or isinstance(moment, str):
        return moment
    if moment.tzinfo is not datetime.UTC:  # what the database and timezone.now() give needs no conversion
        moment = moment.astimezone(datetime.UTC)
    return moment.isoformat(timespec="microseconds")


def hash_of_fields(*fields: Any, **kiosk: Any) -> str:
    """The record hash of a signature given as plain values, in HASHED_FIELDS order (no model needed), and a
    kiosk record's KIOSK_FIELDS by name: SHA-256 of its canonical_text."""
    return hashlib.sha256(canonical_text(*fields, **kiosk).encode()).hexdigest()


def canonical_text(
    sequence: int,
    request_id: int,
    person_id: int,
    version_id: int,
    signed_at: datetime.datetime | str,
    statement: str,
    typed_name_commitment: str,
    ip_address_commitment: str,
    user_agent_commitment: str,
    content_hash: str,
    first_opened_at: datetime.datetime | str | None,
    previous_hash: str,
    *,
    method: str = "",
    witness_id: int | None = None,
    device: str = "",
) -> str:
    """The text a record's hash is SHA-256 of (before UTF-8), given its values in HASHED_FIELDS order.

    The array is written here rather than by json.dumps, and field by field rather than by a loop over
    FIELDS, because the signing path and an auditor's verify.py write one for every record; each string goes
    through the json module's own string encoder, so the text is exactly what json.dumps(payload,
    ensure_ascii=False, separators=(",", ":")) gives. Tests hold this function to FIELDS (its parameters, in
    order) and to json.dumps. A kiosk record (`method` "kiosk") appends its KIOSK_FIELDS to the array.
    """
    kiosk = ""
    if method == KIOSK:
        witness = "null" if witness_id is None else "%d" % witness_id  # noqa: UP031 - as the array below
        kiosk = f",{_json_text(method)},{witness},{_json_text(device)}"
    return "[%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s%s]" % (  # noqa: UP031 - the fastest formatting here
        sequence,
        request_id,
        person_id,
        version_id,
        _json_text(hashed_timestamp(signed_at)),
        _json_text(statement),
        _json_text(typed_name_commitment),
        _json_text(ip_address_commitment),
        _json_text(user_agent_commitment),
        _json_text(content_hash),
        _json_text(hashed_timestamp(first_opened_at)),
        _json_text(previous_hash),
        kiosk,
    )


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _from_cell(kind: str, cell: str) -> int | str | None:
    if kind in (OPTIONAL_TEXT, OPTIONAL_MOMENT, OPTIONAL_INTEGER) and cell == "":
        return None
    if kind in (INTEGER, OPTIONAL_INTEGER):
        return int(cell)
    return cell


def hash_of_row(row: Mapping[str, str]) -> str:
    """The record hash of a record as a CSV row gives it: a column named after each hashed field, whole
    numbers in decimal digits, moments as hashed_timestamp writes them, and nothing as an empty cell; for a
    record whose "method" cell says kiosk, the columns of KIOSK_FIELDS too. Other columns are ignored. Raises
    ValueError for a cell that is not what its field holds."""
    values: list[Any] = [_from_cell(kind, row[name]) for name, kind in FIELDS.items()]
    if row.get("method") != KIOSK:
        return hash_of_fields(*values)
    kiosk: dict[str, Any] = {name: _from_cell(kind, row[name]) for name, kind in KIOSK_FIELDS.items()}
    return hash_of_fields(*values, **kiosk)
