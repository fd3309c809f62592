"""verify_signatures over the whole chain, as `manage.py verify_signatures` checks it, against its floor.

The floor: hashlib's SHA-256 over the very bytes each record's hash covers (chain_format's compact JSON
array), in one Python loop over a sample of the chain held in memory, per core; times the processes
verify_chain checks the chain with. The bytes are checked against the stored record hashes first.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import statistics
import time

from bench.plumbing import Bench, Result
from bench.report import Row

# Records hashed by the floor: enough for a stable rate, few enough to hold in memory.
FLOOR_SAMPLE = 200_000
FLOOR_RUNS = 5
# Issue 19: verification checks at least this share of the rate SHA-256 alone hashes the same bytes at.
FLOOR_TARGET = 0.7


def step_verify(params: Result) -> Result:
    from acknowledgements.chain import PARALLEL_MIN_RECORDS, default_workers, verify_chain

    # As `manage.py verify_signatures` checks it: in parallel ranges on a long chain.
    workers = default_workers()
    started = time.perf_counter()
    result = verify_chain(workers=workers)
    seconds = time.perf_counter() - started
    records, hashes, same_bytes = _hashed_bytes(FLOOR_SAMPLE)
    hashing = statistics.median(_hashing_seconds(records) for _run in range(FLOOR_RUNS))
    floor_rate = len(records) / hashing
    return {
        # What else checking a record costs, on the same sample, in one process: reading its row as verify_chain
        # reads it (PostgreSQL writing it, the driver reading it), and its MAC.
        "read_us": _reading_seconds(len(records)) / len(records) * 1e6,
        "sha256_us": hashing / len(records) * 1e6,
        "mac_us": statistics.median(_mac_seconds(hashes) for _run in range(FLOOR_RUNS)) / len(records) * 1e6,
        "seconds": seconds,
        "rows": result.checked,
        "rate": result.checked / seconds,
        "intact": result.intact,
        "breach": str(result.first_breach) if result.first_breach else "",
        "floor_rate_per_core": floor_rate,
        "floor_sample": len(records),
        "floor_same_bytes": same_bytes,
        # verify_chain checks a short chain in one process (as in --smoke).
        "workers": workers if result.checked >= PARALLEL_MIN_RECORDS else 1,
    }


def _hashed_bytes(limit: int) -> tuple[list[bytes], list[str], bool]:
    """The bytes each of the first `limit` records' hash covers, written as chain_format writes them (the
    compact JSON array, which its tests hold hash_of_fields to), their stored hashes, and whether each hashes
    to its stored hash."""
    from acknowledgements.chain import UtcText
    from acknowledgements.chain_format import HASHED_FIELDS, KIOSK, KIOSK_FIELDS
    from acknowledgements.models import Signature

    # Moments as the chain reads them: formatted by the database (chain.UtcText).
    moments = {"signed_at": UtcText("signed_at"), "first_opened_at": UtcText("first_opened_at")}
    fields = [moments.get(name, name) for name in HASHED_FIELDS]
    rows = Signature.objects.order_by("sequence").values_list(*fields, *KIOSK_FIELDS, "record_hash")[:limit]
    records, hashes = [], []
    same = True
    for *values, record_hash in rows.iterator(chunk_size=10_000):
        hashed, (method, witness_id, device) = values[: len(HASHED_FIELDS)], values[len(HASHED_FIELDS) :]
        array = [*hashed, method, witness_id, device] if method == KIOSK else hashed
        data = json.dumps(array, ensure_ascii=False, separators=(",", ":")).encode()
        same = same and hashlib.sha256(data).hexdigest() == record_hash
        records.append(data)
        hashes.append(record_hash)
    return records, hashes, same


def _reading_seconds(limit: int) -> float:
    from acknowledgements.chain import _fast_rows

    started = time.perf_counter()
    # The very records the floor hashed: the first ones.
    for _row in itertools.islice(_fast_rows(-1, None, 5000), limit):
        pass
    return time.perf_counter() - started


def _mac_seconds(hashes: list[str]) -> float:
    from acknowledgements.chain import KeyedHash, checkpoint_key

    mac = KeyedHash(checkpoint_key(), prefix=b"signature:")
    started = time.perf_counter()
    for record_hash in hashes:
        mac.hexdigest(record_hash.encode())
    return time.perf_counter() - started


def _hashing_seconds(records: list[bytes]) -> float:
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for data in records:
        sha256(data).hexdigest()
    return time.perf_counter() - started


def measure_verify(bench: Bench) -> None:
    bench.say("verify_signatures over the whole chain, and SHA-256 alone over the same bytes (the floor)")
    result = bench.child("verify").result
    if not result["intact"]:
        bench.problems.append(f"the signature chain is broken: {result['breach']}")
    if not result["floor_same_bytes"]:
        bench.problems.append("the verification's floor hashed other bytes than the record hashes cover")
    floor_rate = result["floor_rate_per_core"] * result["workers"]
    share = result["rate"] / floor_rate
    bench.rows.append(
        Row(
            f"verify_signatures, {result['rows']:,} records",
            f"{result['rate']:,.0f} rows/s ({result['seconds']:.1f} s, "
            f"{'intact' if result['intact'] else 'BROKEN: ' + result['breach']})",
            f"≥ 50,000 rows/s, ≥ {FLOOR_TARGET:.0%} of floor",
            result["rate"] >= 50_000 and share >= FLOOR_TARGET and result["intact"],
            floor=f"SHA-256 alone over the same bytes: {result['floor_rate_per_core']:,.0f} rows/s per core × "
            f"{result['workers']} = {floor_rate:,.0f} rows/s ({result['floor_sample']:,} records)",
            ratio=f"{share:.0%}",
        )
    )
    bench.notes.append(
        f"verify_signatures, per record: {result['workers'] / result['rate'] * 1e6:.1f} µs of a process in all; "
        f"in one process, reading its row {result['read_us']:.1f} µs (PostgreSQL writing it and the driver reading "
        f"it, on the same cores), SHA-256 {result['sha256_us']:.2f} µs (the floor), its MAC {result['mac_us']:.2f} µs"
    )
