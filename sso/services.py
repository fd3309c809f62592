"""Linking a person's portal account to their account at an identity provider."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import event_record
from common.errors import DomainError
from people.models import StaffProfile

from .audit_actions import ACCOUNT_LINK, SIGN_IN_REFUSE


class SignInRefused(DomainError):
    pass


def claims_of(extra_data: dict[str, Any]) -> dict[str, Any]:
    """The person's claims: the ID token's, completed by the userinfo endpoint's."""
    return {**extra_data.get("id_token", {}), **extra_data.get("userinfo", {})}


def _claim(claims: dict[str, Any], mapping: dict[str, str], key: str) -> Any:
    return claims.get(mapping[key])


def user_match(*, claims: dict[str, Any], mapping: dict[str, str]) -> User:
    """The existing account the claims name: by employee id, else by a verified email; never by name.

    Accounts are made by HR import or SCIM, never by signing in: a person the portal does not know
    is refused, and so is an address the provider has not verified (anybody could type it).
    """
    employee_id = _claim(claims, mapping, "employee_id")
    if employee_id:
        profile = StaffProfile.objects.select_related("user").filter(employee_id=str(employee_id)).first()
        if profile is not None:
            return user_require_active(profile.user)
    email = _claim(claims, mapping, "email")
    if email and _claim(claims, mapping, "email_verified") is True:
        users = list(User.objects.filter(email__iexact=str(email))[:2])
        if len(users) == 1:
            return user_require_active(users[0])
    raise SignInRefused(
        _(
            "Your company account is not known to the Conduct Portal yet. "
            "Accounts arrive from HR: ask your administrator to add you, then sign in again."
        )
    )


def user_require_active(user: User) -> User:
    if not user.is_active:
        raise SignInRefused(_("Your portal account is deactivated. Ask your administrator if this is a mistake."))
    if StaffProfile.objects.filter(user=user, signs_in=False).exists():
        raise SignInRefused(_("You sign at a kiosk, not here: ask your supervisor to open one for you."))
    return user


@transaction.atomic
def account_link(*, request: HttpRequest, sociallogin: SocialLogin, user: User) -> None:
    """Link `user` to the provider account signing in, so that its next sign-ins find them at once.

    With SSO_DISABLE_LOCAL_PASSWORDS the local password stops working at the first link, so that the
    provider's rules (multi-factor, leavers) cannot be side-stepped with an old portal password.
    """
    account = sociallogin.account
    if SocialAccount.objects.filter(user=user, provider=account.provider).exists():
        # Another subject at the same provider is linked already: a second company account must
        # not take over the first one's person.
        raise SignInRefused(
            _("Your portal account is linked to another account at %(provider)s. Ask your administrator.")
            % {"provider": sociallogin.provider.app.name}
        )
    sociallogin.connect(request, user)
    if settings.SSO_DISABLE_LOCAL_PASSWORDS and user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    event_record(
        actor=user,
        action=ACCOUNT_LINK,
        target=user,
        details={
            "provider": account.provider,
            "subject": account.uid,
            "local_password_disabled": not user.has_usable_password(),
        },
    )


def sign_in_refuse(*, provider: str, subject: str, reason: str) -> None:
    """Keep a trace of a refused sign-in, so that administrators see who knocked."""
    event_record(
        actor=None,
        action=SIGN_IN_REFUSE,
        target=None,
        details={"provider": provider, "subject": subject, "reason": reason},
    )


# ---------------------------------------------------------------------------
# Re-authentication at the provider (before signing)
# ---------------------------------------------------------------------------

# What the provider said when the person last confirmed it was them (sso.adapter records it).
SESSION_REAUTHENTICATION = "sso_reauthentication"
# Asked of the provider: show the login again, whatever session it has (OpenID Connect Core 3.1.2.1).
REAUTHENTICATION_PARAMS = "prompt=login&max_age=0"


class ReauthenticationRefused(DomainError):
    pass


@dataclass(frozen=True)
class Reauthentication:
    provider: str
    subject: str
    authenticated_at: datetime.datetime


def reauthentication_record(*, request: HttpRequest, account: SocialAccount) -> None:
    """Keep the provider's word on when the person signed in there (the ID token's auth_time)."""
    auth_time = claims_of(account.extra_data).get("auth_time")
    request.session[SESSION_REAUTHENTICATION] = {
        "provider": account.provider,
        "subject": account.uid,
        "auth_time": auth_time if isinstance(auth_time, int) else None,
    }


def reauthentication_url(user: User) -> tuple[str, str] | None:
    """The provider's name and where a "Confirm with <provider>" form posts, for a person who has one."""
    account = SocialAccount.objects.filter(user=user).order_by("pk").first()
    if account is None:
        return None
    provider = account.get_provider()
    login = reverse("openid_connect_login", kwargs={"provider_id": account.provider})
    return provider.name, f"{login}?{urlencode({'auth_params': REAUTHENTICATION_PARAMS})}"


def reauthentication_check(*, request: HttpRequest, user: User) -> Reauthentication:
    """The person's confirmation at their provider, if it is theirs and fresh; refused otherwise.

    The portal asked for prompt=login&max_age=0, but anybody can change a URL: what counts is the
    auth_time the provider signed into the ID token, within SSO_REAUTHENTICATION_MAX_AGE seconds,
    for a provider account linked to this very person.
    """
    confirmed = request.session.get(SESSION_REAUTHENTICATION)
    if not confirmed:
        raise ReauthenticationRefused(_("Confirm that it is you with your sign-in provider first, then sign."))
    if not SocialAccount.objects.filter(user=user, provider=confirmed["provider"], uid=confirmed["subject"]).exists():
        raise ReauthenticationRefused(_("You confirmed with an account that is not linked to yours. Confirm again."))
    if confirmed["auth_time"] is None:
        raise ReauthenticationRefused(_("Your sign-in provider did not say when you signed in. Confirm again."))
    authenticated_at = datetime.datetime.fromtimestamp(confirmed["auth_time"], tz=datetime.UTC)
    age = timezone.now() - authenticated_at
    max_age = datetime.timedelta(seconds=settings.SSO_REAUTHENTICATION_MAX_AGE)
    # A minute of difference between the provider's clock and ours is tolerated, no more.
    if age > max_age or age < -datetime.timedelta(minutes=1):
        raise ReauthenticationRefused(
            ngettext(
                "Your confirmation is more than %(minutes)d minute old. Confirm again, then sign.",
                "Your confirmation is more than %(minutes)d minutes old. Confirm again, then sign.",
                max_age.seconds // 60,
            )
            % {"minutes": max_age.seconds // 60}
        )
    return Reauthentication(confirmed["provider"], confirmed["subject"], authenticated_at)


def reauthentication_forget(*, request: HttpRequest) -> None:
    """One confirmation, one signature."""
    request.session.pop(SESSION_REAUTHENTICATION, None)
