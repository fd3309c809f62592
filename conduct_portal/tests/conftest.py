"""A real PostgreSQL streaming replica for the read replica's tests (test_read_replica.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from common.postgres_replica import RunningReplica, streaming_replica, why_no_replica
from common.tests.replica import replica_alias

MADE = pytest.StashKey[RunningReplica]()


@pytest.fixture(scope="session")
def postgres_replica(pytestconfig: pytest.Config, django_db_setup: None, django_db_blocker) -> Iterator[RunningReplica]:
    """A hot standby of the test database's cluster, made once the test database exists (so that it has it
    too), for the whole run; the tests skip, saying why, where this machine cannot make one."""
    if pytestconfig.getoption("--clock"):
        # Each base backup makes the shared cluster write a checkpoint while CI's three runs use it, and
        # nothing here depends on the hour. Each run could make its own (a folder and a port of its own).
        pytest.skip("the read replica's tests run once, in the real-time run: nothing in them depends on the hour")
    with django_db_blocker.unblock():
        reason = why_no_replica()
    if reason:
        pytest.skip(reason)
    with ExitStack() as stack:
        with django_db_blocker.unblock():
            replica = stack.enter_context(streaming_replica())
        pytestconfig.stash[MADE] = replica
        yield replica


@pytest.fixture(scope="module")
def _replica_alias(postgres_replica: RunningReplica) -> Iterator[RunningReplica]:
    # For the module, not each test: a test that reads the replica names it among its databases, and Django
    # checks those before the test's own fixtures run.
    with replica_alias(HOST="127.0.0.1", PORT=postgres_replica.port):
        yield postgres_replica


@pytest.fixture
def replica(_replica_alias: RunningReplica, transactional_db: None, settings) -> RunningReplica:
    """The portal configured with the replica, as DATABASE_REPLICA_URL configures it, for one test.

    Transactional, with the replica among its databases: only what the primary commits streams to it."""
    settings.DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]
    return _replica_alias


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    replica = terminalreporter.config.stash.get(MADE, None)
    if replica is not None:
        terminalreporter.write_line(
            f"Read replica: a base backup of {replica.megabytes:.0f} MB in {replica.seconds_to_copy:.1f} s, "
            f"started as a hot standby in {replica.seconds_to_start:.1f} s."
        )
