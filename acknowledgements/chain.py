"""The signature hash chain, its MACs and its checkpoints.

Each record's hash is SHA-256 over a canonical serialisation of its fields and
the previous record's hash, so editing or deleting any record breaks every
hash after it. The first record's previous hash is GENESIS. The serialisation
is chain_format's, which evidence packs carry to the auditor's verify.py.

A hash proves nothing against someone who can write the database: they can
recompute every hash after an edit, append a record of their own, or cut the
end of the chain off. So each record also carries a MAC (HMAC-SHA256 of its
hash) under a key the database does not hold, and a checkpoint signed with the
same key records, from time to time and at each export, how many records the
chain held and the hash it ended with. Verification checks every MAC, the chain
against the checkpoints, and each request's state against its signature.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import CharField, Count, F, Func, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from codes.content import content_hash, translation_content_hash
from codes.models import CodeVersion, TranslationStatus, VersionTranslation
from codes.selectors import language_name

from .chain_format import (
    COMMITTED_FIELDS,
    FIELDS,
    GENESIS,
    HASHED_FIELDS,
    INTEGER,
    KIOSK,
    KIOSK_FIELDS,
    MOMENT,
    OPTIONAL_INTEGER,
    OPTIONAL_MOMENT,
    TEXT,
    canonical_text,
    commitment,
    commitment_message,
    hash_of_fields,
    hashed_timestamp,
)
from .commitments import commitment_key
from .models import AcknowledgementRequest, RequestStatus, Signature, SignatureCheckpoint

# ---------------------------------------------------------------------------
# The key and the MACs
# ---------------------------------------------------------------------------


def checkpoint_key() -> bytes:
    """SIGNATURE_CHECKPOINT_KEY, or on a development machine a key derived from SECRET_KEY.

    `check --deploy` refuses the derived key (acknowledgements.E001): SECRET_KEY is often shared
    with more people and places than a key that only the application and the auditor hold.
    """
    if settings.SIGNATURE_CHECKPOINT_KEY:
        return str(settings.SIGNATURE_CHECKPOINT_KEY).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"conduct_portal.signature-checkpoint-key", hashlib.sha256).digest()


def _mac(key: bytes, message: str) -> str:
    # One-shot: half the time of hmac.new(…).hexdigest(), and verification and seeding MAC millions of records.
    return hmac.digest(key, message.encode(), "sha256").hex()


_RECORD_MAC_PREFIX = "signature:"


def mac_of_record_hash(record_hash: str, *, key: bytes | None = None) -> str:
    """A record's MAC. The hash already covers every field and the link, so the MAC covers them too;
    the prefix keeps a record's MAC from ever passing for a checkpoint's."""
    return _mac(key or checkpoint_key(), f"{_RECORD_MAC_PREFIX}{record_hash}")


_BLOCK = hashlib.sha256().block_size
_INNER_PAD, _OUTER_PAD = bytes(x ^ 0x36 for x in range(256)), bytes(x ^ 0x5C for x in range(256))


class KeyedHash:
    """HMAC-SHA256 under one key (RFC 2104), for a MAC checked on every record: its key's two padded blocks
    (and a prefix every message starts with) are hashed once, where hmac.new hashes them for every message."""

    def __init__(self, key: bytes, *, prefix: bytes = b"") -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_INNER_PAD))
        self._inner.update(prefix)
        self._outer = hashlib.sha256(key.translate(_OUTER_PAD))

    def hexdigest(self, message: bytes) -> str:
        """hmac.new(key, prefix + message, "sha256").hexdigest()"""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def mac_of_checkpoint(
    *, count: int, head_sequence: int | None, head_hash: str, created_at: datetime.datetime, key: bytes | None = None
) -> str:
    head = "" if head_sequence is None else head_sequence
    return _mac(key or checkpoint_key(), f"checkpoint:{count}:{head}:{head_hash}:{hashed_timestamp(created_at)}")


def mac_matches(stored: str, expected: str) -> bool:
    return hmac.compare_digest(stored.encode(), expected.encode())


def record_hash(signature: Signature) -> str:
    kiosk = {name: getattr(signature, name) for name in KIOSK_FIELDS}
    return hash_of_fields(*(getattr(signature, name) for name in HASHED_FIELDS), **kiosk)


def commit(signature: Signature, *, key: bytes | None = None) -> None:
    """Give a record its commitments to its personal fields (chain_format.COMMITTED_FIELDS)."""
    key = key or commitment_key()
    for name, column in COMMITTED_FIELDS.items():
        setattr(signature, column, commitment(key, name, getattr(signature, name)))


def seal(signature: Signature) -> None:
    """Give a new record its commitments, its hash and its MAC."""
    commit(signature)
    signature.record_hash = record_hash(signature)
    signature.record_mac = mac_of_record_hash(signature.record_hash)


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
    """Check the records with `after` < sequence <= `until` (no upper bound when None).

    Each record is confirmed the fast way first, on a row of _fast_rows: it links to the record before it, its
    canonical text hashes to its stored hash, its MAC matches, the text it says was read is one an earlier
    record already found intact and in its language, and its personal values match their commitments (those
    found to match are remembered, _Commitments). A record the fast way does not confirm (a breach, or the
    first record of each text) is read again and checked the precise way (_PreciseCheck), which says what is
    wrong with it, or that nothing is.

    The two agree: a record the fast way confirms passes the precise way. The canonical text PostgreSQL writes
    is compact JSON of the record's very values, so a text that hashes to the stored hash is the one the record
    was sealed with, and the record still holds the values it was sealed with; the other checks compare the
    same values the precise way compares. A text written otherwise than chain_format writes it (which tests
    rule out) would only send its record the precise way.
    """
    result = Verification()
    precise = _PreciseCheck(result)
    record_mac = KeyedHash(precise.key, prefix=_RECORD_MAC_PREFIX.encode())
    commitments = _Commitments(precise.personal_key)
    known = commitments.known
    # (version, content hash, language) of the texts the precise way found intact and in their language.
    known_texts: set[tuple[int, str, str]] = set()
    sha256, same = hashlib.sha256, hmac.compare_digest
    for row in _fast_rows(after, until, batch_size):
        (
            sequence,
            canonical,
            stored_hash,
            stored_mac,
            previous_hash,
            version_id,
            content_hash,
            language,
            pseudonymised,
            typed_name_commitment,
            typed_name,
            ip_address_commitment,
            ip_address,
            user_agent_commitment,
            user_agent,
        ) = row
        result.checked += 1
        if (
            previous_hash == expected_previous
            and sha256(canonical.encode()).hexdigest() == stored_hash
            and same(record_mac.hexdigest(stored_hash.encode()), stored_mac)
            and (version_id, content_hash, language) in known_texts
            and (
                pseudonymised
                or (
                    known.get(typed_name_commitment, _UNKNOWN) == typed_name
                    and known.get(ip_address_commitment, _UNKNOWN) == ip_address
                    and known.get(user_agent_commitment, _UNKNOWN) == user_agent
                )
                or commitments.confirm(row[_FAST_PERSONAL_AT:])
            )
        ):
            expected_previous = stored_hash
            continue
        breach = precise.breach(sequence, expected_previous)
        if breach is not None:
            result.first_breach = breach
            break
        known_texts.add((version_id, content_hash, language))
        if not pseudonymised:
            commitments.remember(row[_FAST_PERSONAL_AT:])
        expected_previous = stored_hash
    result.versions_checked = len(result.version_ids)
    return result


class _PreciseCheck:
    """The check of one record, value by value as the ORM reads them, that says what is wrong with it.

    Holds each signed version's texts, read (and their hashes recomputed) once however many records sign them."""

    def __init__(self, result: Verification) -> None:
        self.result = result
        self.key, self.personal_key = checkpoint_key(), commitment_key()
        self.version_texts: dict[int, dict[str, SignableText]] = {}

    def breach(self, sequence: int, expected_previous: str) -> Breach | None:
        row = next(_in_order(sequence - 1, sequence, 1), None)
        if row is None:
            return Breach(sequence, 0, _("the record was deleted while the chain was being checked"))
        pk, stored_hash, stored_mac, language, method, witness_id, device, pseudonymised_at, *rest = row
        personal, fields = rest[: len(COMMITTED_FIELDS)], rest[len(COMMITTED_FIELDS) :]
        version_id = fields[_VERSION]
        if version_id not in self.version_texts:
            self.version_texts[version_id] = signable_texts(version_id)
            self.result.version_ids.add(version_id)
        problem = _problem(
            fields,
            (method, witness_id, device),
            stored_hash,
            stored_mac,
            self.key,
            expected_previous,
            self.version_texts[version_id],
            language,
        )
        if not problem and pseudonymised_at is None:
            problem = _personal_problem(personal, fields, self.personal_key)
        return Breach(sequence, pk, problem) if problem else None


