"""The signature hash chain.

Each record's hash is SHA-256 over a canonical serialisation of its fields and
the previous record's hash, so editing or deleting any record breaks every
hash after it. The first record's previous hash is GENESIS.
"""

from __future__ import annotations

import datetime
import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from django.db import connection, connections
from django.db.models import CharField, Count, F, Func, Max, Min
from django.utils.translation import gettext as _

from codes.content import content_hash
from codes.models import CodeVersion

from .models import Signature

GENESIS = "0" * 64


def _timestamp(moment: datetime.datetime | str | None) -> str | None:
    """UTC ISO 8601 with microseconds; text is the same, formatted by the database (see _utc_text)."""
    if moment is None or isinstance(moment, str):
        return moment
    if moment.tzinfo is not datetime.UTC:  # what the database and timezone.now() give needs no conversion
        moment = moment.astimezone(datetime.UTC)
    return moment.isoformat(timespec="microseconds")


# The fields a record's hash covers, in the order they are serialised.
HASHED_FIELDS = (
    "sequence",
    "request_id",
    "person_id",
    "version_id",
    "signed_at",
    "statement",
    "typed_name",
    "ip_address",
    "user_agent",
    "content_hash",
    "first_opened_at",
    "previous_hash",
)


def hash_of_fields(
    sequence: int,
    request_id: int,
    person_id: int,
    version_id: int,
    signed_at: datetime.datetime | str,
    statement: str,
    typed_name: str,
    ip_address: str | None,
    user_agent: str,
    content_hash: str,
    first_opened_at: datetime.datetime | str | None,
    previous_hash: str,
) -> str:
    """The record hash of a signature given as plain values, in HASHED_FIELDS order (no model needed).

    SHA-256 of the fields as a compact JSON array (UTF-8, not ASCII-escaped), timestamps in UTC
    ISO 8601 with microseconds. The array is written here rather than by json.dumps, because
    verification hashes millions of records; each string goes through the json module's own
    string encoder, so the text is exactly what json.dumps(payload, ensure_ascii=False,
    separators=(",", ":")) gives (a test holds the two together).
    """
    canonical = "[%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s]" % (  # noqa: UP031 - the fastest formatting here
        sequence,
        request_id,
        person_id,
        version_id,
        _json_text(_timestamp(signed_at)),
        _json_text(statement),
        _json_text(typed_name),
        _json_text(ip_address),
        _json_text(user_agent),
        _json_text(content_hash),
        _json_text(_timestamp(first_opened_at)),
        _json_text(previous_hash),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def record_hash(signature: Signature) -> str:
    return hash_of_fields(*(getattr(signature, name) for name in HASHED_FIELDS))


@dataclass(frozen=True)
class Breach:
    sequence: int
    signature_id: int
    problem: str


@dataclass
class Verification:
    checked: int = 0
    versions_checked: int = 0
    first_breach: Breach | None = None
    version_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def intact(self) -> bool:
        return self.first_breach is None


# Below this many records a chain is checked by one process: starting others costs more than it saves.
PARALLEL_MIN_RECORDS = 100_000


def default_workers() -> int:
    """Processes that check a long chain at once: one per CPU, at most four."""
    return min(4, os.cpu_count() or 1)


def verify_chain(*, batch_size: int = 5000, workers: int = 1) -> Verification:
    """Recompute every record hash, the links between records and the content hash of every signed version.

    Reads the chain in order, in batches of plain values (no model instances: it runs over
    millions of rows), holding one batch at a time. Stops at the first breach.

    With `workers` > 1 (the management command), a long chain is cut into that many consecutive
    ranges of sequence numbers, checked at once by forked processes. That checks exactly the same
    things: each range starts from the stored hash of the record before it, which the range before
    recomputes, so every link and every record is still checked once. The first breach in sequence
    order is the one reported. Never inside a transaction, whose rows other processes cannot see.
    """
    if workers > 1 and not connection.in_atomic_block:
        ranges = _ranges(workers)
        if len(ranges) > 1:
            return _verify_in_parallel(ranges, batch_size)
    return _verify_range(after=-1, until=None, expected_previous=GENESIS, batch_size=batch_size)


def _verify_range(*, after: int, until: int | None, expected_previous: str, batch_size: int) -> Verification:
    """Check the records with `after` < sequence <= `until` (no upper bound when None)."""
    result = Verification()
    version_hashes: dict[int, str | None] = {}
    for pk, stored_hash, *fields in _in_order(after, until, batch_size):
        result.checked += 1
        version_id = fields[_VERSION]
        if version_id not in version_hashes:
            version_hashes[version_id] = _intact_version_hash(version_id)
            result.version_ids.add(version_id)
        problem = _problem(fields, stored_hash, expected_previous, version_hashes[version_id])
        if problem:
            result.first_breach = Breach(fields[_SEQUENCE], pk, problem)
            break
        expected_previous = stored_hash
    result.versions_checked = len(result.version_ids)
    return result


_SEQUENCE, _VERSION, _CONTENT_HASH, _PREVIOUS_HASH = (
    HASHED_FIELDS.index(name) for name in ("sequence", "version_id", "content_hash", "previous_hash")
)


def _utc_text(name: str) -> Func:
    """On PostgreSQL, a timestamp as _timestamp() writes it: the database formats it faster than
    Python parses and re-formats it, which is half the cost of checking a record."""
    return Func(
        F(name),
        template="""to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
        output_field=CharField(),
    )


def _in_order(after: int, until: int | None, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """(pk, record_hash, *HASHED_FIELDS) of the records after `after` in sequence order, one indexed range
    at a time."""
    signatures = Signature.objects.order_by("sequence")
    if until is not None:
        signatures = signatures.filter(sequence__lte=until)
    fields: list[str] = list(HASHED_FIELDS)
    if connection.vendor == "postgresql":
        signatures = signatures.annotate(signed_at_utc=_utc_text("signed_at"), opened_utc=_utc_text("first_opened_at"))
        fields = [{"signed_at": "signed_at_utc", "first_opened_at": "opened_utc"}.get(name, name) for name in fields]
    columns = signatures.values_list("pk", "record_hash", *fields)
    last = after
    while True:
        batch = list(columns.filter(sequence__gt=last)[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1][2]


def _ranges(workers: int) -> list[tuple[int, int | None, str]]:
    """(after, until, hash expected before) for each worker; one range when the chain is short."""
    bounds = Signature.objects.aggregate(first=Min("sequence"), last=Max("sequence"), records=Count("pk"))
    if bounds["records"] < PARALLEL_MIN_RECORDS:
        return [(-1, None, GENESIS)]
    step = (bounds["last"] - bounds["first"] + 1) // workers
    cuts = [bounds["first"] - 1 + step * index for index in range(workers)]
    ranges = []
    for index, after in enumerate(cuts):
        until = cuts[index + 1] if index + 1 < len(cuts) else None
        before = Signature.objects.filter(sequence__lte=after).order_by("-sequence").values_list("record_hash")[:1]
        ranges.append((after, until, before[0][0] if before else GENESIS))
    return ranges


def _verify_part(after: int, until: int | None, expected_previous: str, batch_size: int) -> Verification:
    try:
        return _verify_range(after=after, until=until, expected_previous=expected_previous, batch_size=batch_size)
    finally:
        connections.close_all()


def _verify_in_parallel(ranges: list[tuple[int, int | None, str]], batch_size: int) -> Verification:
    # A forked process must not share the parent's database connection: close it; each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(len(ranges)) as pool:
        parts = pool.starmap(_verify_part, [(*part, batch_size) for part in ranges])
    result = Verification()
    for part in parts:  # in sequence order: up to the first range that found a breach
        result.checked += part.checked
        result.version_ids |= part.version_ids
        if part.first_breach is not None:
            result.first_breach = part.first_breach
            break
    result.versions_checked = len(result.version_ids)
    return result


def _intact_version_hash(version_id: int) -> str | None:
    """The version's stored content hash if its text still matches it, else None."""
    version = CodeVersion.objects.get(pk=version_id)
    return version.content_hash if content_hash(version) == version.content_hash else None


def _problem(fields: list[Any], stored_hash: str, expected_previous: str, version_hash: str | None) -> str:
    if fields[_PREVIOUS_HASH] != expected_previous:
        return _("its link to the previous record is broken (a record before it was changed or deleted)")
    if hash_of_fields(*fields) != stored_hash:
        return _("its fields no longer match its hash (the record was edited)")
    if version_hash is None:
        return _("the text of version %(id)s no longer matches the hash it was published with") % {
            "id": fields[_VERSION]
        }
    if fields[_CONTENT_HASH] != version_hash:
        return _("the content hash it records differs from the version's")
    return ""
