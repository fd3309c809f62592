"""The case form (person, day, document, then a clause of the version in force that day, and the outcome), the
outcome form and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codes.models import CodeDocument, Section
from common.errors import InputRefused
from common.forms import DateInput
from people.models import Department, StaffProfile
from training.models import Course

from . import selectors
from .models import Outcome
from .services import in_force_on

DATE_INPUT = DateInput()


def clause_label(section: Section) -> str:
    return f"{section.position}. {section.title}"


class OutcomeFields(forms.Form):
    """The outcome and, for retraining, the course and its due date: shared by the case form and the outcome form."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, initial=Outcome.PENDING)
    outcome_note = forms.CharField(
        label=_("Note on the outcome"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    course = forms.ModelChoiceField(
        label=_("Retraining course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("The course that teaches the clause"),
        help_text=_("For a retraining outcome. Left as it is, the course linked to the clause breached is assigned."),
    )
    due_date = forms.DateField(
        label=_("Retraining due by"), required=False, widget=DATE_INPUT, help_text=_("For a retraining outcome.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.retraining_courses()  # type: ignore[attr-defined]

    def course_for(self, section: Section) -> Course | None:
        """The course chosen, or else the one that teaches the clause (None for an outcome other than retraining)."""
        if self.cleaned_data["outcome"] != Outcome.RETRAINING:
            return None
        return self.cleaned_data["course"] or selectors.course_for_section(section)


class CaseForm(OutcomeFields):
    """Two steps without JavaScript: the person, the day and the document first, then the clauses of the version in
    force that day are offered (htmx offers them as soon as the day and the document are chosen)."""

    field_order = ["person", "occurred_on", "document", "section", "description"]

    person = forms.CharField(label=_("Employee id of the person"), max_length=64)
    occurred_on = forms.DateField(label=_("Date of the breach"), widget=DATE_INPUT)
    document = forms.ModelChoiceField(label=_("Code"), queryset=CodeDocument.objects.none())
    section = forms.ModelChoiceField(
        label=_("Clause breached"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("Choose the clause"),
        help_text=_("The sections of the version in force on the date of the breach."),
        error_messages={
            "invalid_choice": _("This clause is not part of the version in force on that date: choose one offered.")
        },
    )
    description = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = selectors.documents_with_published_versions()  # type: ignore[attr-defined]
        self.fields["section"].queryset = self.sections_offered()  # type: ignore[attr-defined]
        self.fields["section"].label_from_instance = clause_label  # type: ignore[attr-defined]
        # Choosing the day or the document offers the clauses in force then at once (the form's second step).
        refresh = {
            "hx-get": reverse("cases:clauses"),
            "hx-trigger": "change",
            "hx-target": "#clause-field",
            "hx-swap": "outerHTML",
            "hx-include": "#id_document, #id_occurred_on",
            # A newer choice replaces a request still on its way, whose late answer would offer stale clauses.
            "hx-sync": "closest form:replace",
        }
        for name in ("occurred_on", "document"):
            self.fields[name].widget.attrs.update(refresh)

    def sections_offered(self) -> Any:
        """The clauses of the version in force on the day typed, of the document chosen (none until both are)."""
        try:
            document = self.fields["document"].clean(self["document"].value())
            day = self.fields["occurred_on"].clean(self["occurred_on"].value())
        except forms.ValidationError:
            return Section.objects.none()
        return selectors.sections_in_force(document, on=day)

    def clean_person(self) -> StaffProfile:
        employee_id = self.cleaned_data["person"].strip()
        person = StaffProfile.objects.select_related("user").filter(employee_id__iexact=employee_id).first()
        if person is None:
            raise forms.ValidationError(_("Nobody on the staff has this employee id."))
        return person

    def clean_occurred_on(self) -> Any:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise forms.ValidationError(_("The date of a breach cannot be in the future."))
        return occurred_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        document, occurred_on = data.get("document"), data.get("occurred_on")
        if document is None or occurred_on is None:
            return data
        try:
            in_force_on(document, occurred_on)
        except InputRefused as refusal:
            self.add_error(refusal.field, refusal.message)
            return data
        if data.get("section") is None and "section" not in self.errors:
            self.add_error("section", _("Choose the clause breached, among those of the version in force that day."))
        return data


class OutcomeForm(OutcomeFields):
    pass


class FilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Any outcome")), *Outcome.choices], required=False)
    document = forms.ModelChoiceField(
        label=_("Code"), queryset=CodeDocument.objects.none(), required=False, empty_label=_("All codes")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All departments")
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = selectors.documents_with_published_versions()  # type: ignore[attr-defined]

    def filters(self) -> selectors.Filters:
        """The filters to apply; an invalid form filters nothing out but shows its errors."""
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.Filters(
            outcome=data.get("outcome") or "",
            document_id=data["document"].pk if data.get("document") else None,
            department_id=data["department"].pk if data.get("department") else None,
            since=data.get("since"),
            until=data.get("until"),
        )
