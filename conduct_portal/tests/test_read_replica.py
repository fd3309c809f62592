"""The read replica against a real PostgreSQL streaming replica (conftest.py makes it with pg_basebackup).

Lag is made on purpose: the replica's replay is paused (`replica.paused()`), so that it receives the
primary's WAL and applies none of it. What a page shows then says which database answered: a change
committed on the primary during the pause shows only where the primary was read.
"""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from acknowledgements import services
from acknowledgements.models import RequestStatus
from acknowledgements.tests.dashboard.helpers import (
    DASHBOARD,
    csv_of,
    rendered_figures,
    request_of,
    sign,
    waive,
    xlsx_of,
)
from api.models import TokenScope
from api.tokens import token_create
from codes.models import CodeVersion
from common.postgres_replica import SLOT_PREFIX, RunningReplica, primary_sql, stale_slots_drop
from common.replica import REPLICA, REPLICA_RETRY_SECONDS, UNREACHABLE_KEY, replica_reads
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory
from training.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])

REQUESTS = "/api/v1/requests/"
PEOPLE = "/search/people/"
TRAINING_STATUS = "/training/status/"


@pytest.fixture
def colleague(db) -> StaffProfile:
    """A second compliance officer, who reads while Cora writes."""
    return StaffProfileFactory(user__username="costin", user__roles=["Compliance officer"])


@pytest.fixture
def asked(published, agent, compliance_officer, colleague) -> CodeVersion:
    """Version 1 asked of everyone; all pending."""
    services.requests_create_for_version(version=published)
    return published


def signed_in(profile: StaffProfile) -> Client:
    client = Client()
    client.force_login(profile.user)
    return client


