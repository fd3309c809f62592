from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codes.models import CodeDocument, Section, VersionStatus
from common.forms import DateInput
from people.models import Department, StaffProfile

from .models import AssignmentReason, AssignmentStatus, Course, Enrolment, TrainingSession
from .selectors import OVERDUE, Filters

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.version.document.title} — {obj.title}"


class CourseForm(forms.ModelForm):
    document = forms.ModelChoiceField(
        label=_("Code document"),
        queryset=CodeDocument.objects.all(),
        required=False,
        help_text=_("The code of conduct this course teaches, if any."),
    )
    sections = SectionChoiceField(
        label=_("Code sections taught"),
        # The sections of each document's published version: the text staff are trained on.
        queryset=Section.objects.filter(version__status=VersionStatus.PUBLISHED)
        .select_related("version__document")
        .order_by("version__document__title", "position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sections of the chosen document's published version."),
    )
    audience_departments = forms.ModelMultipleChoiceField(
        label=_("Only for these departments (their sub-departments included)"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for a course for all staff."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A retired document is not offered for a course, though a course that links one keeps it.
        field = self.fields["document"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CodeDocument.objects.filter(Q(retired_at__isnull=True) | Q(pk=self.instance.document_id or 0))

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "document",
            "sections",
            "refresher_interval_months",
            "audience_departments",
            "is_mandatory",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned and cleaned.get("sections") and not cleaned.get("document"):
            self.add_error("document", _("Choose the code document the sections come from."))
        elif cleaned and cleaned.get("sections"):
            document = cleaned["document"]
            if any(section.version.document_id != document.pk for section in cleaned["sections"]):
                self.add_error("sections", _("Choose only sections of “%(document)s”.") % {"document": document})
        return cleaned


def trainers() -> QuerySet:
    """The people who run sessions: those who may plan them."""
    users = get_user_model().objects.filter(is_active=True)
    held = Q(
        groups__permissions__codename="add_trainingsession",
        groups__permissions__content_type__app_label="training",
    ) | Q(
        user_permissions__codename="add_trainingsession",
        user_permissions__content_type__app_label="training",
    )
    return users.filter(held).distinct().order_by("last_name", "first_name", "username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class SessionForm(forms.ModelForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True))
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    )
    trainer = UserChoiceField(label=_("Trainer"), queryset=trainers(), required=False)

    class Meta:
        model = TrainingSession
        fields = ["course", "starts_at", "ends_at", "location", "capacity", "trainer"]

    def clean_starts_at(self) -> Any:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError(_("A new session must start in the future."))
        return starts_at

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        starts_at, ends_at = (cleaned or {}).get("starts_at"), (cleaned or {}).get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session must end after it starts."))
        return cleaned


class EnrolmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.person.employee_id})"


class AttendanceForm(forms.Form):
    """One tick per enrolled person: those ticked attended, everyone else did not."""

    present = EnrolmentChoiceField(
        label=_("Present"), queryset=Enrolment.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enrolments: QuerySet[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = enrolments  # type: ignore[attr-defined]

    def attended_ids(self) -> set[int]:
        """The staff profile ids of those ticked."""
        return {enrolment.person_id for enrolment in self.cleaned_data["present"]}


class EnrolForm(forms.Form):
    """A manager enrols someone who reports to them."""

    person = forms.ModelChoiceField(label=_("Someone from your team"), queryset=StaffProfile.objects.none())

    def __init__(self, *args: Any, people: QuerySet[StaffProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class RetrainingForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True))
    due_date = forms.DateField(label=_("Due by"), widget=DateInput())
    note = forms.CharField(
        label=_("Why is retraining needed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: breach of the code on 3 March (raised voice with a customer)."),
    )

    def clean_due_date(self) -> Any:
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date


class CompletionForm(forms.Form):
    """Record a completion by hand, from evidence other than a session (an e-learning, an external course)."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput(), initial=timezone.localdate)
    score = forms.IntegerField(label=_("Score (%)"), min_value=0, max_value=100, required=False)
    evidence_note = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: certificate of the e-learning module, kept by HR."),
    )

    def clean_completed_on(self) -> Any:
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(_("A completion cannot be dated in the future."))
        return completed_on


# One choice per figure of the status page (`selectors.STATES`), each listing the rows its figure counts.
STATUS_CHOICES = [
    (AssignmentStatus.OPEN, _("Open (overdue included)")),
    (OVERDUE, _("Overdue")),
    (AssignmentStatus.COMPLETED, _("Completed in the last 12 months")),
    (AssignmentStatus.CANCELLED, _("Cancelled")),
]


class StatusFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.all(), required=False, empty_label=_("All courses")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All departments")
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Any reason")), *AssignmentReason.choices], required=False
    )

    def filters(self) -> Filters:
        """The filters to apply; an invalid form filters nothing out but shows its errors."""
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            course_id=data["course"].pk if data.get("course") else None,
            department_id=data["department"].pk if data.get("department") else None,
            status=data.get("status") or AssignmentStatus.OPEN,
            reason=data.get("reason") or "",
        )
