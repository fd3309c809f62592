from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from scim.services import TokenRefused, token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_a_token_is_known_by_its_secret_and_its_use_noted(administrator) -> None:
    token, secret = token_create(name="Entra ID", actor=administrator.user)

    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        assert token_authenticate(secret=secret) == token

    token.refresh_from_db()
    assert token.last_used_at == timezone.now().replace(2026, 3, 2, 9, 0, 0, 0)


@pytest.mark.parametrize("secret", ["", "scim_not-a-token"])
def test_an_unknown_secret_is_refused(administrator, secret: str) -> None:
    token_create(name="Entra ID", actor=administrator.user)

    with pytest.raises(TokenRefused) as refused:
        token_authenticate(secret=secret)
    assert not refused.value.revoked


def test_a_revoked_token_is_refused_and_revoking_again_changes_nothing(administrator) -> None:
    token, secret = token_create(name="Entra ID", actor=administrator.user)
    token_revoke(token=token, actor=administrator.user)
    revoked_at = token.revoked_at

    token_revoke(token=token, actor=administrator.user)

    with pytest.raises(TokenRefused) as refused:
        token_authenticate(secret=secret)
    assert refused.value.revoked
    token.refresh_from_db()
    assert (token.revoked_at, token.last_used_at) == (revoked_at, None)
