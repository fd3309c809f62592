from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ALWAYS_EMAILED, Department, NotificationKind
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


BY_EMAIL, PORTAL_ONLY = "email", "portal"


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification: by email and in the portal, or in the portal only. A request to
    sign is shown, disabled, as always emailed: the person sees the rule instead of a choice they do not have."""

    def __init__(self, *args: Any, emailed: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(BY_EMAIL, _("By email and in the portal")), (PORTAL_ONLY, _("In the portal only"))]
        for kind in NotificationKind:
            always = kind in ALWAYS_EMAILED
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                widget=forms.RadioSelect,
                initial=BY_EMAIL if always or emailed.get(kind, True) else PORTAL_ONLY,
                disabled=always,
                help_text=_("Always by email: the law asks that you receive a request to sign.") if always else "",
            )

    def by_email(self) -> dict[str, bool]:
        """The choices made, for the kinds a person may choose for."""
        return {kind: self.cleaned_data[kind] == BY_EMAIL for kind in NotificationKind if kind not in ALWAYS_EMAILED}


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


# An HR file of 100,000 people is about 10 MB; the limit leaves room and keeps the preview's copy in the session small.
MAX_IMPORT_BYTES = 32_000_000


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("HR file (CSV)"),
        help_text=_("CSV in UTF-8, separated by commas or semicolons, at most %(size)s MB.")
        % {"size": MAX_IMPORT_BYTES // 1_000_000},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it and import the parts one after the other.")
                % {"size": MAX_IMPORT_BYTES // 1_000_000}
            )
        content: bytes = upload.read()
        return content


class StaffImportConfirmForm(forms.Form):
    """The confirmation of a preview: the fingerprint of the file previewed, which must be the one kept."""

    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class KioskPersonForm(forms.Form):
    """A person who signs only at a kiosk (people.kiosk.person_create_without_sign_in)."""

    employee_id = forms.CharField(label=_("Employee id"), max_length=64)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        """`departments`: those the actor may add people to (people.kiosk.kiosk_departments_for); others are
        refused on the field."""
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class KioskCredentialForm(forms.Form):
    kind = forms.ChoiceField(choices=[("pin", _("PIN")), ("code", _("One-time code"))], widget=forms.HiddenInput)
