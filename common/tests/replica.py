"""For tests of reading from a replica (common/replica.py): Django's `replica` alias for the length of a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from common.replica import REPLICA


@contextmanager
def replica_alias(**settings: Any) -> Iterator[None]:
    """The `replica` alias, connected as the primary's test database is but for `settings` (HOST, PORT...).

    The suite runs without DATABASE_REPLICA_URL (pytest.ini): the alias exists only within, for the tests
    that ask for it. The replica is a test mirror of the primary, as settings.py makes it: a test case
    that names it among its databases neither creates nor empties it (the primary's are its rows)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: primary, REPLICA: {**primary, **settings, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}}
    )
    connections.settings[REPLICA] = configured[REPLICA]
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
