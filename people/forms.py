from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Department
from .services import PasswordRefused, person_reauthenticate


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That username and password do not match an active account. "
            "Check them (passwords are case-sensitive) or reset your password."
        ),
    }


class PreferredLanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Language of the portal and its emails"), choices=settings.LANGUAGES)


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All departments")
    )


class ReauthenticatedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, whose check of the old password counts towards the sign-in lockout."""

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        try:
            person_reauthenticate(
                request=self.request, user=self.user, password=old_password, purpose="password_change"
            )
        except PasswordRefused as refused:
            raise forms.ValidationError(refused.message, code="password_incorrect") from refused
        return old_password
