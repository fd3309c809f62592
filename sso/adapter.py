"""django-allauth's hooks: who may sign in through a provider, and to which existing account."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .services import (
    SignInRefused,
    account_link,
    claims_of,
    reauthentication_record,
    sign_in_refuse,
    user_match,
    user_require_active,
)

# Which provider the person signed in with, so that signing out can offer its own sign-out (sso.views).
SESSION_PROVIDER = "sso_provider"


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Accounts arrive from HR (import or SCIM); pre_social_login has linked or refused already.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        account = sociallogin.account
        app = sociallogin.provider.app
        if sociallogin.state.get("process") == AuthProcess.REDIRECT:
            # "Confirm with <provider>" before signing: the person is signed in already; keep what
            # the provider says (reauthentication_check judges it), link and sign in nobody.
            reauthentication_record(request=request, account=account)
            return
        try:
            if sociallogin.is_existing:
                user_require_active(sociallogin.user)
            else:
                user = user_match(claims=claims_of(account.extra_data), mapping=app.settings["claims"])
                account_link(request=request, sociallogin=sociallogin, user=user)
        except SignInRefused as refused:
            sign_in_refuse(provider=account.provider, subject=account.uid, reason=refused.message)
            messages.error(request, refused.message)
            raise ImmediateHttpResponse(redirect("login")) from refused
        request.session[SESSION_PROVIDER] = account.provider

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        # A refused state, a token for another client, an expired token...: the person gets the
        # sign-in page and a message rather than allauth's own error page.
        messages.error(
            request, _("Signing in with %(provider)s did not work. Try again.") % {"provider": provider.name}
        )
        raise ImmediateHttpResponse(redirect("login"))
