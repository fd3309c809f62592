"""The signature hash chain.

Each record's hash is SHA-256 over a canonical serialisation of its fields and
the previous record's hash, so editing or deleting any record breaks every
hash after it. The first record's previous hash is GENESIS.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from codes.content import content_hash
from codes.models import CodeVersion

from .models import Signature

GENESIS = "0" * 64


def _timestamp(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds") if moment else None


def record_hash(signature: Signature) -> str:
    payload = [
        signature.sequence,
        signature.request_id,
        signature.person_id,
        signature.version_id,
        _timestamp(signature.signed_at),
        signature.statement,
        signature.typed_name,
        signature.ip_address,
        signature.user_agent,
        signature.content_hash,
        _timestamp(signature.first_opened_at),
        signature.previous_hash,
    ]
    canonical = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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

    @property
    def intact(self) -> bool:
        return self.first_breach is None


def verify_chain(*, batch_size: int = 5000) -> Verification:
    """Recompute every record hash, the links between records and the content hash of every signed version.

    Reads the chain in order, in batches, holding one batch at a time. Stops at the first breach.
    """
    result = Verification()
    version_hashes: dict[int, str | None] = {}
    expected_previous = GENESIS
    for signature in _in_order(batch_size):
        result.checked += 1
        if signature.version_id not in version_hashes:
            version_hashes[signature.version_id] = _intact_version_hash(signature.version_id)
            result.versions_checked += 1
        problem = _problem(signature, expected_previous, version_hashes[signature.version_id])
        if problem:
            result.first_breach = Breach(signature.sequence, signature.pk, problem)
            return result
        expected_previous = signature.record_hash
    return result


def _in_order(batch_size: int) -> Iterator[Signature]:
    last = -1
    while True:
        batch = list(Signature.objects.filter(sequence__gt=last).order_by("sequence")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence


def _intact_version_hash(version_id: int) -> str | None:
    """The version's stored content hash if its text still matches it, else None."""
    version = CodeVersion.objects.get(pk=version_id)
    return version.content_hash if content_hash(version) == version.content_hash else None


def _problem(signature: Signature, expected_previous: str, version_hash: str | None) -> str:
    if signature.previous_hash != expected_previous:
        return _("its link to the previous record is broken (a record before it was changed or deleted)")
    if record_hash(signature) != signature.record_hash:
        return _("its fields no longer match its hash (the record was edited)")
    if version_hash is None:
        return _("the text of version %(id)s no longer matches the hash it was published with") % {
            "id": signature.version_id
        }
    if signature.content_hash != version_hash:
        return _("the content hash it records differs from the version's")
    return ""