def api_client_of(profile: StaffProfile, *, scope: str = TokenScope.READ_WRITE) -> APIClient:
    """An API client with a token of `profile`'s: no session."""
    expires_at = timezone.now() + datetime.timedelta(days=1)
    _token, secret = token_create(
        owner=profile.user, name="Script", scope=scope, expires_at=expires_at, actor=profile.user
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@contextmanager
def queries_on_each() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    """The queries sent to the primary, and to the replica, within."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


def waived_on_dashboard(client: Client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return rendered_figures(response)["waived"]


def test_the_dashboard_is_read_from_the_replica(replica: RunningReplica, asked, agent, compliance_officer) -> None:
    cora = signed_in(compliance_officer)
    with replica.paused():
        waive(agent, asked, compliance_officer)  # not through a page: nobody's write to wait for
        assert waived_on_dashboard(cora) == "0"  # the replica has not replayed it
    replica.catch_up()
    assert waived_on_dashboard(cora) == "1"


def test_the_writer_sees_their_change_at_once_while_others_read_the_lagging_replica(
    replica: RunningReplica, asked, agent, compliance_officer, colleague
) -> None:
    cora, costin = signed_in(compliance_officer), signed_in(colleague)
    with replica.paused():
        response = cora.post(f"/acknowledgements/{request_of(agent, asked).pk}/waive/", {"reason": "On leave"})
        assert response.status_code == 302

        with queries_on_each() as (_primary, on_replica):
            assert waived_on_dashboard(cora) == "1"
        assert len(on_replica) == 1  # only asked how far it has replayed: the page came from the primary
        assert waived_on_dashboard(costin) == "0"
    replica.catch_up()
    with queries_on_each() as (_primary, on_replica):
        assert waived_on_dashboard(cora) == "1"
    assert len(on_replica) > 1  # caught up: the page comes from the replica again


def test_the_dashboard_costs_the_same_queries_read_from_the_replica(
    replica: RunningReplica, asked, compliance_officer, settings
) -> None:
    cora = signed_in(compliance_officer)
    replica.catch_up()
    with queries_on_each() as (primary, on_replica):
        waived_on_dashboard(cora)
    settings.DATABASE_ROUTERS = []
    with queries_on_each() as (primary_alone, on_replica_alone):
        waived_on_dashboard(cora)

    assert len(on_replica) > 0
    assert len(on_replica_alone) == 0
    assert len(primary) + len(on_replica) == len(primary_alone)


@pytest.mark.parametrize(("file_format", "read"), [("csv", csv_of), ("xlsx", xlsx_of)])
def test_an_export_is_read_from_the_replica(
    replica: RunningReplica, asked, agent, compliance_officer, file_format, read
) -> None:
    cora = signed_in(compliance_officer)
    with replica.paused():
        waive(agent, asked, compliance_officer)
        rows = read(cora.get(f"/acknowledgements/export/requests.{file_format}"))
    status = rows[0].index("Status")
    employee_id = rows[0].index("Employee id")
    assert [row[status] for row in rows[1:] if row[employee_id] == agent.employee_id] == ["Pending"]


def test_an_api_list_is_read_from_the_replica(replica: RunningReplica, asked, agent, compliance_officer) -> None:
    api = api_client_of(compliance_officer, scope=TokenScope.READ)
    ack = request_of(agent, asked)
    with replica.paused():
        waive(agent, asked, compliance_officer)
        response = api.get(REQUESTS, {"person": agent.pk})
    assert response.status_code == 200
    assert [row["status"] for row in response.json()["results"]] == [RequestStatus.PENDING]
    assert ack.pk == response.json()["results"][0]["id"]


def test_an_api_client_that_waived_lists_its_change_at_once(
    replica: RunningReplica, asked, agent, compliance_officer
) -> None:
    api = api_client_of(compliance_officer)
    with replica.paused():
        waived = api.post(f"{REQUESTS}{request_of(agent, asked).pk}/waive/", {"reason": "On leave"}, format="json")
        assert waived.status_code == 200
        response = api.get(REQUESTS, {"person": agent.pk})
    assert [row["status"] for row in response.json()["results"]] == [RequestStatus.WAIVED]


def test_the_training_status_is_read_from_the_replica(replica: RunningReplica, agent, compliance_officer) -> None:
    cora = signed_in(compliance_officer)
    with replica.paused():
        AssignmentFactory(person=agent)
        assert cora.get(TRAINING_STATUS).context["totals"]["open"] == 0
    replica.catch_up()
    assert cora.get(TRAINING_STATUS).context["totals"]["open"] == 1


def test_a_search_is_read_from_the_replica(replica: RunningReplica, compliance_officer) -> None:
    cora = signed_in(compliance_officer)
    with replica.paused():
        StaffProfileFactory(employee_id="E-7731")
        assert list(cora.get(PEOPLE, {"q": "E-7731"}).context["page"]) == []
    replica.catch_up()
    assert [person.employee_id for person in cora.get(PEOPLE, {"q": "E-7731"}).context["page"]] == ["E-7731"]


def test_a_read_inside_a_transaction_that_wrote_is_read_from_the_primary(
    replica: RunningReplica, compliance_officer
) -> None:
    user = compliance_officer.user
    with replica.paused():
        with replica_reads(user), transaction.atomic():
            StaffProfileFactory(employee_id="E-7731")
            assert StaffProfile.objects.filter(employee_id="E-7731").exists()
        with replica_reads(user):
            assert not StaffProfile.objects.filter(employee_id="E-7731").exists()  # committed, not yet replayed


def test_a_persons_just_signed_receipt_is_read_from_the_primary(replica: RunningReplica, asked, agent) -> None:
    ana = signed_in(agent)
    with replica.paused():
        signature = sign(agent, asked)
        with queries_on_each() as (_primary, on_replica):
            response = ana.get(f"/acknowledgements/receipts/{signature.pk}/")
    assert response.status_code == 200
    assert signature.record_hash in response.content.decode()
    assert len(on_replica) == 0


@pytest.fixture
def unreachable(replica: RunningReplica) -> Iterator[None]:
    """The replica's address leads nowhere (a loopback port nothing listens on) until the test ends."""
    alias = connections[REPLICA]
    alias.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    alias.settings_dict["PORT"] = closed_port
    try:
        yield
    finally:
        alias.close()
        alias.settings_dict["PORT"] = replica.port
        cache.delete(UNREACHABLE_KEY)


def test_a_replica_that_cannot_be_reached_is_routed_around(
    replica: RunningReplica, unreachable, asked, agent, compliance_officer
) -> None:
    cora = signed_in(compliance_officer)
    waive(agent, asked, compliance_officer)

    assert waived_on_dashboard(cora) == "1"  # the primary answered, and the page did not fail


def test_an_unreachable_replica_is_left_alone_for_a_while_then_tried_again(
    replica: RunningReplica, unreachable, asked, compliance_officer
) -> None:
    cora = signed_in(compliance_officer)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        waived_on_dashboard(cora)  # finds the replica unreachable
        connections[REPLICA].settings_dict["PORT"] = replica.port  # back, but not tried yet
        with queries_on_each() as (_primary, on_replica):
            waived_on_dashboard(cora)
        assert len(on_replica) == 0

        replica.catch_up()  # holds Cora and her rights, as the primary does
        traveller.shift(datetime.timedelta(seconds=REPLICA_RETRY_SECONDS + 1))
        with queries_on_each() as (_primary, on_replica):
            waived_on_dashboard(cora)
        assert len(on_replica) > 0


def slots_on_the_primary() -> dict[str, bool]:
    """Each replication slot of the primary, and whether a replica streams through it now."""
    lines = primary_sql("SELECT slot_name || ' ' || active FROM pg_replication_slots").split("\n")
    return {name: active == "true" for name, active in (line.split() for line in lines if line)}


def test_the_replica_streams_through_a_slot_that_keeps_the_wal_it_has_not_received(replica: RunningReplica) -> None:
    # Without one, a primary that writes much while the replica starts recycles WAL the replica still needs.
    assert slots_on_the_primary()[replica.slot] is True


def test_the_slot_of_a_replica_whose_maker_died_is_dropped(replica: RunningReplica) -> None:
    # A process id above the kernel's largest (pid_max is at most 2^22): no process has it.
    orphan = f"{SLOT_PREFIX}{2**22 + 1}_0"
    primary_sql(f"SELECT pg_create_physical_replication_slot('{orphan}')::text")

    dropped = stale_slots_drop()

    assert orphan in dropped
    assert orphan not in slots_on_the_primary()
    assert replica.slot in slots_on_the_primary()  # in use, and its maker runs
