"""Choosing, per kind of notification, email and portal or the portal only; a request to sign always emails."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from common.errors import DomainError
from people import services
from people.models import NotificationKind, NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/people/me/notifications/"
EVERY_CHOICE = {kind.value: "email" for kind in NotificationKind}


def by_email(user) -> dict[str, bool]:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_email"))


def test_the_profile_offers_each_choice_and_explains_that_a_request_to_sign_always_emails(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/people/me/").content.decode()

    assert "In the portal only" in page
    assert "Always by email: the law asks that you receive a request to sign." in page
    assert "disabled" in page.split(f'name="{NotificationKind.REQUEST_TO_SIGN}"')[1].split(">")[0]


def test_a_person_chooses_the_portal_only_for_a_kind(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post(URL, {**EVERY_CHOICE, NotificationKind.REVIEW_OUTCOME: "portal"})

    assert response.status_code == 302
    assert response.url == "/people/me/"
    assert by_email(agent.user) == {
        NotificationKind.REVIEW_REQUESTED: True,
        NotificationKind.REVIEW_OUTCOME: False,
        NotificationKind.REQUEST_WITHDRAWN: True,
    }


def test_the_profile_shows_the_choices_made(client, agent) -> None:
    services.notification_preferences_set(user=agent.user, by_email={NotificationKind.REVIEW_OUTCOME: False})
    client.force_login(agent.user)

    page = client.get("/people/me/").content.decode()

    chosen = page.split(f'name="{NotificationKind.REVIEW_OUTCOME}" value="portal"')[1].split(">")[0]
    assert "checked" in chosen


def test_the_portal_only_for_a_request_to_sign_is_not_taken(client, agent) -> None:
    client.force_login(agent.user)

    client.post(URL, {**EVERY_CHOICE, NotificationKind.REQUEST_TO_SIGN: "portal"})

    assert NotificationKind.REQUEST_TO_SIGN not in by_email(agent.user)


def test_an_unknown_choice_is_refused_and_nothing_is_saved(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post(URL, {**EVERY_CHOICE, NotificationKind.REVIEW_OUTCOME: "carrier-pigeon"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert by_email(agent.user) == {}


def test_the_choices_page_takes_only_posts(client, agent) -> None:
    client.force_login(agent.user)

    assert client.get(URL).status_code == 405


def test_an_anonymous_visitor_is_sent_to_sign_in(client) -> None:
    response = client.post(URL, EVERY_CHOICE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_service_refuses_the_portal_only_for_a_request_to_sign(agent) -> None:
    with pytest.raises(DomainError, match="always comes by email"):
        services.notification_preferences_set(user=agent.user, by_email={NotificationKind.REQUEST_TO_SIGN: False})


def test_the_database_refuses_the_portal_only_for_a_request_to_sign(agent) -> None:
    with pytest.raises(IntegrityError):
        NotificationPreference.objects.create(user=agent.user, kind=NotificationKind.REQUEST_TO_SIGN, by_email=False)
