from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from people.models import StaffProfile


class HoldPlaceForm(forms.Form):
    employee_id = forms.CharField(
        label=_("Employee id"), max_length=64, required=False, help_text=_("For a hold on a person.")
    )
    case = forms.IntegerField(
        label=_("Breach case number"),
        required=False,
        min_value=1,
        help_text=_("For a hold on a breach case: it holds the person the case is about."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The dispute, investigation or order that needs the person's records kept as they are."),
    )

    def clean_employee_id(self) -> StaffProfile | None:
        employee_id = self.cleaned_data["employee_id"].strip()
        if not employee_id:
            return None
        person = StaffProfile.objects.filter(employee_id=employee_id).first()
        if person is None:
            raise forms.ValidationError(_("Nobody on the staff has this employee id."))
        return person

    def clean_case(self) -> Case | None:
        number = self.cleaned_data["case"]
        if number is None:
            return None
        case = Case.objects.filter(pk=number).first()
        if case is None:
            raise forms.ValidationError(_("There is no breach case with this number."))
        return case

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in ("employee_id", "case") if cleaned.get(name) is not None]
        if not given and not self.errors:
            raise forms.ValidationError(_("Give the employee id of a person, or the number of a breach case."))
        if len(given) == 2:
            raise forms.ValidationError(_("Give either an employee id or a case number, not both."))
        return cleaned


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the release"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
