from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from codes.models import CodeDocument, CodeVersion
from common.forms import DateInput
from people.models import Department
from people.services import PasswordRefused, person_reauthenticate
from sso.services import Reauthentication, ReauthenticationRefused, reauthentication_check

from .models import RequestStatus
from .selectors import Filters

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise  # the stubs' type of a lazy string


class AgreementForm(forms.Form):
    """What every signature asks: agreement to the statement and the person's name, for the text in the
    language shown. At a kiosk that is all (the person identified with their PIN, before a witness)."""

    agree = forms.BooleanField(label=_("I agree to the statement above."))
    typed_name = forms.CharField(label=_("Your full name"), max_length=200)

    # The language of the text shown, which the page writes as a hidden input: the service looks that text
    # up by it (the version's own, or a published translation) and takes its hash from the database. Missing,
    # it is the version's own language, the only text a page written before translations existed showed.
    language = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)


class SignForm(AgreementForm):
    """The signature in the portal: the agreement, and the person's password again (re-authentication).

    A person without a password (single sign-on) confirms at their identity provider instead: the
    form then has no password field, and accepts only a fresh confirmation (`reauthentication`).
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Entered again to confirm that it is really you signing."),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        self.reauthentication: Reauthentication | None = None
        if not user.has_usable_password():
            del self.fields["password"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "password" not in self.fields:
            try:
                self.reauthentication = reauthentication_check(request=self.request, user=self.user)
            except ReauthenticationRefused as refused:
                raise forms.ValidationError(refused.message, code="reauthentication") from refused
        return cleaned

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            person_reauthenticate(request=self.request, user=self.user, password=password, purpose="signing")
        except PasswordRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        return password


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the waiver"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: long-term leave until March, or exempt by role."),
    )


# Every state a request can be in, and "overdue" (the pending ones past their due date).
STATUS_CHOICES = [
    ("", _("Any status")),
    (RequestStatus.PENDING, _("Pending")),
    ("overdue", _("Overdue")),
    (RequestStatus.SIGNED, _("Signed")),
    (RequestStatus.WAIVED, _("Waived")),
    (RequestStatus.REPLACED, RequestStatus.REPLACED.label),
    (RequestStatus.WITHDRAWN, RequestStatus.WITHDRAWN.label),
    (RequestStatus.LEFT, RequestStatus.LEFT.label),
]


def _choice(label: StrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, required=False)


class DashboardFilterForm(forms.Form):
    """The dashboard's filters. Each list of choices is read once per page, by one query, and both
    validates the value sent and renders the menu (a ModelChoiceField would query for each)."""

    document = _choice(_("Document"))
    version = _choice(_("Version"))
    department = _choice(_("Department"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        published = CodeVersion.objects.filter(published_at__isnull=False).select_related("document")
        menus = {
            "document": (_("All documents"), CodeDocument.objects.all()),
            "version": (_("All versions"), published),
            "department": (_("All departments"), Department.objects.all()),
        }
        for name, (everything, objects) in menus.items():
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", everything), *((item.pk, str(item)) for item in objects)]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned and cleaned.get("due_from") and cleaned.get("due_to") and cleaned["due_from"] > cleaned["due_to"]:
            self.add_error("due_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> Filters:
        """The filters to apply; an invalid form filters nothing out but shows its errors."""
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            document_id=data.get("document"),
            version_id=data.get("version"),
            department_id=data.get("department"),
            status=data.get("status") or "",
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
        )


# ---------------------------------------------------------------------------
# A campaign's actions
# ---------------------------------------------------------------------------


def department_choices() -> list[tuple[int, str]]:
    """Every department, by name, for a campaign's menus: one query, read once per page."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))


def _department_field(label: StrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, empty_value=None, required=False, help_text=_("Its sub-departments are included.")
    )


class _WithDepartments(forms.Form):
    """A form with a menu of departments (`department_choices`, read once by the view for all its forms),
    whose empty choice reads `empty_label`."""

    empty_label: StrPromise

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", self.empty_label), *departments]


class ExtendDeadlineForm(_WithDepartments):
    due_date = forms.DateField(label=_("New deadline"), widget=DateInput())
    department = _department_field(_("For"))
    empty_label = _("Everyone pending")


class IdListField(forms.Field):
    """Ids sent as a repeated parameter (checkboxes, or the hidden fields that carry them on)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(item) for item in value or []})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("The selection is not valid; choose the people again.")) from error


class WaiverSelectionForm(_WithDepartments):
    """Whom a waiver in bulk is for: the people ticked on the pending list, or everyone pending in a department."""

    request = IdListField(required=False)
    department = _department_field(_("Department"))
    empty_label = _("Choose a department")

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned is not None and not cleaned.get("request") and cleaned.get("department") is None:
            raise forms.ValidationError(_("Tick the people to waive, or choose a department."))
        return cleaned


# A report names at most this many sections, and no section more seconds than a day: beyond, it is not a report
# of the reader's script but garbage, refused as such rather than cut down.
MAX_REPORTED_SECTIONS = 1000
MAX_REPORTED_SECONDS = 24 * 60 * 60


class ReadingReportForm(forms.Form):
    """A report of the reader's script: `seconds`, a JSON object of section positions to whole seconds on
    screen since its previous report, and `end`, sent once the end of the text has been on screen."""

    seconds = forms.CharField(required=False, strip=False)
    end = forms.BooleanField(required=False)

    def clean_seconds(self) -> dict[int, int]:
        refused = forms.ValidationError(_("Give the seconds per section as a JSON object of whole numbers."))
        try:
            reported = json.loads(self.cleaned_data["seconds"] or "{}")
        except ValueError:
            raise refused from None
        if not isinstance(reported, dict) or len(reported) > MAX_REPORTED_SECTIONS:
            raise refused
        seconds_by_position: dict[int, int] = {}
        for position, seconds in reported.items():
            # bool is an int to Python, not to a report.
            if not position.isdecimal() or type(seconds) is not int or not 0 <= seconds <= MAX_REPORTED_SECONDS:
                raise refused
            seconds_by_position[int(position)] = seconds
        return seconds_by_position


# ---------------------------------------------------------------------------
# The kiosk
# ---------------------------------------------------------------------------


class KioskOpenForm(forms.Form):
    device = forms.CharField(
        label=_("Name of this device"),
        max_length=100,
        help_text=_("As the signatures will name it, e.g. “Warehouse tablet 2”."),
    )


class UnfilledTextInput(forms.TextInput):
    """A text box that comes back empty when its form is shown again: a refused try at a kiosk leaves no
    employee id on the screen for whoever steps up next."""

    def format_value(self, value: Any) -> str | None:
        return None


class KioskIdentifyForm(forms.Form):
    employee_id = forms.CharField(
        label=_("Your employee id"), max_length=64, widget=UnfilledTextInput(attrs={"autocomplete": "off"})
    )
    secret = forms.CharField(
        label=_("Your PIN or one-time code"),
        max_length=32,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Your supervisor gave it to you."),
    )
