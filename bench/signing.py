"""Signing under load: gunicorn on 127.0.0.1, driven by wrk with bench/sign.lua, bounded in time and count.

Each pass against its floor, measured in the same run (issue 19):
- with the production password hasher, against the hash-bound ceiling: the cores ÷ the CPU time of one
  password check. One gunicorn worker and one wrk connection per core: the check is CPU-bound, so
  more workers than cores would only take turns on them;
- with a fast hasher (bench/wsgi_fast_hashing.py, benchmark only), which shows what the rest of the
  signing path costs, against a signed-in no-op POST served just before by the same gunicorn, with
  the same sessions, form bodies and wrk connections.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bench.database import PASSWORD
from bench.plumbing import ROOT, Bench, Result
from bench.report import Row
from bench.server import Server, gunicorn_server

if TYPE_CHECKING:
    from acknowledgements.models import AcknowledgementRequest
    from people.models import UserSession

# The no-op's route, in bench/wsgi_fast_hashing.py's URLconf only.
NO_OP_ROUTE = "bench/signed-in-no-op/"
# What wrk counts as done: a signature redirects to its receipt, the no-op answers 204.
SIGNED_STATUS, NO_OP_STATUS = 302, 204
# Each gunicorn worker imports the views and builds the URL resolver at its first request (more than a
# second of CPU here): a load before the measured ones keeps that out of them. The fast pass warms up
# with the no-op for a few seconds, the production one with a few signatures of its own per worker.
WARM_UP_SECONDS = 2
WARM_UP_SIGNATURES_PER_WORKER = 2


def step_signing_prepare(params: Result) -> Result:
    """Sign-in sessions and one signing POST per pending request, for wrk (one line each in params['path'])."""
    from django.utils import timezone

    from people.models import UserSession

    requests = _pending_agent_requests(params["version_id"], params["offset"], params["count"])
    _set_password_hashes(requests, fast_hashing=params["fast_hashing"])
    expires = timezone.now() + datetime.timedelta(hours=8)
    sessions, lines = [], []
    for request in requests:
        session, line = _signing_entry(request, expires)
        sessions.append(session)
        lines.append(line)
    UserSession.objects.bulk_create(sessions)
    Path(params["path"]).write_text("".join(lines))
    return {"entries": len(lines), "user_id": requests[0].person.user.pk if requests else None}


def _pending_agent_requests(version_id: int, offset: int, count: int) -> list[AcknowledgementRequest]:
    """Agents asked for the version and not signed yet; each signing pass takes the next slice."""
    from acknowledgements.models import AcknowledgementRequest

    return list(
        AcknowledgementRequest.objects.filter(
            version_id=version_id, status="pending", person__user__groups__name="Agent"
        )
        .select_related("person__user")
        .order_by("pk")[offset : offset + count]
    )


def _set_password_hashes(requests: list[AcknowledgementRequest], *, fast_hashing: bool) -> None:
    """Hash these people's password again as the server will check it: with MD5 for bench/wsgi_fast_hashing.py's,
    else with the production hasher, as it is set now (Django would otherwise hash the password a second time and
    save it at each check when the iterations have changed since the seeding; and a person left pending by an
    earlier fast pass on a reused database has an MD5 hash, which the production settings refuse)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import MD5PasswordHasher, make_password

    encoded = (
        MD5PasswordHasher().encode(PASSWORD, MD5PasswordHasher().salt()) if fast_hashing else make_password(PASSWORD)
    )
    users = [request.person.user for request in requests]
    get_user_model().objects.filter(pk__in=[user.pk for user in users]).update(password=encoded)
    # The session's auth hash is derived from the password hash, so the instances must carry the new one.
    for user in users:
        user.password = encoded


def _signing_entry(request: AcknowledgementRequest, expires: datetime.datetime) -> tuple[UserSession, str]:
    """A signed-in session for the request's person, and wrk's line: path, Cookie header and form body."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from people.models import UserSession
    from people.sessions import SessionStore

    user = request.person.user
    key = get_random_string(32)
    csrf = get_random_string(32)
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "common.permissions.OneQueryModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    session = UserSession(session_key=key, session_data=SessionStore().encode(data), expire_date=expires, user=user)
    form = {"csrfmiddlewaretoken": csrf, "agree": "on", "typed_name": request.person.full_name, "password": PASSWORD}
    cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return session, f"/acknowledgements/{request.pk}/sign/\t{cookie}\t{urlencode(form)}\n"


def step_count_signatures(params: Result) -> Result:
    from acknowledgements.models import Signature

    return {"signatures": Signature.objects.filter(version_id=params["version_id"]).count()}


def step_password_check(params: Result) -> Result:
    """The CPU time of one check of a signer's password with the production hasher (median of five)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password, identify_hasher

    encoded = get_user_model().objects.get(pk=params["user_id"]).password
    seconds, correct = [], True
    for _ in range(5):
        started = time.process_time()
        correct = check_password(PASSWORD, encoded) and correct
        seconds.append(time.process_time() - started)
    hasher = identify_hasher(encoded)
    return {
        "seconds": statistics.median(seconds),
        "correct": correct,
        "hasher": f"{hasher.algorithm} ×{hasher.decode(encoded).get('iterations', 1):,}",
    }


