from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codes.models import CodeDocument
from common.forms import DateInput
from people.models import Department

from .services import period_problem


def last_quarter() -> tuple[datetime.date, datetime.date]:
    """The last complete quarter, in the organisation's calendar: what compliance most often asks for."""
    today = timezone.localdate()
    this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter - datetime.timedelta(days=1)
    return datetime.date(end.year, end.month - 2, 1), end


class EvidencePackForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("Until (included)"), widget=DateInput(), help_text=_("Today at the latest."))
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=CodeDocument.objects.order_by("title"),
        required=False,
        help_text=_("None chosen: every document."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.order_by("name"),
        required=False,
        help_text=_("None chosen: every department. Sub-departments are included."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start, end = last_quarter()
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        start, end = (cleaned or {}).get("period_start"), (cleaned or {}).get("period_end")
        if start and end and (problem := period_problem(start, end)):
            self.add_error("period_end", problem)
        return cleaned