class _Commitments:
    """Personal values found to match their commitments, by commitment.

    Most people sign many records, with the same name and mostly the same address and browser: a value found
    to match a commitment needs no HMAC the next time the two come together. Only that very value is accepted
    with it, and one table serves every personal field: a commitment is the HMAC of the field's name with the
    value. Forgotten all at once when REMEMBERED are held, to keep a worker's memory small.
    """

    REMEMBERED = 300_000

    def __init__(self, key: bytes) -> None:
        self.known: dict[str, str | None] = {}
        self._hash = KeyedHash(key)

    def confirm(self, pairs: tuple[Any, ...]) -> bool:
        """Whether each personal value matches its commitment, given (commitment, value) of each of
        COMMITTED_FIELDS in turn; those that do are remembered."""
        for name, at in zip(COMMITTED_FIELDS, range(0, len(pairs), 2), strict=True):
            committed, value = pairs[at], pairs[at + 1]
            if self.known.get(committed, _UNKNOWN) == value:
                continue
            if not hmac.compare_digest(self._hash.hexdigest(commitment_message(name, value).encode()), committed):
                return False
            self._hold(committed, value)
        return True

    def remember(self, pairs: tuple[Any, ...]) -> None:
        """Remember personal values found to match their commitments the precise way (pairs as for confirm)."""
        for at in range(0, len(pairs), 2):
            self._hold(pairs[at], pairs[at + 1])

    def _hold(self, committed: str, value: str | None) -> None:
        if len(self.known) >= self.REMEMBERED:
            self.known.clear()
        self.known[committed] = value


