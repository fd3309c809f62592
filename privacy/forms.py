from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import StaffProfile


class HoldPlaceForm(forms.Form):
    employee_id = forms.CharField(label=_("Employee id"), max_length=64)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The dispute, investigation or order that needs the person's records kept as they are."),
    )

    def clean_employee_id(self) -> StaffProfile:
        employee_id = self.cleaned_data["employee_id"].strip()
        person = StaffProfile.objects.select_related("user").filter(employee_id=employee_id).first()
        if person is None:
            raise forms.ValidationError(_("Nobody on the staff has this employee id."))
        return person


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the release"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
