from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from api import audit_actions
from api.models import ApiToken, TokenScope
from api.tokens import LAST_USE_RESOLUTION, SECRET_START, TokenRefused, token_authenticate, token_create, token_revoke
from audit.models import AuditEvent
from common.errors import DomainError, InputRefused
from common.secrets import secret_digest

pytestmark = pytest.mark.django_db


def _create(profile, *, days: float = 30, scope: str = TokenScope.READ) -> tuple[ApiToken, str]:
    expires_at = timezone.now() + datetime.timedelta(days=days)
    return token_create(owner=profile.user, name="GRC tool", scope=scope, expires_at=expires_at, actor=profile.user)


def test_it_stores_only_the_digest_and_a_recognisable_prefix(agent) -> None:
    token, secret = _create(agent)

    token.refresh_from_db()
    assert secret.startswith(SECRET_START)
    assert token.digest == secret_digest(secret)
    assert secret.startswith(token.prefix)
    assert len(token.prefix) == len(SECRET_START) + 6
    assert secret not in {token.name, token.prefix, token.digest}


def test_it_records_the_creation_in_the_audit_log(agent) -> None:
    token, _secret = _create(agent)

    event = AuditEvent.objects.get(action=audit_actions.TOKEN_CREATE.code)
    assert event.actor == agent.user
    assert event.details["prefix"] == token.prefix
    assert event.details["scope"] == TokenScope.READ


@pytest.mark.parametrize("days", [-1, 0])
def test_it_refuses_an_expiry_that_is_not_in_the_future(agent, days: int) -> None:
    with pytest.raises(InputRefused, match="future") as refused:
        _create(agent, days=days)

    assert refused.value.field == "expires_at"
    assert not ApiToken.objects.exists()


def test_it_refuses_an_expiry_more_than_a_year_ahead(agent) -> None:
    with pytest.raises(InputRefused, match="at most a year"):
        _create(agent, days=367)

    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_scope(agent) -> None:
    with pytest.raises(InputRefused):
        _create(agent, scope="admin")


def test_it_authenticates_a_valid_token_and_notes_its_use(agent) -> None:
    token, secret = _create(agent)

    found = token_authenticate(secret=secret)

    token.refresh_from_db()
    assert found == token
    assert token.last_used_at is not None


def test_it_writes_the_last_use_at_most_once_a_minute(agent) -> None:
    token, secret = _create(agent)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token_authenticate(secret=secret)
        first_use = ApiToken.objects.get().last_used_at
        clock.shift(LAST_USE_RESOLUTION / 2)
        token_authenticate(secret=secret)
        assert ApiToken.objects.get().last_used_at == first_use
        clock.shift(LAST_USE_RESOLUTION)
        token_authenticate(secret=secret)

    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_a_use_within_a_minute_of_the_last_noted_costs_one_query(agent, django_assert_num_queries) -> None:
    # A program walking a list sends a request after another: each one reads the token with its owner, and
    # the last use it just read is recent enough, so nothing is sent to be written.
    _token, secret = _create(agent)
    token_authenticate(secret=secret)

    with django_assert_num_queries(1):
        token_authenticate(secret=secret)


@pytest.mark.parametrize("secret", ["", "cpt_", "cpt_unknown", "scim_whatever"])
def test_it_refuses_an_unknown_secret(secret: str) -> None:
    with pytest.raises(TokenRefused, match="unknown"):
        token_authenticate(secret=secret)


def test_it_refuses_a_revoked_token(agent) -> None:
    token, secret = _create(agent)
    token_revoke(token=token, actor=agent.user)

    with pytest.raises(TokenRefused, match="revoked"):
        token_authenticate(secret=secret)


def test_it_refuses_an_expired_token(agent) -> None:
    _token, secret = _create(agent, days=1)

    later = timezone.now() + datetime.timedelta(days=1, seconds=1)
    with time_machine.travel(later), pytest.raises(TokenRefused, match="expired"):
        token_authenticate(secret=secret)


def test_it_refuses_the_token_of_a_deactivated_person(agent) -> None:
    _token, secret = _create(agent)
    agent.user.is_active = False
    agent.user.save()

    with pytest.raises(TokenRefused, match="deactivated"):
        token_authenticate(secret=secret)


def test_the_owner_revokes_their_token_once(agent) -> None:
    token, _secret = _create(agent)

    token_revoke(token=token, actor=agent.user)
    token_revoke(token=token, actor=agent.user)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action=audit_actions.TOKEN_REVOKE.code).count() == 1


def test_an_administrator_revokes_someone_elses_token(agent, administrator) -> None:
    token, _secret = _create(agent)

    token_revoke(token=token, actor=administrator.user)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action=audit_actions.TOKEN_REVOKE.code).actor == administrator.user


@pytest.mark.parametrize("role", ["manager", "compliance_officer", "outsider"])
def test_nobody_else_revokes_a_persons_token(agent, role: str, request: pytest.FixtureRequest) -> None:
    token, _secret = _create(agent)
    other = request.getfixturevalue(role)

    with pytest.raises(DomainError, match="owner or an administrator"):
        token_revoke(token=token, actor=other.user)

    token.refresh_from_db()
    assert token.revoked_at is None
