"""bench/run --cluster: the scale-out proof, every process on 127.0.0.1 and nothing else.

It starts the topology the README's deployment section describes, at the size of one machine: the
benchmark database as the primary and a streaming replica of it (`common.postgres_replica`), two
gunicorn web nodes (each with DATABASE_REPLICA_URL) behind HAProxy (`bench.balancer`), two Celery
workers and one beat on Redis. Then:

1. one sign-in (a database session) is sent to each node directly: both must know it;
2. wrk drives the signing load through HAProxy, and one web node (its master and workers) is killed
   with SIGKILL part-way: HAProxy routes around it; the load's errors are counted and must stay
   within the connections wrk holds (each had at most one request in the dead node's hands); every
   acknowledged signature must be stored, the chain must verify and the replica must have them all;
3. 10% of the version's requests become overdue and the reminder sweep is sent through Redis; one
   worker is killed with SIGKILL while it delivers a batch: its task goes back to the queue once the
   visibility timeout (shortened for the run) has passed, and the other worker delivers it. Nothing
   may be lost, no reminder claimed twice, and the emails (Django's file backend, one folder for
   all) must be the delivered reminders, with at most one sent twice: the one the killed worker was
   handing over (each email's mark is committed as soon as it is sent: reminders/services.py).

It prints one table of these checks and exits non-zero when one fails. Django is set up in this
process too, with the cluster's settings: the replica is made from the primary's connection, and the
checks read the database.
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bench.balancer import FAILED_CHECKS_TO_DOWN, Balancer, haproxy
from bench.conductor import exit_status, keep_or_drop, prepare_run
from bench.database import database_size
from bench.plumbing import PYTHON, ROOT, Bench
from bench.report import Row, print_table
from bench.server import Server, gunicorn_server
from bench.signing import SIGNED_STATUS, wrk_load

if TYPE_CHECKING:
    from common.postgres_replica import RunningReplica

# The signing load uses the fast hasher (bench/wsgi_fast_hashing.py): the run proves correctness, and
# the production hasher would leave two shared cores a few signatures a second.
APPLICATION = "bench.wsgi_fast_hashing:application"
NODES = 2
GUNICORN_WORKERS = 2  # per node
CELERY_WORKERS = 2
# Short, so that the killed worker's task is handed out again within the run (production: 6 hours).
VISIBILITY_TIMEOUT_SECONDS = 30
SWEEP_TIMEOUT_SECONDS = 300
# Emails a killed worker can have sent without its mark committed: the one it was handing over.
IN_FLIGHT = 1
REPLICA_CATCH_UP_SECONDS = 300
# 10% of these versions' pending requests become overdue: about 1,200 reminders at 10,000 people, a
# few batches for each worker.
OVERDUE_VERSIONS = 5
# Django's file email backend writes each message followed by this line.
MESSAGE_SEPARATOR = "\n" + "-" * 79 + "\n"


def conduct_cluster(bench: Bench) -> int:
    started = time.perf_counter()
    windows = prepare_run(bench)
    folder = Path(tempfile.mkdtemp(prefix="conduct-portal-cluster-"))
    try:
        cluster = Cluster(bench, folder)
        cluster.run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    size = database_size(bench)
    heading = (
        f"Conduct Portal cluster on 127.0.0.1: {windows['people']:,} people, database {bench.args.database} "
        f"({size}); {NODES} gunicorn nodes × {GUNICORN_WORKERS} workers behind HAProxy, a streaming replica, "
        f"{CELERY_WORKERS} Celery workers and one beat on Redis; {os.cpu_count()} cores; "
        f"{(time.perf_counter() - started) / 60:.0f} min in all."
    )
    print_table(heading, bench.rows, bench.notes)
    keep_or_drop(bench, size)
    return exit_status(bench)


class Cluster:
    def __init__(self, bench: Bench, folder: Path) -> None:
        self.bench = bench
        self.folder = folder
        self.outbox = folder / "outbox"
        self.outbox.mkdir()
        self.redis_url = bench.args.redis
        self.env = {
            **bench.env,
            "CELERY_BROKER_URL": self.redis_url,
            "CACHE_URL": self.redis_url,  # shared by every process: read-your-writes, rate limits
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT_SECONDS),
            "EMAIL_URL": f"filemail:///{self.outbox}",  # four slashes: an absolute folder
            "DATABASE_REPLICA_URL": "",
        }

    def run(self) -> None:
        _set_django_up(self.env)
        from common.postgres_replica import streaming_replica, why_no_replica

        (version_id,) = _most_pending_versions(1)

        if reason := why_no_replica():
            raise SystemExit(f"bench: --cluster cannot make a replica: {reason}")
        _flush_redis(self.redis_url)
        with ExitStack() as stack:
            self.bench.say("making and starting a streaming replica (pg_basebackup of the primary's cluster)")
            replica = stack.enter_context(streaming_replica())
            node_env = {**self.env, "DATABASE_REPLICA_URL": self._replica_url(replica.port)}
            self.bench.say(f"starting {NODES} gunicorn nodes and HAProxy")
            nodes = [
                stack.enter_context(gunicorn_server(node_env, APPLICATION, workers=GUNICORN_WORKERS))
                for _ in range(NODES)
            ]
            balancer = stack.enter_context(haproxy([node.url for node in nodes], self.folder))
            SigningUnderLoad(self, nodes, balancer).run(version_id, replica)
            self.bench.say(f"starting {CELERY_WORKERS} Celery workers and beat on {self.redis_url}")
            workers = stack.enter_context(self._celery())
            SweepThroughWorkers(self, workers).run()
        _flush_redis(self.redis_url)

    def _replica_url(self, port: int) -> str:
        primary = urlsplit(self.bench.database_url)
        return primary._replace(netloc=f"{primary.username}:{primary.password}@127.0.0.1:{port}").geturl()

    def child_process(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        """A process of the cluster, its output in a log of its own (shown when a check fails)."""
        with (self.folder / f"{name}.log").open("wb") as log:
            return subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
            )

    @contextmanager
    def _celery(self) -> Iterator[list[subprocess.Popen[bytes]]]:
        celery = [str(Path(PYTHON).parent / "celery"), "-A", "conduct_portal"]
        workers = [
            self.child_process(
                f"worker{number}",
                [*celery, "worker", "--concurrency", "1", "--hostname", f"cluster{number}@%h", "--loglevel", "INFO"],
                # Its database sessions are named, so that the run can see which worker is delivering.
                DATABASE_URL=f"{self.bench.database_url}?application_name=cluster-worker-{number}",
            )
            for number in range(1, CELERY_WORKERS + 1)
        ]
        beat = self.child_process("beat", [*celery, "beat", "--pidfile", str(self.folder / "beat.pid")])
        try:
            yield workers
        finally:
            for process in [*workers, beat]:
                process.terminate()
            for process in [*workers, beat]:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def log_tail(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]


def _set_django_up(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _most_pending_versions(count: int) -> list[int]:
    """The published versions with the most requests still to sign: a run again (--reuse) takes others."""
    from django.db.models import Count

    from acknowledgements.models import AcknowledgementRequest

    most = (
        AcknowledgementRequest.objects.filter(version__status="published", status="pending")
        .values("version_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "version_id")
        .values_list("version_id", flat=True)[:count]
    )
    if not most:
        raise SystemExit("bench: no published version has a request left to sign: seed again (drop --reuse)")
    return list(most)


def _flush_redis(url: str) -> None:
    """The run's Redis database starts and ends empty: no task or cached position of another run in it."""
    import redis

    redis.Redis.from_url(url).flushdb()


