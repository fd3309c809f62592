"""SCIM tokens: created by an administrator and shown once, revoked, and checked on every SCIM request."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError
from common.secrets import secret_digest, secret_make

from . import audit_actions
from .models import ScimToken

# What every secret starts with, so that a leaked one is recognisable (secret scanners, logs).
SECRET_START = "scim_"  # noqa: S105 (a marker, not a secret)


class TokenRefused(DomainError):
    """A SCIM request carried no token we know, or one that was revoked."""

    def __init__(self, message: str, *, revoked: bool) -> None:
        super().__init__(message)
        self.revoked = revoked


@transaction.atomic
def token_create(*, name: str, actor: User) -> tuple[ScimToken, str]:
    """Make a token for a SCIM client; return it with its secret, which is never stored nor shown again."""
    secret, prefix, digest = secret_make(SECRET_START)
    token = ScimToken.objects.create(name=name, prefix=prefix, digest=digest, created_by=actor)
    event_record(actor=actor, action=audit_actions.TOKEN_CREATE, target=token, details={"prefix": token.prefix})
    return token, secret


@transaction.atomic
def token_revoke(*, token: ScimToken, actor: User) -> None:
    """Revoke a token: every later request with it is refused. Revoking it again changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    event_record(actor=actor, action=audit_actions.TOKEN_REVOKE, target=token, details={"prefix": token.prefix})


def token_authenticate(*, secret: str) -> ScimToken:
    """The token whose secret this is, its last use noted; refused when unknown or revoked."""
    token = ScimToken.objects.filter(digest=secret_digest(secret)).first() if secret else None
    if token is None:
        raise TokenRefused(_("The bearer token is unknown."), revoked=False)
    if token.revoked_at is not None:
        raise TokenRefused(_("The bearer token has been revoked."), revoked=True)
    token.last_used_at = timezone.now()
    ScimToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
