"""Signing without a password: the person confirms at their identity provider (a real one, started here)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services
from acknowledgements.authentication import authentication_intact, mac_of_authentication
from acknowledgements.models import AcknowledgementRequest, RequestStatus, SignatureAuthentication
from people.models import StaffProfile
from sso.tests.oidc import PROVIDER_ID, RunningProvider, running_provider, through_provider

from .test_signing import sign_form

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[RunningProvider]:
    with running_provider(["http://testserver"]) as provider:
        yield provider


@pytest.fixture
def ack(published, agent) -> AcknowledgementRequest:
    services.requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.get(version=published, person=agent)


@pytest.fixture
def sso_agent(client: Client, settings, oidc_provider: RunningProvider, agent: StaffProfile) -> StaffProfile:
    """The agent, known to the provider as "alice" (employee id E-1001), signed in through it: no password left."""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_provider.settings()}}
    StaffProfile.objects.filter(pk=agent.pk).update(employee_id="E-1001")
    login = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
    through_provider(client, client.post(login), login="alice")
    agent.user.refresh_from_db()
    assert not agent.user.has_usable_password()
    return agent


def confirm(client: Client, ack: AcknowledgementRequest, *, login: str = "alice"):
    page = client.get(reverse("acknowledgements:read_and_sign", args=[ack.pk])).content.decode()
    action = re.search(r'<form method="post" action="([^"]+auth_params[^"]+)"', page)
    assert action is not None, "no Confirm step on the page"
    started = client.post(
        action.group(1).replace("&amp;", "&"), {"process": "redirect", "next": f"/acknowledgements/{ack.pk}/"}
    )
    # The provider is asked to show its login again, whatever session it has.
    assert "prompt=login" in started["Location"]
    assert "max_age=0" in started["Location"]
    return through_provider(client, started, login=login)


def sign(client: Client, ack: AcknowledgementRequest, agent: StaffProfile):
    data = sign_form(agent)
    del data["password"]
    return client.post(reverse("acknowledgements:sign", args=[ack.pk]), data)


def test_the_page_asks_to_confirm_at_the_provider_and_shows_no_password_field(client, sso_agent, ack) -> None:
    page = client.get(reverse("acknowledgements:read_and_sign", args=[ack.pk])).content.decode()

    assert "Confirm with Local ID" in page
    assert 'name="password"' not in page


def test_a_fresh_confirmation_signs_and_the_record_names_the_provider_subject_and_time(client, sso_agent, ack) -> None:
    back = confirm(client, ack)
    assert back.status_code == 302
    assert back["Location"] == f"/acknowledgements/{ack.pk}/"

    response = sign(client, ack, sso_agent)

    assert response.status_code == 302, response.content.decode()[:2000]
    ack.refresh_from_db()
    assert ack.status == RequestStatus.SIGNED
    authentication = SignatureAuthentication.objects.get(signature=ack.signature)
    assert (authentication.method, authentication.provider, authentication.subject) == (
        "provider",
        PROVIDER_ID,
        "alice",
    )
    assert abs(authentication.authenticated_at - ack.signature.signed_at) < datetime.timedelta(minutes=1)
    assert authentication_intact(authentication)
    # One confirmation, one signature.
    assert "sso_reauthentication" not in client.session


def test_signing_without_confirming_is_refused(client, sso_agent, ack) -> None:
    response = sign(client, ack, sso_agent)

    assert response.status_code == 400
    assert "Confirm that it is you with your sign-in provider first" in response.content.decode()
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING


def test_a_stale_confirmation_is_refused(client, sso_agent, ack) -> None:
    confirm(client, ack)

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=6)):
        response = sign(client, ack, sso_agent)

    assert response.status_code == 400
    assert "Your confirmation is more than 5 minutes old" in response.content.decode()
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING


def test_a_confirmation_by_somebody_else_is_refused(client, sso_agent, ack) -> None:
    confirm(client, ack, login="bob")

    response = sign(client, ack, sso_agent)

    assert response.status_code == 400
    assert "not linked to yours" in response.content.decode()


def test_a_password_signature_records_the_password(client, agent, ack) -> None:
    client.force_login(agent.user)

    client.post(reverse("acknowledgements:sign", args=[ack.pk]), sign_form(agent))

    authentication = SignatureAuthentication.objects.get(signature__request=ack)
    assert authentication.method == "password"
    assert authentication_intact(authentication)


def test_an_authentication_moved_to_another_record_no_longer_matches(client, agent, ack) -> None:
    client.force_login(agent.user)
    client.post(reverse("acknowledgements:sign", args=[ack.pk]), sign_form(agent))
    authentication = SignatureAuthentication.objects.select_related("signature").get(signature__request=ack)

    assert authentication.mac != mac_of_authentication(authentication, record_hash="0" * 64)
    authentication.subject = "someone-else"
    assert not authentication_intact(authentication)


def test_the_verification_names_a_changed_authentication(client, agent, ack) -> None:
    from acknowledgements.authentication import authentication_problems

    client.force_login(agent.user)
    client.post(reverse("acknowledgements:sign", args=[ack.pk]), sign_form(agent))
    assert authentication_problems() == []
    authentication = SignatureAuthentication.objects.get(signature__request=ack)
    # As somebody with the database's owner role would: a password signature passed off as a provider's.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The signature's deferred foreign-key checks must run first: PostgreSQL alters no table
            # with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE acknowledgements_signatureauthentication DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE acknowledgements_signatureauthentication"
            " SET method = 'provider', provider = 'local', subject = 'mallory', authenticated_at = %s WHERE id = %s",
            [timezone.now(), authentication.pk],
        )

    assert authentication_problems() == [
        f"record #{authentication.signature.sequence}: how its signer was authenticated was changed after signing"
    ]