_UNKNOWN = object()  # what no personal value is


_SEQUENCE, _VERSION, _CONTENT_HASH, _PREVIOUS_HASH = (
    HASHED_FIELDS.index(name) for name in ("sequence", "version_id", "content_hash", "previous_hash")
)


# A moment as hashed_timestamp() writes it, in to_char's terms.
_UTC_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


class UtcText(Func):
    """A timestamp as hashed_timestamp() writes it, formatted by the database: it formats faster than
    Python parses and re-formats it, which is half the cost of checking a record."""

    template = f"pg_catalog.to_char(%(expressions)s AT TIME ZONE 'UTC', '{_UTC_FORMAT}')"
    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps a moment as UTC text, "2026-03-01 07:30:00.000012", without the fraction when it is
        # zero: pad the fraction to six digits (cut at 26 characters), then write it as ISO 8601 in UTC.
        template = "replace(substr(%(expressions)s || '.000000', 1, 26), ' ', 'T') || '+00:00'"
        return super().as_sql(compiler, connection, template=template, **extra)


def _utc_text(name: str) -> Func:
    return UtcText(F(name))


# What each row of _in_order gives before the hashed fields: a kiosk record's fields, whether it was
# pseudonymised, then the personal fields in COMMITTED_FIELDS order.
_LEADING_COLUMNS = ("pk", "record_hash", "record_mac", "language", *KIOSK_FIELDS, "pseudonymised_at", *COMMITTED_FIELDS)


