"""Locks held until the current transaction ends, for work that must not run twice at once."""

from __future__ import annotations

import enum

from django.db import connection


class TransactionLock(enum.IntEnum):
    """Each lock's key in PostgreSQL's advisory lock space: one place, so that no two uses share one by accident."""

    SIGNATURE_CHAIN = 7_240_611
    HR_IMPORT = 7_240_612


def transaction_lock(lock: TransactionLock) -> None:
    """Wait for `lock`, and hold it until the current transaction commits or rolls back.

    On PostgreSQL this is an advisory transaction lock; SQLite lets one writer in at a time by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(lock)])
