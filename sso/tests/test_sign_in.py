"""Signing in through a real OpenID Connect provider (oidc-provider, started by conftest) with Django's test client."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from people.models import StaffProfile
from people.tests.factories import TEST_PASSWORD, StaffProfileFactory

from .oidc import PROVIDER_ID, RunningProvider, provider_sign_in

pytestmark = pytest.mark.django_db


def start(client: Client, next_url: str = "") -> str:
    """Press "Sign in with Local ID"; return the provider's authorization URL the portal sends the browser to."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}), {"next": next_url})
    assert response.status_code == 302, response.content[:500]
    return str(response["Location"])


def come_back(client: Client, callback: str):
    parts = urlsplit(callback)
    assert parts.netloc == "testserver", callback
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client: Client, login: str, next_url: str = ""):
    return come_back(client, provider_sign_in(start(client, next_url), login=login))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


@pytest.fixture
def alice(support) -> StaffProfile:
    """Known to the portal by her employee id; her portal email is not the provider's."""
    return StaffProfileFactory(
        user__username="alice", user__email="alice@example.com", employee_id="E-1001", department=support
    )


def test_the_first_sign_in_links_the_account_by_employee_id(
    client: Client, sso_settings: RunningProvider, alice
) -> None:
    response = sso_sign_in(client, "alice", next_url="/codes/")

    assert response.status_code == 302
    assert response["Location"] == "/codes/"
    assert signed_in_user(client) == alice.user
    account = SocialAccount.objects.get(user=alice.user)
    assert (account.provider, account.uid) == (PROVIDER_ID, "alice")
    assert account.extra_data["id_token"]["iss"] == sso_settings.issuer
    alice.user.refresh_from_db()
    assert not alice.user.has_usable_password()
    event = AuditEvent.objects.get(action="sso.account.link")
    assert event.actor_id == alice.user.pk
    assert event.details == {"provider": PROVIDER_ID, "subject": "alice", "local_password_disabled": True}


def test_a_linked_person_signs_in_again_without_a_second_link(client: Client, sso_settings, alice) -> None:
    sso_sign_in(client, "alice")
    client.logout()

    sso_sign_in(Client(), "alice")

    assert SocialAccount.objects.filter(user=alice.user).count() == 1
    assert AuditEvent.objects.filter(action="sso.account.link").count() == 1


def test_the_local_password_stays_when_the_setting_keeps_it(client: Client, sso_settings, settings, alice) -> None:
    settings.SSO_DISABLE_LOCAL_PASSWORDS = False

    sso_sign_in(client, "alice")

    alice.user.refresh_from_db()
    assert alice.user.check_password(TEST_PASSWORD)


def test_a_verified_email_links_a_person_without_an_employee_id_claim(client: Client, sso_settings, support) -> None:
    bob = StaffProfileFactory(user__username="bob", user__email="Bob@Example.com", department=support)

    sso_sign_in(client, "bob")

    assert signed_in_user(client) == bob.user


def test_an_unverified_email_matches_nobody(client: Client, sso_settings, support) -> None:
    StaffProfileFactory(user__username="carol", user__email="carol@example.com", department=support)

    response = sso_sign_in(client, "carol")

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "not known to the Conduct Portal yet" in messages_of(response)[0]
    assert not SocialAccount.objects.exists()


def test_a_person_unknown_to_the_portal_is_refused_and_the_refusal_audited(client: Client, sso_settings, alice) -> None:
    response = sso_sign_in(client, "stranger")

    assert signed_in_user(client) is None
    assert "ask your administrator to add you" in messages_of(response)[0]
    event = AuditEvent.objects.get(action="sso.sign_in.refuse")
    assert event.details["subject"] == "stranger"
    assert not User.objects.filter(username__icontains="stranger").exists()


def test_a_display_name_is_never_used_to_match(client: Client, sso_settings, support) -> None:
    StaffProfileFactory(user__username="stranger", user__first_name="Stranger", department=support)

    sso_sign_in(client, "stranger")

    assert signed_in_user(client) is None