def _kill_process_tree(pid: int) -> None:
    """SIGKILL a process and its children, as when its machine is lost (the master first: it would
    start new workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for victim in [pid, *map(int, children)]:
        os.kill(victim, signal.SIGKILL)


class SigningUnderLoad:
    def __init__(self, cluster: Cluster, nodes: list[Server], balancer: Balancer) -> None:
        self.cluster = cluster
        self.bench = cluster.bench
        self.nodes = nodes
        self.balancer = balancer

    def run(self, version_id: int, replica: RunningReplica) -> None:
        args = self.bench.args
        data = self.cluster.folder / "signing.tsv"
        self.bench.say(f"preparing {args.fast_signatures:,} signed-in sessions and signatures")
        self.bench.child(
            "signing-prepare",
            version_id=version_id,
            offset=0,
            count=args.fast_signatures,
            fast_hashing=True,
            path=str(data),
        )
        self._check_sessions(data.read_text().split("\n", 1)[0].split("\t")[1])
        before = _signatures(version_id)
        kill_after = args.seconds * 0.4
        killer = threading.Timer(kill_after, _kill_process_tree, args=(self.nodes[-1].pid,))
        self.bench.say(f"signing through HAProxy; node {NODES} killed after {kill_after:.0f} s")
        killer.start()
        # wrk's CPU figures count the first node's workers; the run reads only its responses.
        through_balancer = Server(self.balancer.url, self.nodes[0].pid)
        figures = wrk_load(self.bench, through_balancer, data, connections=args.connections, status=SIGNED_STATUS)
        killer.join()
        stored = _signatures(version_id) - before
        self._check_load(figures, stored)
        self._check_chain_and_replica(version_id, replica)

    def _check_sessions(self, cookie: str) -> None:
        """One sign-in's cookie on each node directly and through the balancer: each answers the home page."""
        answers = {
            **{f"node {number}": _status(node.url, cookie) for number, node in enumerate(self.nodes, 1)},
            "HAProxy": _status(self.balancer.url, cookie),
        }
        # Without the cookie the page sends to the sign-in: the check can fail.
        control = _status(self.nodes[0].url, "")
        passed = all(status == 200 for status in answers.values()) and control != 200
        self.bench.rows.append(
            Row(
                "one sign-in (a database session) on each node",
                ", ".join(f"{where} {status}" for where, status in answers.items()) + f"; without it {control}",
                "200 on every node",
                passed,
            )
        )

    def _check_load(self, figures: dict[str, Any], stored: int) -> None:
        args = self.bench.args
        servers = self.balancer.servers()
        errors = figures["refused"] + figures["socket_errors"]
        killed = servers[f"node{NODES}"]
        routed_around = killed["status"].startswith("DOWN")
        served = ", ".join(
            f"{name} {int(row['hrsp_3xx']):,} signed, {int(row['hrsp_5xx'])} 5xx, "
            f"{int(row['wretr'])} retried, {int(row['wredis'])} redispatched ({row['status']})"
            for name, row in servers.items()
        )
        self.bench.rows.append(
            Row(
                f"signing through HAProxy, node {NODES} killed (SIGKILL) at {args.seconds * 0.4:.0f} s",
                f"{figures['accepted']:,} signed in {figures['seconds']:.0f} s, p95 {figures['p95_ms']:.0f} ms; "
                f"{errors} errors ({figures['refused']} refused, {figures['socket_errors']} socket errors); "
                f"{served}",
                f"errors ≤ {args.connections} (wrk's connections), node taken out",
                errors <= args.connections and routed_around and figures["accepted"] > 0,
            )
        )
        # A request the dead node had in hand may have been stored with its answer lost (counted as an
        # error); requests in flight when wrk's time ran out are stored but not counted either.
        unacknowledged = stored - figures["accepted"]
        self.bench.rows.append(
            Row(
                "no lost signature",
                f"{stored:,} stored, {figures['accepted']:,} acknowledged (302): "
                f"{unacknowledged} stored without an answer",
                f"every acknowledged stored; at most {errors + args.connections} unanswered",
                0 <= unacknowledged <= errors + args.connections,
            )
        )
        self.bench.notes.append(
            f"HAProxy takes a node out after {FAILED_CHECKS_TO_DOWN} failed checks of /healthz; until then a "
            "request that cannot connect to it is retried on the other node"
        )

    def _check_chain_and_replica(self, version_id: int, replica: RunningReplica) -> None:
        verified = self.bench.child("verify").result
        # The primary's cluster is the whole machine's: other databases' writes stream to the replica too.
        try:
            replica.catch_up(seconds=REPLICA_CATCH_UP_SECONDS)
        except TimeoutError as late:
            self.bench.notes.append(str(late))
        on_replica = _replica_signatures(replica, self.bench.args.database, version_id)
        on_primary = _signatures(version_id)
        self.bench.rows.append(
            Row(
                "signature chain after the load, and on the replica",
                f"{verified['rows']:,} records {'intact' if verified['intact'] else 'BROKEN: ' + verified['breach']}; "
                f"the version's signatures: {on_primary:,} on the primary, {on_replica:,} on the replica",
                "intact; the replica has them all",
                verified["intact"] and on_replica == on_primary,
            )
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _status(url: str, cookie: str) -> int:
    request = urllib.request.Request(f"{url}/", headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as answer:
        return answer.code


def _signatures(version_id: int) -> int:
    from acknowledgements.models import Signature

    return Signature.objects.filter(version_id=version_id).count()


def _replica_signatures(replica: RunningReplica, database: str, version_id: int) -> int:
    import psycopg2

    from acknowledgements.models import Signature

    connection = psycopg2.connect(
        host=str(replica.socket_directory), port=replica.port, user="postgres", dbname=database
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {Signature._meta.db_table} WHERE version_id = %s", [version_id])  # noqa: S608
            return int(cursor.fetchone()[0])
    finally:
        connection.close()


class SweepThroughWorkers:
    def __init__(self, cluster: Cluster, workers: list[subprocess.Popen[bytes]]) -> None:
        self.cluster = cluster
        self.bench = cluster.bench
        self.workers = workers

    def run(self) -> None:
        from django.core.management import call_command
        from django.utils import timezone

        from bench.sweep import make_overdue
        from reminders.models import Notification, ReminderLog

        today = timezone.localdate()
        overdue = sum(make_overdue(version, today) for version in _most_pending_versions(OVERDUE_VERSIONS))
        call_command("setup_reminder_schedule", verbosity=0)
        self.first_log = _next_pk(ReminderLog)
        self.first_notification = _next_pk(Notification)
        self.bench.say(f"{overdue:,} requests made overdue; the sweep sent through Redis")
        celery = [str(Path(PYTHON).parent / "celery"), "-A", "conduct_portal"]
        subprocess.run([*celery, "call", "reminders.sweep"], cwd=ROOT, env=self.cluster.env, check=True)  # noqa: S603
        killed, killed_at = self._kill_a_worker_mid_delivery()
        finished_at = self._wait_until_delivered()
        self._check(overdue, killed, finished_at - killed_at)

    def _logs(self) -> Any:
        from reminders.models import ReminderLog

        return ReminderLog.objects.filter(pk__gte=self.first_log)

    def _kill_a_worker_mid_delivery(self) -> tuple[int, float]:
        """SIGKILL the first worker seen sending a reminder (its row locked FOR UPDATE, which shows as a ROW
        SHARE lock on the table, held while that one email is sent) once some reminders are sent and some are
        not."""
        from django.db import connection

        from reminders.models import DeliveryStatus, ReminderLog

        deadline = time.monotonic() + SWEEP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            logs = self._logs()
            if logs.filter(status=DeliveryStatus.SENT).exists() and logs.filter(status=DeliveryStatus.PENDING).exists():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT application_name FROM pg_stat_activity JOIN pg_locks USING (pid)"
                        " WHERE application_name LIKE 'cluster-worker-%%' AND mode = 'RowShareLock'"
                        " AND relation = %s::regclass",
                        [ReminderLog._meta.db_table],
                    )
                    delivering = cursor.fetchone()
                if delivering:
                    number = int(delivering[0].rsplit("-", 1)[1])
                    # The pool's child dies with it (Celery sets its parent-death signal to SIGKILL).
                    os.kill(self.workers[number - 1].pid, signal.SIGKILL)
                    self.bench.say(f"worker {number} killed (SIGKILL) while delivering")
                    return number, time.monotonic()
            time.sleep(0.02)
        raise SystemExit(f"bench: no worker was seen delivering reminders:\n{self.cluster.log_tail('worker1')}")

    def _wait_until_delivered(self) -> float:
        from reminders.models import DeliveryStatus

        deadline = time.monotonic() + SWEEP_TIMEOUT_SECONDS
        while self._logs().filter(status=DeliveryStatus.PENDING).exists():
            if time.monotonic() > deadline:
                self.bench.problems.append(f"reminders still pending {SWEEP_TIMEOUT_SECONDS} s after the sweep")
                break
            time.sleep(0.5)
        return time.monotonic()

    def _check(self, overdue: int, killed: int, seconds_after_kill: float) -> None:
        from django.db.models import Count

        from reminders.models import DeliveryStatus, Notification

        by_status = dict(self._logs().values_list("status").annotate(n=Count("pk")).order_by())
        claimed = sum(by_status.values())
        pending = by_status.get(DeliveryStatus.PENDING, 0)
        self.bench.rows.append(
            Row(
                f"reminder sweep, {overdue:,} overdue, worker {killed} killed (SIGKILL) mid-delivery",
                f"{claimed:,} claimed: "
                + ", ".join(f"{n:,} {status}" for status, n in sorted(by_status.items()))
                + f"; all delivered {seconds_after_kill:.0f} s after the kill "
                f"(visibility timeout {VISIBILITY_TIMEOUT_SECONDS} s)",
                "nothing lost (none pending)",
                claimed > 0 and pending == 0,
            )
        )
        twice = (
            self._logs()
            .values("kind", "object_id", "recipient", "stage", "due_date")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        self.bench.rows.append(Row("reminders claimed twice", f"{twice}", "0", twice == 0))
        messages = _messages(self.cluster.outbox)
        distinct = len(set(messages))
        delivered = Notification.objects.filter(pk__gte=self.first_notification).count()
        self.bench.rows.append(
            Row(
                "emails",
                f"{len(messages):,} written, {distinct:,} different, for {delivered:,} reminders delivered "
                f"(their notifications); {len(messages) - distinct} sent twice",
                f"one per reminder; twice at most the one the killed worker was sending (≤ {IN_FLIGHT})",
                distinct == delivered and len(messages) - distinct <= IN_FLIGHT,
            )
        )


def _next_pk(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _messages(outbox: Path) -> list[tuple[str, str, str]]:
    """Every email in the outbox, as (To, Subject, plain text): the same reminder sent twice is the same."""
    messages = []
    for path in sorted(outbox.iterdir()):
        for text in path.read_text().split(MESSAGE_SEPARATOR):
            if not text.strip():
                continue
            message = email.message_from_string(text)
            plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
            messages.append((str(message["To"]), str(message["Subject"]), str(plain.get_payload())))
    return messages
