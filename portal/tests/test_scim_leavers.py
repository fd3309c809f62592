"""SCIM meets the apps above people: a leaver's open requests, a department a code is meant for."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from people.models import UserSession
from people.tests.factories import DepartmentFactory
from scim.services import token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_scim_deactivation_ends_sessions_and_leaves_open_requests(
    asked, agent, administrator, sign_in, django_capture_on_commit_callbacks, method: str
) -> None:
    sign_in(agent)
    assert AcknowledgementRequest.objects.get(person=agent, version=asked).status == RequestStatus.PENDING
    _token, secret = token_create(name="Entra ID", actor=administrator.user)
    scim = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/scim/v2/Users/{agent.user_id}"
    operations = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }

    with django_capture_on_commit_callbacks(execute=True):
        if method == "patch":
            response = scim.patch(url, json.dumps(operations), content_type="application/scim+json")
        else:
            response = scim.delete(url)

    assert response.status_code in (200, 204)
    assert not UserSession.objects.filter(user=agent.user).exists()
    assert AcknowledgementRequest.objects.get(person=agent, version=asked).status == RequestStatus.LEFT


def test_a_department_a_code_is_meant_for_is_not_deleted_by_scim(draft, administrator) -> None:
    empty = DepartmentFactory(name="Empty", code="EMPTY")
    draft.audience_departments.add(empty)
    _token, secret = token_create(name="Entra ID", actor=administrator.user)

    response = Client(headers={"Authorization": f"Bearer {secret}"}).delete(f"/scim/v2/Groups/{empty.pk}")

    assert response.status_code == 400
    assert response.json()["scimType"] == "mutability"
    assert list(draft.audience_departments.all()) == [empty]