def measure_signing(bench: Bench, version_id: int) -> None:
    if not shutil.which("wrk"):
        bench.rows.append(Row("signing", "not measured: wrk is missing (apt-get install wrk)", "", None))
        return
    _measure_production_hasher(bench, version_id)
    _measure_fast_hasher(bench, version_id)


def _measure_production_hasher(bench: Bench, version_id: int) -> None:
    """Signatures per second against the most that the cores can check passwords: at least 80% of it."""
    cores = os.cpu_count() or 1
    warm_up_signatures = WARM_UP_SIGNATURES_PER_WORKER * cores
    data, user_id = _prepare(
        bench, version_id, offset=0, count=warm_up_signatures + bench.args.slow_signatures, fast_hashing=False
    )
    warm_up = _set_aside(data, warm_up_signatures)
    check = bench.child("password-check", user_id=user_id).result
    if not check["correct"]:
        bench.problems.append(f"signing: the production hasher refused the signers' password ({check['hasher']})")
    ceiling = cores / check["seconds"]
    with gunicorn_server(bench.env, "conduct_portal.wsgi:application", workers=cores) as server:
        wrk_load(bench, server, warm_up, connections=cores, status=SIGNED_STATUS)
        before = _count_signatures(bench, version_id)
        figures = wrk_load(bench, server, data, connections=cores, status=SIGNED_STATUS)
    _check_signatures(bench, figures, stored=_count_signatures(bench, version_id) - before)
    rate = figures["accepted"] / figures["seconds"]
    bench.rows.append(
        Row(
            f"signing POST, production hasher ({check['hasher']})",
            _result(figures, "signatures", connections=cores, workers=cores),
            "≥ 80% of the ceiling",
            rate >= 0.8 * ceiling and figures["refused"] == 0,
            floor=f"{ceiling:.1f}/s: {cores} cores ÷ {check['seconds'] * 1000:.0f} ms of CPU per password check",
            ratio=f"{rate / ceiling:.0%}",
        )
    )
    bench.notes.append(
        _cpu_use(f"signing, production hasher (one password check: {check['seconds'] * 1000:.0f} ms)", figures)
    )


def _measure_fast_hasher(bench: Bench, version_id: int) -> None:
    """Signatures per second against a signed-in no-op POST's on the same server: at least half, p95 ≤ 100 ms."""
    args = bench.args
    data, _user_id = _prepare(
        bench, version_id, offset=args.slow_signatures, count=args.fast_signatures, fast_hashing=True
    )
    no_op = _no_op_entries(data)
    before = _count_signatures(bench, version_id)
    with gunicorn_server(bench.env, "bench.wsgi_fast_hashing:application", workers=args.workers) as server:
        wrk_load(bench, server, no_op, connections=args.connections, status=NO_OP_STATUS, seconds=WARM_UP_SECONDS)
        floor = wrk_load(bench, server, no_op, connections=args.connections, status=NO_OP_STATUS)
        figures = wrk_load(bench, server, data, connections=args.connections, status=SIGNED_STATUS)
    _check_answers(bench, "the signed-in no-op POST", floor)
    _check_signatures(bench, figures, stored=_count_signatures(bench, version_id) - before)
    rate, floor_rate = (load["accepted"] / load["seconds"] for load in (figures, floor))
    bench.rows.append(
        Row(
            "signing POST, bench-only MD5 hasher (the rest of the path)",
            _result(figures, "signatures", connections=args.connections, workers=args.workers),
            "≥ 50% of the no-op, p95 ≤ 100 ms",
            rate >= 0.5 * floor_rate and figures["p95_ms"] <= 100 and figures["refused"] == 0,
            floor=f"signed-in no-op POST, same server and sessions: {_result(floor, 'requests')}",
            ratio=f"{rate / floor_rate:.0%}",
        )
    )
    bench.notes.append(_cpu_use("signed-in no-op POST", floor))
    bench.notes.append(_cpu_use("signing, MD5 hasher", figures))


def _prepare(bench: Bench, version_id: int, *, offset: int, count: int, fast_hashing: bool) -> tuple[Path, int]:
    """wrk's lines for `count` signatures and their sessions; a person of theirs, whose password hash is checked."""
    kind = "a fast (MD5, bench-only)" if fast_hashing else "the production"
    bench.say(f"signing under load with {kind} password hasher: preparing {count:,} sessions")
    data = bench.var_dir / f"signing-{'fast' if fast_hashing else 'real'}.tsv"
    prepared = bench.child(
        "signing-prepare", version_id=version_id, offset=offset, count=count, fast_hashing=fast_hashing, path=str(data)
    ).result
    return data, prepared["user_id"]


