"""Reads from a PostgreSQL streaming replica, where a view asks for them (`DATABASE_REPLICA_URL`).

With a replica configured, `settings.DATABASE_ROUTERS` names `ReplicaRouter`, and the rule is:

- Reads go to the replica only inside a view that opts in: `@reads_from_replica` on a page or an
  export, `replica_reads` around an API list. Those are the dashboards, exports, search and API
  lists, which read much and write little. Every other read, and every write, goes to the primary;
  so do receipts and a person's own pages, which never opt in.
- Inside a transaction on the primary, reads stay on the primary, so that a service reads what it
  has just written (and what it locked).
- Read your own writes: after a person's request that may have written (an unsafe method answered
  2xx or 3xx), `ReadYourWritesMiddleware` remembers the primary's WAL position for that person.
  Their next opted-in request asks the replica whether it has replayed that far (one query) and reads
  the primary until it has, so the writer never sees their change missing; others may, for as long
  as the replica lags.
- A replica that cannot be reached is routed around: the opted-in request reads the primary, and
  for `REPLICA_RETRY_SECONDS` so do the next ones, without trying the replica again (a replica that
  does not answer would otherwise make every such request wait for the connection to time out).

The position is kept in the cache, per person, rather than in the session: an API client with a
token has no session, and a person's other tabs and devices see their own change too.
Without `DATABASE_REPLICA_URL` no router is installed, the middleware removes itself, and the
decorator does nothing: not one query more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase

REPLICA = "replica"
# How long a person's last write is remembered: long past any lag a working replica has. A replica
# further behind than this is broken, and the person would see their change missing for a while.
WRITE_REMEMBERED_SECONDS = 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# How long the primary serves the opted-in reads after the replica could not be reached.
REPLICA_RETRY_SECONDS = 30
UNREACHABLE_KEY = "replica:unreachable"

logger = logging.getLogger(__name__)

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections


class ReplicaRouter:
    """Django's database router for a primary (`default`) and its streaming replica (`replica`)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _reads_from_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        # Explicitly, or Django would read a related object from the database its instance came from.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Explicitly: an object read from the replica is saved to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the primary's very rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica is a copy of the primary, schema included


def _written_key(user: User) -> str:
    return f"replica:written:{user.pk}"


def written_position(user: User | AnonymousUser) -> str | None:
    """The primary's WAL position after `user`'s last write, while it is remembered."""
    return cache.get(_written_key(user)) if user.is_authenticated else None


def remember_writes_of(user: User) -> None:
    """Remember where the primary's WAL is now, as the position `user`'s writes are before."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # The insert position, not the write position: with synchronous_commit off, a commit may be
        # inserted in the WAL and not yet written.
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        (position,) = cursor.fetchone()
    cache.set(_written_key(user), position, WRITE_REMEMBERED_SECONDS)


def _replica_answers() -> bool:
    """Whether the replica can be read now; if not, it is left alone for `REPLICA_RETRY_SECONDS`."""
    # The moment to try again is kept, not only left to the entry's expiry: this process's clock decides,
    # as it does everywhere else, rather than the cache server's.
    if time.time() < cache.get(UNREACHABLE_KEY, 0):
        return False
    replica = connections[REPLICA]
    try:
        # What the first query would do anyway: drop a connection that no longer works, open one.
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        logger.warning(
            "The read replica cannot be reached; reading the primary for %d s: %s", REPLICA_RETRY_SECONDS, error
        )
        cache.set(UNREACHABLE_KEY, time.time() + REPLICA_RETRY_SECONDS, REPLICA_RETRY_SECONDS)
        return False
    return True


def _replica_has_replayed_writes_of(user: User | AnonymousUser) -> bool:
    position = written_position(user)
    if position is None:
        return True
    with connections[REPLICA].cursor() as cursor:
        # NULL when the server is not in recovery (no longer a replica): read the primary then.
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
        (replayed,) = cursor.fetchone()
    return bool(replayed)


@contextmanager
def _reading_from(replica: bool) -> Iterator[None]:
    token = _reads_from_replica.set(replica)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


@contextmanager
def replica_reads(user: User | AnonymousUser) -> Iterator[bool]:
    """Within it, reads outside a transaction go to the replica, unless `user` wrote something the
    replica has not replayed yet (or no replica is configured). Yields whether they go to the replica."""
    replica = replica_configured() and _replica_answers() and _replica_has_replayed_writes_of(user)
    with _reading_from(replica):
        yield replica


def _streamed_from_replica(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A streaming response's chunks, each produced reading from the replica as its view did."""
    iterator = iter(chunks)
    while True:
        with _reading_from(True):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def reads_from_replica(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The view reads from the replica (see the module): for dashboards, exports and search.

    A streaming response (a CSV export) reads its rows after the view has returned, as it is sent:
    it reads them from the replica too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads(request.user) as replica:
            response = view(request, *args, **kwargs)
        if replica and response.streaming:
            response.streaming_content = _streamed_from_replica(response.streaming_content)  # type: ignore[attr-defined]
        return response

    return wrapped


class ReadYourWritesMiddleware:
    """Remember the primary's WAL position after a person's request that may have written (see the module).

    After Django's authentication; an API request's user is known once the view has authenticated it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        wrote = request.method not in SAFE_METHODS and 200 <= response.status_code < 400
        if wrote and user is not None and user.is_authenticated:
            remember_writes_of(user)
        return response
