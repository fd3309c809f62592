"""A real PostgreSQL streaming replica of the default database's cluster, for the read replica's tests
and for `bench/run --cluster`.

`streaming_replica()` makes one the way a deployment would: `pg_basebackup -R` of the primary (run as
the postgres OS user, over the local socket, which the primary's pg_hba.conf must allow for replication:
.ci/run adds `local replication postgres peer`), into a temporary folder of its own, then starts it as a
hot standby on a free loopback port, streaming from the primary. Each caller makes its own (its own
folder and port), so runs side by side do not meet. The replica is a copy of the whole cluster, so the
database exists on it too, under the same name; only what the primary commits reaches it.
"""

from __future__ import annotations

import functools
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from django.db import DEFAULT_DB_ALIAS, connections

DEBIAN_BINARIES = Path("/usr/lib/postgresql")  # /usr/lib/postgresql/<major version>/bin
LOCAL_HOSTS = ("", "localhost", "127.0.0.1")
# What a hot standby must have at least as much of as its primary, or it refuses to start.
AT_LEAST_THE_PRIMARYS = (
    "max_connections",
    "max_prepared_transactions",
    "max_locks_per_transaction",
    "max_wal_senders",
    "max_worker_processes",
)
WAIT_SECONDS = 30
# The start replays the WAL the primary wrote during the copy: on a busy machine, a good while.
START_SECONDS = 180


def _primary_says(*names: str) -> list[str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in names)}", names)
        return list(cursor.fetchone())


