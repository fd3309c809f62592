"""Signing under load: gunicorn on 127.0.0.1, driven by wrk with bench/sign.lua, bounded in time and count.

Once with the production password hasher and once with a fast one (bench/wsgi_fast_hashing.py,
benchmark only), which shows what the rest of the signing path costs.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bench.database import PASSWORD
from bench.plumbing import ROOT, Bench, Result
from bench.report import Row
from bench.server import gunicorn

if TYPE_CHECKING:
    from acknowledgements.models import AcknowledgementRequest
    from people.models import UserSession


def step_signing_prepare(params: Result) -> Result:
    """Sign-in sessions and one signing POST per pending request, for wrk (one line each in params['path'])."""
    from django.utils import timezone

    from people.models import UserSession

    requests = _pending_agent_requests(params["version_id"], params["offset"], params["count"])
    if params["fast_hashing"]:
        _use_fast_hasher(requests)
    expires = timezone.now() + datetime.timedelta(hours=8)
    sessions, lines = [], []
    for request in requests:
        session, line = _signing_entry(request, expires)
        sessions.append(session)
        lines.append(line)
    UserSession.objects.bulk_create(sessions)
    Path(params["path"]).write_text("".join(lines))
    return {"entries": len(lines)}


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


def _use_fast_hasher(requests: list[AcknowledgementRequest]) -> None:
    """Re-hash these people's password with MD5, which bench/wsgi_fast_hashing.py's server then checks."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import MD5PasswordHasher

    encoded = MD5PasswordHasher().encode(PASSWORD, MD5PasswordHasher().salt())
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
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    session = UserSession(session_key=key, session_data=SessionStore().encode(data), expire_date=expires, user=user)
    form = {"csrfmiddlewaretoken": csrf, "agree": "on", "typed_name": request.person.full_name, "password": PASSWORD}
    cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return session, f"/acknowledgements/{request.pk}/sign/\t{cookie}\t{urlencode(form)}\n"


def step_count_signatures(params: Result) -> Result:
    from acknowledgements.models import Signature

    return {"signatures": Signature.objects.filter(version_id=params["version_id"]).count()}


def measure_signing(bench: Bench, version_id: int) -> None:
    if not shutil.which("wrk"):
        bench.rows.append(Row("signing", "not measured: wrk is missing (apt-get install wrk)", "", None))
        return
    args = bench.args
    real, real_passed = _signing_pass(
        bench, version_id, offset=0, count=args.slow_signatures, fast_hashing=False, connections=args.workers
    )
    bench.rows.append(
        Row("signing POST, production hasher (PBKDF2 ×1,000,000)", real, "≥ 100/s, p95 ≤ 200 ms", real_passed)
    )
    fast, _fast_passed = _signing_pass(
        bench,
        version_id,
        offset=args.slow_signatures,
        count=args.fast_signatures,
        fast_hashing=True,
        connections=args.connections,
    )
    bench.rows.append(Row("signing POST, bench-only MD5 hasher (the rest of the path)", fast, "for comparison", None))


def _signing_pass(
    bench: Bench, version_id: int, *, offset: int, count: int, fast_hashing: bool, connections: int
) -> tuple[str, bool]:
    """One signing load; its figures as the table shows them, and whether they meet the target."""
    kind = "a fast (MD5, bench-only)" if fast_hashing else "the production"
    bench.say(f"signing under load with {kind} password hasher: preparing {count:,} sessions")
    data = bench.var_dir / f"signing-{'fast' if fast_hashing else 'real'}.tsv"
    bench.child(
        "signing-prepare", version_id=version_id, offset=offset, count=count, fast_hashing=fast_hashing, path=str(data)
    )
    before = bench.child("count-signatures", version_id=version_id).result["signatures"]
    application = "bench.wsgi_fast_hashing:application" if fast_hashing else "conduct_portal.wsgi:application"
    with gunicorn(bench.env, application, workers=bench.args.workers) as url:
        bench.say(f"wrk: {connections} connections, at most {bench.args.seconds} s and {count:,} requests")
        figures = _wrk(url, data, connections=connections, seconds=bench.args.seconds)
    after = bench.child("count-signatures", version_id=version_id).result["signatures"]
    _check_signatures(bench, figures, stored=after - before)
    rate = figures["signed"] / figures["seconds"]
    passed = rate >= 100 and figures["p95_ms"] <= 200 and figures["refused"] == 0
    return (
        f"{rate:.1f} signatures/s, p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms "
        f"({figures['signed']:,} signed, {figures['refused']} refused, {figures['socket_errors']} socket errors, "
        f"{connections} connections, {bench.args.workers} gunicorn workers, {figures['seconds']:.0f} s)"
    ), passed


def _wrk(url: str, data: Path, *, connections: int, seconds: int) -> dict[str, Any]:
    """wrk with bench/sign.lua over the entries in `data`; the JSON line its done() prints."""
    threads = min(2, connections)
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
            url,
            "--",
            str(data),
            str(threads),
        ],
        cwd=ROOT,
        check=True,
        text=True,
        capture_output=True,
        timeout=seconds + 120,
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _check_signatures(bench: Bench, figures: dict[str, Any], *, stored: int) -> None:
    """Every signature wrk counted is stored, and nothing was refused: otherwise the result is wrong, not slow."""
    if figures["refused"] or figures["socket_errors"] or not figures["signed"]:
        bench.problems.append(
            f"signing: {figures['signed']} signed, {figures['refused']} refused, "
            f"{figures['socket_errors']} socket errors"
        )
    if stored < figures["signed"]:
        bench.problems.append(f"wrk saw {figures['signed']} signatures but only {stored} were stored")
    elif stored > figures["signed"]:
        # Requests in flight when wrk's time ran out: the server finished them, wrk did not count them.
        bench.notes.append(
            f"{stored - figures['signed']} signatures in flight when wrk stopped were stored but not counted"
        )