def _in_order(after: int, until: int | None, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """(*_LEADING_COLUMNS, *HASHED_FIELDS) of the records after `after` (up to `until`) in sequence order, one
    indexed range at a time."""
    signatures: QuerySet[Any] = Signature.objects.order_by("sequence")
    if until is not None:
        signatures = signatures.filter(sequence__lte=until)
    fields: list[str] = list(HASHED_FIELDS)
    if connection.vendor == "postgresql":
        signatures = signatures.annotate(signed_at_utc=_utc_text("signed_at"), opened_utc=_utc_text("first_opened_at"))
        fields = [{"signed_at": "signed_at_utc", "first_opened_at": "opened_utc"}.get(name, name) for name in fields]
    columns = signatures.values_list(*_LEADING_COLUMNS, *fields)
    last = after
    while True:
        batch = list(columns.filter(sequence__gt=last)[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1][len(_LEADING_COLUMNS) + _SEQUENCE]


def _fast_rows(after: int, until: int | None, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """The rows _verify_range confirms records with, for the records after `after` (up to `until`) in sequence order:
    (sequence, canonical text, record_hash, record_mac, previous_hash, version_id, content_hash, language, whether
    pseudonymised, then a commitment and its value for each of COMMITTED_FIELDS).

    On PostgreSQL the database writes each record's canonical text (_fast_sql): it writes it several times faster
    than Python does. Elsewhere (SQLite, for development) the text is written here from the precise way's values."""
    if connection.vendor == "postgresql":
        sql = _fast_sql()
        last = after
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, [last, _NO_END if until is None else until, batch_size])
                batch = cursor.fetchall()
                if not batch:
                    return
                yield from batch
                last = batch[-1][0]
    for _pk, stored_hash, stored_mac, language, method, witness_id, device, pseudonymised_at, *rest in _in_order(
        after, until, batch_size
    ):
        personal, fields = rest[: len(COMMITTED_FIELDS)], rest[len(COMMITTED_FIELDS) :]
        yield (
            fields[_SEQUENCE],
            canonical_text(*fields, method=method, witness_id=witness_id, device=device),
            stored_hash,
            stored_mac,
            fields[_PREVIOUS_HASH],
            fields[_VERSION],
            fields[_CONTENT_HASH],
            language,
            pseudonymised_at is not None,
            *(value for index, value in zip(_COMMITMENTS, personal, strict=True) for value in (fields[index], value)),
        )


# Where the (commitment, value) pairs begin in a row of _fast_rows. _verify_range names the three of them (a row
# of another length fails its unpacking at once).
_FAST_PERSONAL_AT = 9

_NO_END = 2**63 - 1  # a sequence above every record's

# Every function and operator that writes the canonical text is named with its schema: one of the same name and
# argument types that the tables' owner created in a schema of their own would otherwise be called instead (an
# exact match of the argument types wins over pg_catalog's to_json(anyelement) wherever it is on the path).
_CONCAT, _TO_JSON, _EQUALS = "pg_catalog.concat", "pg_catalog.to_json", "OPERATOR(pg_catalog.=)"


def _json_sql(column: str, kind: str) -> list[str]:
    """The SQL that writes one value into the canonical text as canonical_text writes it (pieces of a concat)."""
    if kind in (MOMENT, OPTIONAL_MOMENT):
        written = ["'\"'", f"pg_catalog.to_char({column} AT TIME ZONE 'UTC', '{_UTC_FORMAT}')", "'\"'"]
        if kind == MOMENT:
            return written
        return [f"CASE WHEN {column} IS NULL THEN 'null' ELSE {_CONCAT}({', '.join(written)}) END"]
    if kind == INTEGER:
        return [column]  # concat writes a number's digits
    if kind == OPTIONAL_INTEGER:
        return [f"coalesce({column}::text, 'null')"]
    if kind == TEXT:
        return [f"{_TO_JSON}({column})"]
    return [f"coalesce({_TO_JSON}({column})::text, 'null')"]  # OPTIONAL_TEXT


def _columns() -> dict[str, str]:
    """The signature table's column of each field, by the name chain_format gives it (a foreign key's "..._id")."""
    return {field.attname: field.column for field in Signature._meta.concrete_fields}


def _array_sql(fields: dict[str, str]) -> list[str]:
    """The pieces of a concat that write these fields as elements of a JSON array, each after a comma."""
    columns = _columns()
    return [piece for name, kind in fields.items() for piece in ("','", *_json_sql(columns[name], kind))]


def _fast_sql() -> str:
    columns = _columns()
    kiosk = f"{_CONCAT}({', '.join(_array_sql(KIOSK_FIELDS))})"
    canonical = [
        "'['",
        *_array_sql(FIELDS)[1:],  # no comma before the first element
        f"CASE WHEN {columns['method']} {_EQUALS} '{KIOSK}' THEN {kiosk} ELSE '' END",
        "']'",
    ]
    selected = [
        columns["sequence"],
        f"{_CONCAT}({', '.join(canonical)})",
        *(columns[name] for name in ("record_hash", "record_mac", "previous_hash", "version_id", "content_hash")),
        columns["language"],
        f"{columns['pseudonymised_at']} IS NOT NULL",
        *(columns[name] for name, commitment in COMMITTED_FIELDS.items() for name in (commitment, name)),
    ]
    sequence = columns["sequence"]
    # The model's own table and column names, and constants.
    return (
        f"SELECT {', '.join(selected)} FROM {Signature._meta.db_table} "  # noqa: S608
        f"WHERE {sequence} > %s AND {sequence} <= %s ORDER BY {sequence} LIMIT %s"
    )


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


def _own_connections() -> None:
    """In a forked worker: forget every database connection inherited from the parent, so that it opens its own.

    Closing them in the parent first is not enough: after a browser test (Playwright keeps an event loop
    in the test's thread) the workers still found a connection of the parent's that `close_all` had not
    closed, and used it all at once, reading each other's answers (a section's body came back as a
    boolean). A connection storage of their own leaves the inherited sockets untouched.
    """
    for alias in connections:
        with contextlib.suppress(AttributeError):  # none inherited under that alias
            del connections[alias]


def _verify_in_parallel(ranges: list[tuple[int, int | None, str]], batch_size: int) -> Verification:
    # A forked process must not share the parent's database connection: close it; each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(len(ranges), initializer=_own_connections) as pool:
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


@dataclass(frozen=True)
class SignableText:
    """A text of a version that a record may say was read: the version's own or a published translation's,
    by the hash stored when it was published."""

    language: str
    # Whether the text still matches that hash (recomputed from the sections in the database).
    intact: bool
    translation: bool


def signable_texts(version_id: int) -> dict[str, SignableText]:
    """The texts of a version a signature may record, by their stored content hash: the version's own and
    each of its published translations. A query for the version and one for its translations, then one for
    each text's sections to recompute its hash."""
    version = CodeVersion.objects.get(pk=version_id)
    texts = {
        version.content_hash: SignableText(
            language=version.language, intact=content_hash(version) == version.content_hash, translation=False
        )
    }
    for translation in VersionTranslation.objects.filter(version_id=version_id, status=TranslationStatus.PUBLISHED):
        texts.setdefault(
            translation.content_hash,
            SignableText(
                language=translation.language,
                intact=translation_content_hash(translation) == translation.content_hash,
                translation=True,
            ),
        )
    return texts


_COMMITMENTS = tuple(HASHED_FIELDS.index(column) for column in COMMITTED_FIELDS.values())


def _personal_problem(personal: Sequence[Any], fields: Sequence[Any], key: bytes) -> str:
    """A record not pseudonymised must still hold the very personal values its hash commits to."""
    for name, value, index in zip(COMMITTED_FIELDS, personal, _COMMITMENTS, strict=True):
        if not mac_matches(fields[index], commitment(key, name, value)):
            return _(
                "its typed name, IP address or browser no longer matches what the record committed to "
                "(the record was edited)"
            )
    return ""


def _problem(
    fields: Sequence[Any],
    kiosk: tuple[str, int | None, str],
    stored_hash: str,
    stored_mac: str,
    key: bytes,
    expected_previous: str,
    texts: dict[str, SignableText],
    language: str,
) -> str:
    if fields[_PREVIOUS_HASH] != expected_previous:
        return _("its link to the previous record is broken (a record before it was changed or deleted)")
    method, witness_id, device = kiosk
    if hash_of_fields(*fields, method=method, witness_id=witness_id, device=device) != stored_hash:
        return _("its fields no longer match its hash (the record was edited)")
    if not mac_matches(stored_mac, mac_of_record_hash(stored_hash, key=key)):
        return _(
            "its MAC does not match: the portal did not write this record (it was forged, or edited and "
            "the chain recomputed after it)"
        )
    text = texts.get(fields[_CONTENT_HASH])
    if text is None:
        return _("the content hash it records is neither the version's nor one of its published translations'")
    if not text.intact and text.translation:
        return _(
            "the text of the %(language)s translation of version %(id)s no longer matches the hash it was "
            "published with"
        ) % {"language": language_name(text.language), "id": fields[_VERSION]}
    if not text.intact:
        return _("the text of version %(id)s no longer matches the hash it was published with") % {
            "id": fields[_VERSION]
        }
    if language != text.language:
        return _("it records the language %(recorded)s, but the text whose hash it records is in %(language)s") % {
            "recorded": language,
            "language": text.language,
        }
    return ""


# ---------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """How long the chain is and how it ends, read in one statement."""

    count: int
    sequence: int | None
    hash: str


def current_head() -> Head:
    # Count and last sequence come from one statement, so they agree even while people sign; the
    # last record's hash never changes once it is committed.
    head = Signature.objects.aggregate(count=Count("pk"), sequence=Max("sequence"))
    if head["sequence"] is None:
        return Head(0, None, GENESIS)
    last_hash = Signature.objects.values_list("record_hash", flat=True).get(sequence=head["sequence"])
    return Head(head["count"], head["sequence"], last_hash)


def checkpoint_is_authentic(checkpoint: SignatureCheckpoint, *, key: bytes | None = None) -> bool:
    expected = mac_of_checkpoint(
        count=checkpoint.count,
        head_sequence=checkpoint.head_sequence,
        head_hash=checkpoint.head_hash,
        created_at=checkpoint.created_at,
        key=key,
    )
    return mac_matches(checkpoint.mac, expected)


def _when(checkpoint: SignatureCheckpoint) -> str:
    return timezone.localtime(checkpoint.created_at).strftime("%Y-%m-%d %H:%M:%S")


def checkpoint_problems(*, key: bytes | None = None) -> tuple[SignatureCheckpoint | None, list[str]]:
    """The latest authentic checkpoint, and what is wrong with the checkpoints and the chain against them.

    Every checkpoint's MAC is checked (one forged by someone without the key is named), and every
    authentic checkpoint's last record must still be in the chain with the hash it had: a chain cut
    at its end, or recomputed after an edit, fails at the first checkpoint it no longer matches.
    All in one query, with each checkpoint's last record's current hash beside it.
    """
    key = key or checkpoint_key()
    stored = Signature.objects.filter(sequence=OuterRef("head_sequence")).values("record_hash")[:1]
    checkpoints = SignatureCheckpoint.objects.order_by("created_at", "pk").annotate(current_hash=Subquery(stored))
    problems: list[str] = []
    latest: SignatureCheckpoint | None = None
    for checkpoint in checkpoints:
        if not checkpoint_is_authentic(checkpoint, key=key):
            problems.append(
                _("checkpoint %(id)s of %(time)s: its MAC does not match (the portal did not write it)")
                % {"id": checkpoint.pk, "time": _when(checkpoint)}
            )
            continue
        latest = checkpoint
        if checkpoint.head_sequence is None:
            continue
        current_hash = checkpoint.current_hash
        if current_hash is None:
            problems.append(_missing_records(checkpoint))
        elif current_hash != checkpoint.head_hash:
            problems.append(
                _(
                    "record #%(sequence)s: its hash differs from the one the checkpoint of %(time)s recorded "
                    "(the chain was recomputed up to it)"
                )
                % {"sequence": checkpoint.head_sequence, "time": _when(checkpoint)}
            )
    if latest is not None and latest.head_sequence is not None:
        counted = Signature.objects.filter(sequence__lte=latest.head_sequence).count()
        if counted != latest.count:
            problems.append(
                ngettext(
                    "the chain holds %(counted)s record up to #%(sequence)s, but the checkpoint of %(time)s "
                    "counted %(count)s",
                    "the chain holds %(counted)s records up to #%(sequence)s, but the checkpoint of %(time)s "
                    "counted %(count)s",
                    counted,
                )
                % {"counted": counted, "sequence": latest.head_sequence, "time": _when(latest), "count": latest.count}
            )
    return latest, problems


def _missing_records(checkpoint: SignatureCheckpoint) -> str:
    before = Signature.objects.filter(sequence__lt=checkpoint.head_sequence).aggregate(last=Max("sequence"))["last"]
    first = (before or 0) + 1
    values = {"first": first, "last": checkpoint.head_sequence, "time": _when(checkpoint), "count": checkpoint.count}
    if first == checkpoint.head_sequence:
        return (
            ngettext(
                "record #%(last)s is missing: the checkpoint of %(time)s counted %(count)s record ending with it "
                "(the end of the chain was deleted)",
                "record #%(last)s is missing: the checkpoint of %(time)s counted %(count)s records ending with it "
                "(the end of the chain was deleted)",
                checkpoint.count,
            )
            % values
        )
    return (
        ngettext(
            "records #%(first)s to #%(last)s are missing: the checkpoint of %(time)s counted %(count)s record "
            "ending with #%(last)s (the end of the chain was deleted)",
            "records #%(first)s to #%(last)s are missing: the checkpoint of %(time)s counted %(count)s records "
            "ending with #%(last)s (the end of the chain was deleted)",
            checkpoint.count,
        )
        % values
    )


# ---------------------------------------------------------------------------
# Requests against signatures
# ---------------------------------------------------------------------------

# Enough to name where to look; the count says how many there are in all.
MISMATCHES_LISTED = 10


def request_state_problems() -> list[str]:
    """A request is signed exactly when a signature record exists for it; anything else is named."""
    signed_without = AcknowledgementRequest.objects.filter(status=RequestStatus.SIGNED, signature__isnull=True)
    signature_without = AcknowledgementRequest.objects.filter(
        ~Q(status=RequestStatus.SIGNED), signature__isnull=False
    ).values_list("pk", "status", "signature__sequence")
    problems = [
        _("request %(id)s is marked signed, but no signature record exists for it") % {"id": pk}
        for pk in signed_without.order_by("pk").values_list("pk", flat=True)[:MISMATCHES_LISTED]
    ]
    problems += [
        _("request %(id)s has signature record #%(sequence)s, but is marked %(status)s")
        % {"id": pk, "sequence": sequence, "status": status}
        for pk, status, sequence in signature_without.order_by("pk")[:MISMATCHES_LISTED]
    ]
    return problems


# ---------------------------------------------------------------------------
# Everything at once: what `manage.py verify_signatures` and the verify page report
# ---------------------------------------------------------------------------


@dataclass
class Report:
    chain: Verification
    latest_checkpoint: SignatureCheckpoint | None
    # Records after the latest checkpoint: their MACs are checked, but a deletion of them from the
    # end of the chain cannot be told apart from their never having been signed.
    uncovered: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def checkpoint_is_late(self) -> bool:
        """Older than two scheduled intervals: is Celery beat running?"""
        if self.latest_checkpoint is None:
            return False
        interval = datetime.timedelta(minutes=settings.SIGNATURE_CHECKPOINT_EVERY_MINUTES)
        return timezone.now() - self.latest_checkpoint.created_at > 2 * interval


def verify_records(*, workers: int = 1) -> Report:
    """Every check at once; problems in the order a person should look at them, the chain's first."""
    chain = verify_chain(workers=workers)
    problems = []
    if chain.first_breach is not None:
        breach = chain.first_breach
        problems.append(
            _("record #%(sequence)s (id %(id)s): %(problem)s")
            % {"sequence": breach.sequence, "id": breach.signature_id, "problem": breach.problem}
        )
    latest, found = checkpoint_problems()
    problems += found
    problems += request_state_problems()
    # Imported here: the authentications' MACs are built on this module's key and MAC.
    from .authentication import authentication_problems

    problems += authentication_problems()
    covered = (latest.head_sequence or 0) if latest is not None else 0
    uncovered = Signature.objects.filter(sequence__gt=covered).count()
    return Report(chain=chain, latest_checkpoint=latest, uncovered=uncovered, problems=problems)
