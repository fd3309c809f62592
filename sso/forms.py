from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from people.forms import PortalAuthenticationForm


class SsoAwareAuthenticationForm(PortalAuthenticationForm):
    """The local sign-in, which sends a person whose password was switched off to their provider.

    It only speaks up once the password check has failed, so that axes counts the attempt like any
    other wrong password, and an attacker learns nothing a wrong guess would not tell them.
    """

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            provider = _sso_only_provider(self.cleaned_data.get("username") or "")
            if provider:
                raise forms.ValidationError(
                    _("This account signs in with %(provider)s: use the “Sign in with %(provider)s” button below."),
                    code="sso_only",
                    params={"provider": provider},
                ) from None
            raise


def _sso_only_provider(username: str) -> str:
    user = User.objects.filter(username=username).first()
    if user is None or user.has_usable_password():
        return ""
    account = SocialAccount.objects.filter(user=user).first()
    return account.get_provider().name if account is not None else ""
