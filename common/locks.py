"""Advisory locks: held until the current transaction ends, for work that must not run twice at once; or held
by a database session on rows of a kind, for work that spans several transactions."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.db import connection


class TransactionLock(enum.IntEnum):
    """Each lock's key in PostgreSQL's advisory lock space: one place, so that no two uses share one by accident."""

    SIGNATURE_CHAIN = 7_240_611
    HR_IMPORT = 7_240_612


class SessionLockSpace(enum.IntEnum):
    """The first of the two keys of a session's lock on a row of a kind (the second is the row's id). PostgreSQL
    keeps locks of two keys apart from those of one (TransactionLock)."""

    REMINDERS = 7_240_613


def transaction_lock(lock: TransactionLock) -> None:
    """Wait for `lock`, and hold it until the current transaction commits or rolls back.

    On PostgreSQL this is an advisory transaction lock; SQLite lets one writer in at a time by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(lock)])


def _row_key(row_id: int) -> int:
    """The second key of a row's lock: its id's lowest 32 bits, as PostgreSQL's (signed) integer."""
    return row_id % 2**32 - 2**31


def session_locks_try(space: SessionLockSpace, ids: Iterable[int]) -> set[int]:
    """Lock the rows of `ids` in `space` for this database session, all in one statement, without waiting for
    those another session holds; the ids locked. The locks last across transactions, until
    `session_locks_release`, or until the session ends (a process killed: its connection closes with it).

    SQLite lets one writer in at a time by itself: every id is this session's."""
    ids = sorted(set(ids))
    if connection.vendor != "postgresql" or not ids:
        return set(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[], %s::integer[]) AS locked (id, key) "
            "WHERE pg_try_advisory_lock(%s, key)",
            [ids, [_row_key(row_id) for row_id in ids], int(space)],
        )
        return {row_id for (row_id,) in cursor.fetchall()}


def session_locks_release(space: SessionLockSpace, ids: Iterable[int]) -> None:
    """Let go of this session's locks on the rows of `ids` in `space` (see `session_locks_try`), in one statement."""
    keys = sorted({_row_key(row_id) for row_id in ids})
    if connection.vendor == "postgresql" and keys:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, key) FROM unnest(%s::integer[]) AS key", [int(space), keys])
