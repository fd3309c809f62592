"""A person's API tokens page: made there and shown once, listed, revoked after a confirmation."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, TokenScope
from api.tokens import token_create, token_revoke
from audit.models import AuditEvent
from common.secrets import secret_digest

pytestmark = pytest.mark.django_db

PAGE = "/profile/api-tokens/"


def _form(**changes: str) -> dict[str, str]:
    expires_on = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return {"name": "GRC tool", "scope": TokenScope.READ, "expires_on": expires_on, **changes}


def _token(profile, name: str = "Nightly export") -> ApiToken:
    expires_at = timezone.now() + datetime.timedelta(days=10)
    token, _secret = token_create(
        owner=profile.user, name=name, scope=TokenScope.READ_WRITE, expires_at=expires_at, actor=profile.user
    )
    return token


def _revoke_url(token: ApiToken) -> str:
    return f"{PAGE}{token.pk}/revoke/"


def test_the_profile_page_links_to_the_tokens(client: Client, agent) -> None:
    client.force_login(agent.user)

    assert f'href="{PAGE}"' in client.get("/people/me/").content.decode()


def test_a_person_creates_a_token_and_sees_its_secret_once(client: Client, agent) -> None:
    client.force_login(agent.user)

    response = client.post(PAGE, _form())

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'value="(cpt_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.owner, token.name, token.scope) == (agent.user, "GRC tool", TokenScope.READ)
    assert token.digest == secret_digest(secret)
    assert AuditEvent.objects.filter(action="api.token.create", actor=agent.user).count() == 1
    # The list shows it by its prefix; the secret is never shown again.
    again = client.get(PAGE).content.decode()
    assert token.prefix in again
    assert secret not in again


def test_the_token_works_through_the_whole_day_chosen(client: Client, agent) -> None:
    client.force_login(agent.user)
    day = timezone.localdate() + datetime.timedelta(days=7)

    client.post(PAGE, _form(expires_on=day.isoformat()))

    expires_at = timezone.localtime(ApiToken.objects.get().expires_at)
    assert (expires_at.date(), expires_at.time()) == (day + datetime.timedelta(days=1), datetime.time.min)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"expires_on": "yesterday"}, "expires_on"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": "2999-01-01"}, "expires_on"),
    ],
)
def test_a_form_with_a_mistake_is_shown_again_and_makes_nothing(client: Client, agent, changes, field: str) -> None:
    client.force_login(agent.user)

    response = client.post(PAGE, _form(**changes))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_ones_own_tokens_with_their_state(client: Client, agent, manager) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=20)):
        _token(agent, "Old one")
    _token(agent, "Active one")
    token_revoke(token=_token(agent, "Revoked one"), actor=agent.user)
    _token(manager, "Maria's script")
    client.force_login(agent.user)

    page = client.get(PAGE).content.decode()

    assert "Maria&#x27;s script" not in page
    assert page.count("Active one") == 1
    assert "Revoked" in page
    assert "Expired" in page
    assert page.count(">Revoke</a>") == 2  # Active and expired; a revoked one has nothing left to revoke.


def test_the_list_is_paginated(client: Client, agent) -> None:
    for number in range(30):
        _token(agent, f"Script {number}")
    client.force_login(agent.user)

    response = client.get(PAGE)

    assert len(response.context["page"]) == 25
    assert response.context["page"].has_next()


def test_a_person_revokes_their_token_after_confirming(client: Client, agent) -> None:
    token = _token(agent)
    client.force_login(agent.user)

    confirmation = client.get(_revoke_url(token))
    response = client.post(_revoke_url(token), follow=True)

    assert confirmation.status_code == 200
    assert "Revoke the token “Nightly export”?" in confirmation.content.decode()
    assert response.redirect_chain == [(PAGE, 302)]
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token.revoke", actor=agent.user).count() == 1


def test_someone_elses_token_is_not_found(client: Client, agent, administrator) -> None:
    token = _token(agent)
    client.force_login(administrator.user)

    assert client.get(_revoke_url(token)).status_code == 404
    assert client.post(_revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_revoked_token_cannot_be_revoked_again(client: Client, agent) -> None:
    token = _token(agent)
    token_revoke(token=token, actor=agent.user)
    client.force_login(agent.user)

    assert client.post(_revoke_url(token)).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(client: Client, agent, method: str) -> None:
    token = _token(agent)
    client.force_login(agent.user)

    assert getattr(client, method)(PAGE).status_code == 405
    assert getattr(client, method)(_revoke_url(token)).status_code == 405


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}1/revoke/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_token_made_on_the_page_opens_the_api(client: Client, agent) -> None:
    client.force_login(agent.user)
    secret = re.search(r'value="(cpt_[^"]+)"', client.post(PAGE, _form()).content.decode()).group(1)

    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/people/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [agent.pk]


def test_expiry_dates_follow_the_organisations_calendar(client: Client, agent, settings) -> None:
    settings.TIME_ZONE = "Europe/Bucharest"
    # 22:30 UTC on 31 December is already 1 January in Bucharest (the test settings' zone): the 31st is
    # yesterday for the organisation.
    moment = datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.UTC)

    with time_machine.travel(moment, tick=False):
        client.force_login(agent.user)
        response = client.post(PAGE, _form(expires_on="2026-12-31"))

    assert response.status_code == 400
    assert "expires_on" in response.context["form"].errors
