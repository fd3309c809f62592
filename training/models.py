from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.statuses import OverdueStatus

# A score is a percentage.
MAX_SCORE = 100
# Longest refresher interval a course may ask for.
MAX_REFRESHER_MONTHS = 60
# The longest id an LMS may give a completion.
MAX_EXTERNAL_ID_LENGTH = 255


class Course(models.Model):
    """A training course, optionally teaching sections of a code, for all staff or some departments."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    document = models.ForeignKey(
        "codes.CodeDocument",
        verbose_name=_("code document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text=_("The code of conduct this course teaches, if any."),
    )
    sections = models.ManyToManyField(
        "codes.Section",
        verbose_name=_("code sections taught"),
        blank=True,
        related_name="courses",
    )
    refresher_interval_months = models.PositiveSmallIntegerField(
        _("refresher interval (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REFRESHER_MONTHS)],
        help_text=_("Each completion sets the next refresher this many months later. Leave empty for no refresher."),
    )
    audience_departments = models.ManyToManyField(
        "people.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="courses",
        help_text=_("Sub-departments are included. Leave empty for all staff."),
    )
    is_mandatory = models.BooleanField(
        _("mandatory"), default=True, help_text=_("Everyone in the audience is assigned a mandatory course.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive course takes no enrolments and assigns nobody.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                Lower("title"),
                name="training_course_unique_title",
                violation_error_message=_("A course with this title exists already."),
            ),
            models.CheckConstraint(
                condition=Q(refresher_interval_months__isnull=True) | Q(refresher_interval_months__gte=1),
                name="training_course_refresher_interval_positive",
            ),
        ]
        permissions = [
            ("view_training_status", _("Can see everyone's training status")),
            ("assign_retraining", _("Can assign retraining")),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSessionQuerySet(models.QuerySet["TrainingSession"]):
    def upcoming(self, *, now: datetime.datetime | None = None) -> TrainingSessionQuerySet:
        """Sessions not cancelled that have not started yet."""
        return self.filter(cancelled=False, starts_at__gt=now or timezone.now())


class TrainingSession(models.Model):
    """One date of a course, in a place or online, with a number of seats."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(
        _("location"), max_length=255, help_text=_("A room and building, or the link of an online meeting.")
    )
    capacity = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions_given",
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Who planned the session: they may cancel it. Empty for sessions planned before it was recorded.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="training_trainingsession_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_trainingsession_capacity_positive"),
        ]
        indexes = [models.Index(fields=["course", "starts_at"], name="training_session_start_idx")]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.course} · {start:%Y-%m-%d %H:%M}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Enrolment(models.Model):
    """A person holds a seat in a session; after it, whether they attended is recorded."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_enrolments"
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    # None until the attendance of the session is recorded.
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="training_enrolment_one_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"


class Completion(models.Model):
    """A person completed a course on a day: at a session, or recorded from other evidence."""

    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_completions"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    score = models.PositiveSmallIntegerField(
        _("score (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    evidence_note = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completions",
    )
    external_id = models.CharField(
        _("external id"),
        max_length=MAX_EXTERNAL_ID_LENGTH,
        blank=True,
        help_text=_("The LMS's own id for this completion; recording it again changes nothing."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=MAX_SCORE),
                name="training_completion_score_in_range",
            ),
            # Recording a session's attendance twice never completes anyone twice.
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(session__isnull=False),
                name="training_completion_one_per_session",
            ),
            # An LMS that reports the same completion twice (a retry, a replayed batch) records it once.
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="training_completion_external_id_unique",
                violation_error_message=_("A completion with this external id is recorded already."),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "course", "completed_on"], name="training_compl_person_idx"),
            models.Index(fields=["completed_on"], name="training_compl_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course} · {self.completed_on:%Y-%m-%d}"


class AssignmentReason(models.TextChoices):
    INITIAL = "initial", _("Initial")
    REFRESHER = "refresher", _("Refresher")
    RETRAINING = "retraining", _("Retraining")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The badge colour of each state (an overdue assignment is drawn as danger).
STATUS_TONES: dict[str, str] = {
    AssignmentStatus.OPEN: "text-bg-warning",
    AssignmentStatus.COMPLETED: "text-bg-success",
    AssignmentStatus.CANCELLED: "text-bg-secondary",
}


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open(self) -> AssignmentQuerySet:
        return self.filter(status=AssignmentStatus.OPEN)

    def overdue(self, *, on: datetime.date | None = None) -> AssignmentQuerySet:
        """Open assignments whose due date is before `on` (today by default)."""
        return self.filter(Assignment.overdue_q(on=on))

    def due_between(self, start: datetime.date, end: datetime.date) -> AssignmentQuerySet:
        """Open assignments due from `start` to `end`, both included."""
        return self.open().filter(due_date__gte=start, due_date__lte=end)


class Assignment(OverdueStatus, models.Model):
    """A person must complete a course by a due date: as a new joiner, as a refresher, or as retraining.
    Still open after it, the assignment is overdue."""

    waiting_status = AssignmentStatus.OPEN
    status_tones = STATUS_TONES

    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_assignments"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="assignments")
    reason = models.CharField(_("reason"), max_length=16, choices=AssignmentReason.choices)
    note = models.TextField(_("note"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion = models.ForeignKey(
        Completion,
        verbose_name=_("completion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=Q(status=AssignmentStatus.OPEN),
                name="training_assignment_one_open_per_course",
                violation_error_message=_("This person already has an open assignment for this course."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=AssignmentReason.RETRAINING) | ~Q(note=""),
                name="training_assignment_retraining_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.COMPLETED) | Q(completed_at__isnull=False),
                name="training_assignment_completed_has_date",
            ),
        ]
        indexes = [
            # The reminder sweep and the overdue counts read open assignments by due date.
            models.Index(
                fields=["due_date"],
                condition=Q(status=AssignmentStatus.OPEN),
                name="training_asg_open_due_idx",
            ),
            models.Index(fields=["course", "status"], name="training_asg_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course} ({self.get_reason_display()})"
