"""The read replica's routing rules (common/replica.py), without a replica server: where each read and write
is sent. conduct_portal/tests/test_read_replica.py runs the pages against a real streaming replica."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connection, router, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from common import replica as replica_module
from common.replica import (
    REPLICA,
    ReadYourWritesMiddleware,
    _written_key,
    reads_from_replica,
    replica_reads,
    written_position,
)

from .replica import replica_alias

ROUTER = "common.replica.ReplicaRouter"


@pytest.fixture
def configured_replica(settings, monkeypatch) -> Iterator[None]:
    """A replica configured as DATABASE_REPLICA_URL would configure it, and answering; no test here sends it
    a query. (Whether it answers is asked of a real replica in conduct_portal/tests/test_read_replica.py.)"""
    settings.DATABASE_ROUTERS = [ROUTER]
    monkeypatch.setattr(replica_module, "_replica_answers", lambda: True)
    with replica_alias():
        yield


def test_a_read_in_a_view_that_opts_in_goes_to_the_replica(configured_replica: None) -> None:
    with replica_reads(AnonymousUser()) as replica:
        assert replica
        assert router.db_for_read(User) == REPLICA


def test_a_read_outside_a_view_that_opts_in_goes_to_the_primary(configured_replica: None) -> None:
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_a_write_goes_to_the_primary_even_where_reads_go_to_the_replica(configured_replica: None) -> None:
    with replica_reads(AnonymousUser()):
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS
        assert router.db_for_write(User, instance=User(pk=1)) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary(configured_replica: None) -> None:
    with replica_reads(AnonymousUser()), transaction.atomic():
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_without_a_replica_a_view_that_opts_in_reads_the_primary() -> None:
    with replica_reads(AnonymousUser()) as replica:
        assert not replica
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_the_replica_is_never_migrated(configured_replica: None) -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "people")
    assert not router.allow_migrate(REPLICA, "people")


def test_a_streaming_export_reads_its_rows_from_the_replica_as_it_is_sent(configured_replica: None) -> None:
    def rows() -> Iterator[bytes]:
        yield router.db_for_read(User).encode()

    @reads_from_replica
    def export(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(rows())

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = export(request)
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS  # the view has returned
    assert b"".join(response.streaming_content) == REPLICA.encode()  # type: ignore[attr-defined]


def test_the_middleware_removes_itself_without_a_replica() -> None:
    with pytest.raises(MiddlewareNotUsed):
        ReadYourWritesMiddleware(lambda request: HttpResponse())


@pytest.mark.parametrize(
    ("method", "status", "remembered"), [("post", 302, True), ("post", 400, False), ("get", 200, False)]
)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="WAL positions are PostgreSQL's")
def test_a_write_by_a_person_is_remembered_with_the_primarys_wal_position(
    configured_replica: None, agent, method: str, status: int, remembered: bool
) -> None:
    cache.delete(_written_key(agent.user))  # from an earlier run, whose people had the same ids
    request = getattr(RequestFactory(), method)("/")
    request.user = agent.user
    ReadYourWritesMiddleware(lambda request: HttpResponse(status=status))(request)
    position = written_position(agent.user)
    assert (position is not None) == remembered
    if remembered:
        assert "/" in position  # a pg_lsn such as 0/3000148
