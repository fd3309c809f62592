from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from codes.signals import ReviewStep


class ReminderKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    TRAINING = "training", _("Training")
    REVIEW = "review", _("Code review")
    # Workflow notifications (reminders/notices.py), one per event and recipient. What `object_id` names:
    VERSION_REVIEW = "version-review", _("Version review step")  # the audit event recording the step
    PUBLICATION = "publication", _("Publication")  # the published version
    RETIREMENT = "retirement", _("Retirement")  # the retired document
    QUESTION_ANSWER = "question-answer", _("Answer to a question")  # the answered question


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    # Done before it went out (signed, completed, retired): nothing to send.
    SKIPPED = "skipped", _("No longer needed")


ESCALATED = "escalated"
OVERDUE = "overdue"
OVERDUE_COPY = "overdue-copy"
# Workflow notices (reminders/notices.py): a version published, a document retired; review steps are
# codes.signals.ReviewStep.
PUBLISHED = "published"
RETIRED = "retired"
ANSWERED = "answered"


def manual_stage(day: datetime.date) -> str:
    """The stage of a reminder sent by hand from a campaign on `day`, e.g. "manual-2026-12-07": one a day."""
    return f"manual-{day.isoformat()}"


def before_stage(days: int) -> str:
    """The stage of a reminder sent `days` before the due date, e.g. "before-7"."""
    return f"before-{days}"


STAGE_LABELS = {
    OVERDUE: _("Overdue"),
    ESCALATED: _("Escalated to the manager"),
    OVERDUE_COPY: _("Overdue, copied to compliance"),
    ReviewStep.SUBMITTED: _("Sent for review"),
    ReviewStep.APPROVED: _("Approved"),
    ReviewStep.CHANGES_REQUESTED: _("Changes requested"),
    ReviewStep.WITHDRAWN: _("Taken back from review"),
    PUBLISHED: _("Published"),
    RETIRED: _("Retired"),
    ANSWERED: _("Answered"),
}


def stage_label(stage: str) -> str:
    """A reminder's stage in words ("7 days before the due date"); a stage without words shows as stored."""
    if stage.startswith("before-") and stage.removeprefix("before-").isdigit():
        days = int(stage.removeprefix("before-"))
        return ngettext("%(days)s day before the due date", "%(days)s days before the due date", days) % {"days": days}
    if stage.startswith("manual-"):
        return gettext("Sent by hand")
    return str(STAGE_LABELS.get(stage, stage))


class ReminderLog(models.Model):
    """One reminder to one person about one thing at one stage (of one due date): claimed once, then delivered.

    The unique constraints are what make a sweep safe to run twice, or by two workers at once:
    a reminder is claimed by inserting its row, and a row exists only once.
    """

    kind = models.CharField(_("about"), max_length=24, choices=ReminderKind.choices)
    object_id = models.BigIntegerField(_("object id"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(_("stage"), max_length=24)
    # The due date a reminder counted its stage from ("7 days before", "overdue"): a deadline moved
    # (extended, or a document's next review) starts the stages again. Empty for what has no due date
    # (workflow notices, reminders sent by hand).
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "stage"],
                condition=Q(due_date__isnull=True),
                name="reminders_reminderlog_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "stage", "due_date"],
                condition=Q(due_date__isnull=False),
                name="reminders_reminderlog_once_per_due_date",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "kind"], condition=Q(status="pending"), name="reminders_pending_idx"),
        ]
        permissions = [("receive_review_escalations", _("Receives copies of overdue code review reminders"))]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.recipient_id} ({self.stage})"

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)


class AudienceToTell(models.Model):
    """A publication whose audience is still to be told: one row for everyone it asked, written once it asked
    them, so that the publisher does not wait for a notice to be claimed per person. The notification task
    claims the people's notices (ReminderLog rows, once each) and removes the row; a task that never ran (the
    broker down, or its message lost) leaves the row to the next sweep, which does the same."""

    # Shown nowhere (it lives for the moments between a publication and its task): no names to translate.
    version_id = models.BigIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    def __str__(self) -> str:
        return f"version {self.version_id}"


class Notification(models.Model):
    """What a reminder said, kept in the portal for the person, with an unread mark."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="reminders_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.message