def test_a_deactivated_person_is_refused_even_when_linked(client: Client, sso_settings, alice) -> None:
    sso_sign_in(client, "alice")
    client.logout()
    User.objects.filter(pk=alice.user.pk).update(is_active=False)

    response = sso_sign_in(Client(), "alice")

    assert "deactivated" in messages_of(response)[0]


def test_a_person_who_signs_only_at_a_kiosk_is_refused(client: Client, sso_settings, alice) -> None:
    StaffProfile.objects.filter(pk=alice.pk).update(signs_in=False)

    response = sso_sign_in(client, "alice")

    assert "kiosk" in messages_of(response)[0]
    assert signed_in_user(client) is None


def test_a_second_subject_cannot_take_over_a_linked_person(client: Client, sso_settings, alice) -> None:
    SocialAccount.objects.create(user=alice.user, provider=PROVIDER_ID, uid="someone-else")

    response = sso_sign_in(client, "alice")

    assert signed_in_user(client) is None
    assert "linked to another account" in messages_of(response)[0]


def test_the_claims_the_settings_name_are_the_ones_read(client: Client, settings, oidc_provider, support) -> None:
    # This provider's employee number travels in "manager" (a nonsense mapping, but a visible one).
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_provider.settings(employee_id="manager")}}
    boss = StaffProfileFactory(employee_id="E-2001", department=support)

    sso_sign_in(client, "alice")

    assert signed_in_user(client) == boss.user


def test_a_refused_state_signs_nobody_in(client: Client, sso_settings, alice) -> None:
    callback = provider_sign_in(start(client), login="alice")
    forged = callback.replace("state=", "state=forged")

    response = come_back(client, forged)

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "did not work" in messages_of(response)[0]


def test_a_callback_from_another_browser_signs_nobody_in(client: Client, sso_settings, alice) -> None:
    # The state lives in the session of the browser that started: an attacker's callback does not fit.
    callback = provider_sign_in(start(Client()), login="alice")

    come_back(client, callback)

    assert signed_in_user(client) is None


def test_the_sign_in_page_shows_a_button_per_provider(client: Client, settings, oidc_provider) -> None:
    second = {**oidc_provider.settings()[0], "provider_id": "second", "name": "Second ID"}
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [*oidc_provider.settings(), second]}}

    page = client.get(reverse("login")).content.decode()

    assert "Sign in with Local ID" in page
    assert "Sign in with Second ID" in page
    assert 'action="/sso/oidc/second/login/"' in page


def test_without_providers_the_sign_in_page_is_local_only(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with" not in page
    assert "/sso/oidc/" not in page


def test_the_local_sign_in_sends_a_person_without_password_to_the_provider(client: Client, sso_settings, alice) -> None:
    sso_sign_in(Client(), "alice")

    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "This account signs in with Local ID" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_wrong_password_of_a_local_account_gets_the_usual_message(client: Client, sso_settings, alice) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert "That username and password do not match" in response.content.decode()


def test_signing_out_offers_the_providers_sign_out(client: Client, sso_settings, alice) -> None:
    sso_sign_in(client, "alice")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert signed_in_user(client) is None
    page = response.content.decode()
    back = "http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F"
    end_session = f"{sso_settings.issuer}/session/end?client_id=conduct-portal&amp;post_logout_redirect_uri={back}"
    assert end_session in page
    assert "Sign out of Local ID too" in page


def test_signing_out_after_a_local_sign_in_goes_back_to_the_sign_in_page(client: Client, sso_settings, agent) -> None:
    client.force_login(agent.user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None


def test_signing_out_wants_a_post(client: Client, agent) -> None:
    client.force_login(agent.user)

    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.parametrize("path", ["/sso/oidc/unknown/login/", "/sso/oidc/unknown/login/callback/"])
def test_an_unknown_provider_is_not_found(client: Client, sso_settings, path: str) -> None:
    assert client.post(path).status_code == 404
