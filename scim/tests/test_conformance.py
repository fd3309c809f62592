"""scim2-tester, a SCIM client that checks a live server against RFC 7643/7644, against the portal."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from people.tests.factories import DepartmentFactory

# The live server needs committed rows; serialized_rollback puts back the roles and content types the
# flush removes, as every other transactional test does: a flush without it re-creates the content
# types, and the next serialized test's restore then collides with them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_scim2_tester_finds_no_failure(live_server, scim_token, settings) -> None:
    settings.SCIM_DEFAULT_DEPARTMENT = "SUP"
    DepartmentFactory(name="Support", code="SUP")
    DepartmentFactory(name="Sales", code="SAL")
    _token, secret = scim_token
    with httpx2.Client(base_url=f"{live_server.url}/scim/v2/", headers={"Authorization": f"Bearer {secret}"}) as http:
        results = check_server(SyncSCIMClient(http))

    failures = [result for result in results if result.status in (Status.ERROR, Status.CRITICAL)]
    assert not failures, "\n".join(f"{r.title} [{r.resource_type}]: {r.reason}" for r in failures)
    assert sum(result.status == Status.SUCCESS for result in results) > 20
