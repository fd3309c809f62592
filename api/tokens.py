"""API tokens: a person makes them for their programs (shown once), revokes them, and every API request
with one is checked here."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError, InputRefused
from common.secrets import secret_digest, secret_make

from . import audit_actions
from .models import ApiToken, TokenScope

# What every secret starts with, so that a leaked one is recognisable (secret scanners, logs).
SECRET_START = "cpt_"  # noqa: S105 (a marker, not a secret)
# The longest a token may live: a forgotten one stops working by itself within a year.
MAX_LIFETIME = datetime.timedelta(days=366)
# How precisely "last used" is kept: at most one write per token in this time.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(DomainError):
    """An API request carried no token we know, or one that may not be used any more."""


def can_manage_every_token(user: User | AnonymousUser) -> bool:
    return user.has_perm("api.manage_apitoken")


@transaction.atomic
def token_create(
    *, owner: User, name: str, scope: str, expires_at: datetime.datetime, actor: User
) -> tuple[ApiToken, str]:
    """Make a token acting for `owner`; return it with its secret, which is never stored nor shown again.

    The expiry must be in the future and at most a year away, so that no token lives for ever."""
    now = timezone.now()
    if scope not in TokenScope.values:
        raise InputRefused(_("Choose whether the token may only read or also write."), field="scope")
    if expires_at <= now:
        raise InputRefused(_("The expiry must be in the future."), field="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise InputRefused(_("A token may live at most a year: choose an earlier expiry."), field="expires_at")
    if not name.strip():
        raise InputRefused(_("Give the token a name, e.g. the program that uses it."), field="name")
    secret, prefix, digest = secret_make(SECRET_START)
    token = ApiToken.objects.create(
        owner=owner, name=name.strip(), scope=scope, expires_at=expires_at, prefix=prefix, digest=digest
    )
    event_record(
        actor=actor,
        action=audit_actions.TOKEN_CREATE,
        target=token,
        details={"prefix": prefix, "scope": scope, "expires_at": expires_at.isoformat(), "owner": owner.pk},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> None:
    """Revoke a token: every later request with it is refused. Only its owner, or someone who manages
    every token, may; revoking it again changes nothing."""
    if token.owner_id != actor.pk and not can_manage_every_token(actor):
        raise DomainError(_("Only the token's owner or an administrator may revoke it."))
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    event_record(
        actor=actor,
        action=audit_actions.TOKEN_REVOKE,
        target=token,
        details={"prefix": token.prefix, "owner": token.owner_id},
    )


def token_authenticate(*, secret: str) -> ApiToken:
    """The token whose secret this is, with its owner, its last use noted; refused when unknown, revoked,
    expired, or when its person is deactivated (at once: the owner's flag is read on every request)."""
    token = (
        ApiToken.objects.select_related("owner").filter(digest=secret_digest(secret)).first()
        if secret.startswith(SECRET_START)
        else None
    )
    if token is None:
        raise TokenRefused(_("The API token is unknown."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(_("The API token has been revoked."))
    if token.expires_at <= now:
        raise TokenRefused(_("The API token has expired."))
    if not token.owner.is_active:
        raise TokenRefused(_("The API token's person is deactivated."))
    # A program that sends a thousand requests a minute makes neither a thousand writes of one row nor a
    # thousand round trips to learn there is nothing to write: the last use just read is recent enough.
    # When it is not, one conditional UPDATE, which writes nothing if another request noted it meanwhile.
    last_noted = now - LAST_USE_RESOLUTION
    if token.last_used_at is not None and token.last_used_at >= last_noted:
        return token
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=last_noted)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
        token.last_used_at = now
    return token