def _set_aside(data: Path, count: int) -> Path:
    """Move the first `count` of wrk's lines in `data` to a file of their own, which is returned."""
    lines = data.read_text().splitlines(keepends=True)
    aside = data.with_name(f"warm-up-{data.name}")
    aside.write_text("".join(lines[:count]))
    data.write_text("".join(lines[count:]))
    return aside


def _no_op_entries(data: Path) -> Path:
    """wrk's lines for the floor: the same sessions and bodies, each posted to the no-op instead of its signing view."""
    no_op = data.with_name("signing-no-op.tsv")
    with data.open() as entries, no_op.open("w") as lines:
        for entry in entries:
            _signing_path, tab, cookie_and_body = entry.partition("\t")
            lines.write(f"/{NO_OP_ROUTE}{tab}{cookie_and_body}")
    return no_op


def _count_signatures(bench: Bench, version_id: int) -> int:
    return int(bench.child("count-signatures", version_id=version_id).result["signatures"])


def _result(figures: dict[str, Any], what: str, *, connections: int = 0, workers: int = 0) -> str:
    """A load's figures as the table shows them."""
    setup = f", {connections} connections, {workers} gunicorn workers" if workers else ""
    return (
        f"{figures['accepted'] / figures['seconds']:.1f} {what}/s, p50 {figures['p50_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms ({figures['accepted']:,} in {figures['seconds']:.1f} s, "
        f"{figures['refused']} refused, {figures['socket_errors']} socket errors{setup})"
    )


def wrk_load(
    bench: Bench, server: Server, data: Path, *, connections: int, status: int, seconds: int = 0
) -> dict[str, Any]:
    """wrk with bench/sign.lua over the entries in `data`, for --seconds unless told; the JSON line its done()
    prints, with the CPU time that the server's workers, wrk and the whole machine used meanwhile."""
    seconds = seconds or bench.args.seconds
    threads = min(2, connections)
    bench.say(f"wrk {data.name}: {connections} connections, at most {seconds} s")
    server_cpu, wrk_cpu, machine = server.workers_cpu_seconds(), _children_cpu(), _machine_cpu()
    completed = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "sign.lua"),
            server.url,
            "--",
            str(data),
            str(threads),
            str(status),
        ],
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=True,
        timeout=seconds + 120,
    )
    busy, total = (after - before for after, before in zip(_machine_cpu(), machine, strict=True))
    return {
        **json.loads(completed.stdout.strip().splitlines()[-1]),
        "server_cpu_seconds": server.workers_cpu_seconds() - server_cpu,
        "wrk_cpu_seconds": _children_cpu() - wrk_cpu,
        "machine_busy_seconds": busy,
        "machine_seconds": total,
    }


def _cpu_use(what: str, figures: dict[str, Any]) -> str:
    """What bounds a load: the CPU that the server's workers spent per request, and who had the cores meanwhile
    (PostgreSQL and whatever else runs on the machine share them with gunicorn and wrk)."""
    total = figures["machine_seconds"]
    busy, server, wrk = (
        figures[key] / total for key in ("machine_busy_seconds", "server_cpu_seconds", "wrk_cpu_seconds")
    )
    per_request_ms = figures["server_cpu_seconds"] / max(figures["responses"], 1) * 1000
    return (
        f"{what}: gunicorn's workers spent {per_request_ms:.0f} ms of CPU per request; of the cores' time during "
        f"the load, {busy:.0%} busy: gunicorn {server:.0%}, wrk {wrk:.0%}, "
        f"the rest (PostgreSQL, other processes) {busy - server - wrk:.0%}"
    )


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (wrk's, once it has)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_cpu() -> tuple[float, float]:
    """Seconds that all the machine's cores together have spent busy, and in all, since it started (/proc/stat)."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    # user, nice, system, idle, iowait, irq, softirq, steal: idle and iowait are not busy.
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - ticks[3] - ticks[4]) / tick, sum(ticks) / tick


def _check_answers(bench: Bench, what: str, figures: dict[str, Any]) -> None:
    """Nothing refused and no socket errors: otherwise the result is wrong, not slow."""
    if figures["refused"] or figures["socket_errors"] or not figures["accepted"]:
        bench.problems.append(
            f"{what}: {figures['accepted']} accepted, {figures['refused']} refused, "
            f"{figures['socket_errors']} socket errors"
        )


def _check_signatures(bench: Bench, figures: dict[str, Any], *, stored: int) -> None:
    """Every signature wrk counted is stored, and nothing was refused."""
    _check_answers(bench, "signing", figures)
    if stored < figures["accepted"]:
        bench.problems.append(f"wrk saw {figures['accepted']} signatures but only {stored} were stored")
    elif stored > figures["accepted"]:
        # Requests in flight when wrk's time ran out: the server finished them, wrk did not count them.
        bench.notes.append(
            f"{stored - figures['accepted']} signatures in flight when wrk stopped were stored but not counted"
        )
