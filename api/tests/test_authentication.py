from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, TokenScope
from api.tokens import token_revoke
from people.services import person_deactivate

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def _refused(response, detail: str) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"type": "not_authenticated", "detail": detail}


def test_a_token_reads_as_its_person(api_as, agent) -> None:
    response = api_as(agent).get(PEOPLE)

    assert response.status_code == 200
    assert [person["employee_id"] for person in response.json()["results"]] == [agent.employee_id]


def test_a_request_without_credentials_is_refused_with_401() -> None:
    response = APIClient().get(PEOPLE)

    _refused(response, "Authentication credentials were not provided.")


def test_an_unknown_token_is_refused_with_401(db) -> None:
    client = APIClient(headers={"Authorization": "Bearer cpt_not-a-token"})

    _refused(client.get(PEOPLE), "The API token is unknown.")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer a b"])
def test_a_malformed_bearer_header_is_refused_with_401(db, header: str) -> None:
    response = APIClient(headers={"Authorization": header}).get(PEOPLE)

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_a_revoked_token_is_refused_on_the_next_request(api_as, agent) -> None:
    client = api_as(agent)
    token_revoke(token=ApiToken.objects.get(), actor=agent.user)

    _refused(client.get(PEOPLE), "The API token has been revoked.")


def test_an_expired_token_is_refused(api_as, agent) -> None:
    client = api_as(agent)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        _refused(client.get(PEOPLE), "The API token has expired.")


def test_the_token_of_a_deactivated_person_stops_working_at_once(api_as, agent, administrator) -> None:
    client = api_as(agent)
    assert client.get(PEOPLE).status_code == 200

    person_deactivate(user=agent.user, actor=administrator.user)

    _refused(client.get(PEOPLE), "The API token's person is deactivated.")


def test_a_read_token_may_not_write(api_as, agent) -> None:
    response = api_as(agent, scope=TokenScope.READ).post(PEOPLE, {"name": "x"})

    assert response.status_code == 403
    assert response.json() == {
        "type": "permission_denied",
        "detail": "This token may only read: make a read-and-write token to change anything.",
    }


def test_a_read_write_token_gets_past_the_token_check_on_a_write(api_as, agent) -> None:
    # The people list has no write: what answers is the endpoint's own refusal, not the token's.
    response = api_as(agent, scope=TokenScope.READ_WRITE).post(PEOPLE, {"name": "x"})

    assert response.status_code == 405
    assert response.json()["type"] == "method_not_allowed"


def test_a_signed_in_browser_reads_with_its_session(sign_in, agent) -> None:
    response = sign_in(agent).get(PEOPLE)

    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == agent.pk


def test_a_browser_write_without_the_csrf_token_is_refused(client, agent) -> None:
    client.force_login(agent.user)
    client.handler.enforce_csrf_checks = True

    response = client.post(PEOPLE, {}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_an_anonymous_browser_gets_json_not_the_sign_in_page(client, db) -> None:
    response = client.get(PEOPLE)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