# Each asks Django's connection once: a replica is stopped and its slot dropped when the tests' database
# access is over (at the end of the session), and the answers do not change within a run.
@functools.cache
def _binaries() -> Path:
    (version,) = _primary_says("server_version_num")
    return DEBIAN_BINARIES / str(int(version) // 10000) / "bin"


def _as_postgres(*command: str | Path) -> str:
    run = subprocess.run(  # noqa: S603 - our own fixed commands, as the postgres OS user
        ["runuser", "-u", "postgres", "--", *map(str, command)],  # noqa: S607 - util-linux's, on the PATH
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise RuntimeError(f"{command[0]} failed ({run.returncode}): {run.stderr.strip()}")
    return run.stdout


@functools.cache
def _primary_port() -> str:
    """The primary's port; the replica is made over its local socket, in libpq's default folder."""
    (port,) = _primary_says("port")
    return port


def why_no_replica() -> str | None:
    """Why this machine cannot make a replica of the test database's cluster; None when it can."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return "the read replica's tests need PostgreSQL (DATABASE_URL), not SQLite"
    if primary.settings_dict["HOST"] not in LOCAL_HOSTS:
        return f"the primary is not on this machine ({primary.settings_dict['HOST']}): its replica is made here"
    if os.geteuid() != 0:
        return "the replica is made as the postgres OS user (runuser): run the suite as root"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres OS user to make the replica as"
    if not (_binaries() / "pg_basebackup").exists():
        return f"PostgreSQL's programs are not in {_binaries()} (Debian's postgresql package)"
    wal_level, wal_senders = _primary_says("wal_level", "max_wal_senders")
    if wal_level == "minimal" or wal_senders == "0":
        return f"the primary cannot stream its WAL (wal_level={wal_level}, max_wal_senders={wal_senders})"
    allowed = _as_postgres(
        _binaries() / "psql", "-p", _primary_port(), "-Atc",
        "SELECT count(*) FROM pg_hba_file_rules"
        " WHERE type = 'local' AND 'replication' = ANY(database) AND error IS NULL",
    )  # fmt: skip
    if int(allowed) == 0:
        return (
            "the primary's pg_hba.conf allows no local replication connection: add "
            "`local replication postgres peer` and reload it (.ci/run does)"
        )
    return None


# Each replica streams through a replication slot of its own, so that the primary keeps the WAL the replica
# has not received yet: without one, a primary writing much while the copy starts (the suite's other runs,
# a large seed beside it) recycles that WAL first, and the replica waits forever for a segment removed.
SLOT_PREFIX = "conduct_portal_replica_"


def _slot_name() -> str:
    """A slot name for one replica of this process: its pid tells whether its maker still runs."""
    return f"{SLOT_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"


def primary_sql(statement: str) -> str:
    """`statement` run on the primary by its superuser (slots are theirs to drop)."""
    return _as_postgres(_binaries() / "psql", "-p", _primary_port(), "-d", "postgres", "-Atc", statement)


def _slot_drop(name: str) -> None:
    """Drop the slot once the stopped replica's sender has let go of it (a moment after the stop)."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"not a slot name of ours: {name!r}")
    where = f"FROM pg_replication_slots WHERE slot_name = '{name}'"
    deadline = time.monotonic() + WAIT_SECONDS
    while primary_sql(f"SELECT count(*) {where} AND active").strip() != "0":
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replication slot {name} is in use {WAIT_SECONDS} s after its replica stopped")
        time.sleep(0.1)
    primary_sql(f"SELECT pg_drop_replication_slot(slot_name) {where}")


def stale_slots_drop() -> list[str]:
    """Drop the unused slots of replicas whose maker has died (killed before it could drop its own, a slot
    would hold the primary's WAL for ever); the names dropped."""
    unused = "SELECT slot_name FROM pg_replication_slots WHERE NOT active"
    ours = [name for name in primary_sql(unused).split() if name.startswith(SLOT_PREFIX)]
    stale = [name for name in ours if not _process_runs(int(name.removeprefix(SLOT_PREFIX).split("_")[0]))]
    for name in stale:
        _slot_drop(name)
    return stale


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningReplica:
    slot: str  # its replication slot on the primary
    port: int
    socket_directory: Path
    seconds_to_copy: float  # the base backup (the primary's checkpoint first, then the copy)
    seconds_to_start: float  # from the copy until it accepts connections as a hot standby
    megabytes: float  # what the base backup copied

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        """The first value `statement` answers on the replica, run by its superuser."""
        db = psycopg2.connect(host=str(self.socket_directory), port=self.port, user="postgres", dbname="postgres")
        try:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchone()[0]
        finally:
            db.close()

    def _wait_for(self, statement: str, params: tuple[Any, ...] = (), seconds: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while not self.sql(statement, params):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not come to `{statement}` in {seconds:.0f} s")
            time.sleep(0.02)

    def catch_up(self, seconds: float = WAIT_SECONDS) -> None:
        """Wait until the replica has replayed everything the primary has committed so far."""
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            (position,) = cursor.fetchone()
        self._wait_for("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (position,), seconds)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The replica lags: it receives the primary's WAL but replays none of it until the block ends."""
        self.catch_up()
        self.sql("SELECT pg_wal_replay_pause()::text")
        self._wait_for("SELECT pg_get_wal_replay_pause_state() = 'paused'")
        try:
            yield
        finally:
            self.sql("SELECT pg_wal_replay_resume()::text")


def _standby_configuration(folder: Path, port: int) -> str:
    minimums = dict(zip(AT_LEAST_THE_PRIMARYS, _primary_says(*AT_LEAST_THE_PRIMARYS), strict=True))
    lines = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{folder}'",
        "hot_standby": "on",
        "shared_buffers": "'16MB'",
        # A throwaway copy: nothing in it must survive a crash of the machine.
        "fsync": "off",
        **minimums,
    }
    return "".join(f"{name} = {value}\n" for name, value in lines.items())


@contextmanager
def streaming_replica() -> Iterator[RunningReplica]:
    """Make, start and (at the end) stop and remove a hot standby of the test database's cluster."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="conduct-portal-replica-"))
    data = folder / "data"
    shutil.chown(folder, "postgres")
    started = time.monotonic()
    stale_slots_drop()
    slot = _slot_name()
    try:
        _as_postgres(
            binaries / "pg_basebackup", "-D", data, "--write-recovery-conf", "--wal-method=stream",
            "--checkpoint=fast", "-p", _primary_port(), "--create-slot", f"--slot={slot}",
        )  # fmt: skip
        copied = time.monotonic()
        port = _free_port()
        # Debian keeps a cluster's configuration in /etc, out of the copy: the standby gets its own.
        (data / "postgresql.conf").write_text(_standby_configuration(folder, port))
        # Its superuser over its private socket; everyone else as on the primary, with the primary's passwords.
        (data / "pg_hba.conf").write_text("local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        (data / "pg_ident.conf").write_text("")
        for made in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(data / made, "postgres")
        megabytes = sum(path.stat().st_size for path in data.rglob("*") if path.is_file()) / 1e6
        log = folder / "log"
        try:
            _as_postgres(binaries / "pg_ctl", "-D", data, "-l", log, "-w", "-t", str(START_SECONDS), "start")
        except RuntimeError as error:
            raise RuntimeError(f"{error}\nThe replica's log ends:\n{log.read_text()[-2000:]}") from None
        replica = RunningReplica(
            slot=slot,
            port=port,
            socket_directory=folder,
            seconds_to_copy=copied - started,
            seconds_to_start=time.monotonic() - copied,
            megabytes=megabytes,
        )
        if not replica.sql("SELECT pg_is_in_recovery()"):
            raise RuntimeError("the copy started as a primary, not as a replica")
        yield replica
    finally:
        if (data / "postmaster.pid").exists():
            _as_postgres(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder)
        _slot_drop(slot)
