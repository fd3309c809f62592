"""Review and publication of a version."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import event_record
from common.errors import DomainError
from common.permissions import require_permission
from people.models import Department
from webhooks.models import EventType
from webhooks.services import event_emit

from .. import audit_actions, webhook_payloads
from ..content import content_hash
from ..diff import same_text
from ..models import (
    Approval,
    CodeDocument,
    CodeVersion,
    VersionStatus,
)
from ..selectors import Author, sections_of, version_approvals, version_authors
from ..signals import ReviewStep, version_published, version_review_step
from .base import Actor, _lock, _require_status
from .documents import next_review_date
from .translations import _publish_approved_translations


@transaction.atomic
def version_submit(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Send a draft for review. It cannot be edited while it is reviewed."""
    require_permission(actor, "codes.change_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.DRAFT, action=_("sent for review"))
    if not version.sections.exists():
        raise DomainError(_("Add at least one section before sending the draft for review."))
    replaced = version.document.versions.published().first()
    if replaced is not None and same_text(list(sections_of(replaced)), list(sections_of(version))):
        raise DomainError(
            _(
                "The text of this draft is the same as version %(number)s, which it would replace: publishing it "
                "would ask everyone to sign the same text again. Change a section, or discard the draft."
            )
            % {"number": replaced.number}
        )
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    event = event_record(actor=actor, action=audit_actions.VERSION_SUBMIT, target=version)
    _announce_review_step(version, ReviewStep.SUBMITTED, event, actor)
    return version


def _announce_review_step(version: CodeVersion, step: str, event: AuditEvent, actor: Actor) -> None:
    """Announce the step once it has committed: whoever reacts (the notifications) reads it done, and a step
    rolled back is never announced."""
    version_id, event_id, actor_id = version.pk, event.pk, actor.pk
    transaction.on_commit(
        lambda: version_review_step.send(
            sender=CodeVersion, version_id=version_id, step=step, event_id=event_id, actor_id=actor_id
        )
    )


def required_approvals() -> int:
    return int(settings.CODES_REQUIRED_APPROVALS)


def approval_refusal(actor: Actor, authors: Iterable[Author], approvals: Iterable[Approval]) -> str:
    """Why the actor may not approve a version in review, or "" when they may.

    Four eyes: whoever started the version or changed its sections or details since may not
    approve it, so the approver is someone who wrote none of it. With CODES_REQUIRED_APPROVALS
    above one, each approval must come from a different person.
    """
    author = next((author for author in authors if author.person.pk == actor.pk), None)
    if author is not None and author.started:
        return _("You started this version, so someone else must approve it (four-eyes rule).")
    if author is not None:
        return _("You edited this version, so someone who did not write it must approve it (four-eyes rule).")
    if any(approval.approver_id == actor.pk for approval in approvals):
        return _("You have approved this version already; it needs the approval of someone else too.")
    return ""


@transaction.atomic
def version_approve(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Approve a version in review, as one of the CODES_REQUIRED_APPROVALS people it needs (see
    approval_refusal). It becomes approved, ready to publish, with the last approval it needs."""
    require_permission(actor, "codes.approve_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("approved"))
    approvals = version_approvals(version)
    refusal = approval_refusal(actor, version_authors(version), approvals)
    if refusal:
        raise DomainError(refusal)
    approval = Approval.objects.create(version=version, approver=actor)
    count, required = len(approvals) + 1, required_approvals()
    if count >= required:
        version.status = VersionStatus.APPROVED
        version.approver_id = actor.pk
        version.approved_at = approval.approved_at
        version.review_comment = ""
        version.save(update_fields=["status", "approver", "approved_at", "review_comment"])
    event = event_record(
        actor=actor,
        action=audit_actions.VERSION_APPROVE,
        target=version,
        details={"approvals": count, "required": required},
    )
    if version.status == VersionStatus.APPROVED:
        _announce_review_step(version, ReviewStep.APPROVED, event, actor)
    return version


def _back_to_draft(version: CodeVersion) -> None:
    """A version returned to draft may change, so the approvals of its review round no longer count."""
    version.status = VersionStatus.DRAFT
    version.submitted_at = None
    version.approvals.all().delete()


@transaction.atomic
def version_request_changes(*, version: CodeVersion, actor: Actor, comment: str) -> CodeVersion:
    """Send a version in review back to draft, with a comment its author sees."""
    require_permission(actor, "codes.approve_codeversion")
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say what should change, so the author knows what to do."))
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("sent back"))
    _back_to_draft(version)
    version.review_comment = comment
    version.save(update_fields=["status", "review_comment", "submitted_at"])
    event = event_record(
        actor=actor, action=audit_actions.VERSION_REQUEST_CHANGES, target=version, details={"comment": comment}
    )
    _announce_review_step(version, ReviewStep.CHANGES_REQUESTED, event, actor)
    return version


@transaction.atomic
def version_withdraw(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Take a version back from review to draft, to change it before anyone approves it.

    Only one of its authors may; a reviewer sends it back with a comment instead.
    """
    require_permission(actor, "codes.change_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("withdrawn from review"))
    if not any(author.person.pk == actor.pk for author in version_authors(version)):
        raise DomainError(_("Only an author of this version can withdraw it from review."))
    _back_to_draft(version)
    version.save(update_fields=["status", "submitted_at"])
    event = event_record(actor=actor, action=audit_actions.VERSION_WITHDRAW, target=version)
    _announce_review_step(version, ReviewStep.WITHDRAWN, event, actor)
    return version


@transaction.atomic
def version_publish(
    *,
    version: CodeVersion,
    actor: Actor,
    effective_date: datetime.date,
    days_to_acknowledge: int,
    is_major: bool,
    departments: Iterable[Department] = (),
    applies_to_all_staff: bool = True,
) -> CodeVersion:
    """Publish an approved version: it freezes, the previous published version becomes superseded,
    and the document's next review date is set. The document row is locked, so two managers
    publishing at once end with exactly one published version."""
    require_permission(actor, "codes.publish_codeversion")
    departments = list(departments)
    if not applies_to_all_staff and not departments:
        raise DomainError(_("Choose at least one department, or publish to all staff."))
    if applies_to_all_staff and departments:
        raise DomainError(_("Publish either to all staff or to the chosen departments, not both."))
    if effective_date < timezone.localdate():
        raise DomainError(_("The effective date cannot be in the past."))
    document = CodeDocument.objects.select_for_update().get(pk=version.document_id)
    version = _lock(version)
    _require_status(version, VersionStatus.APPROVED, action=_("published"))

    document.versions.published().update(status=VersionStatus.SUPERSEDED)
    now = timezone.now()
    version.status = VersionStatus.PUBLISHED
    version.publisher_id = actor.pk
    version.published_at = now
    version.effective_date = effective_date
    version.days_to_acknowledge = days_to_acknowledge
    version.is_major = is_major
    version.applies_to_all_staff = applies_to_all_staff
    version.content_hash = content_hash(version)
    version.save()
    version.audience_departments.set([] if applies_to_all_staff else departments)
    _publish_approved_translations(version, actor)

    document.next_review_due = next_review_date(timezone.localdate(now), document.review_interval_months)
    document.save(update_fields=["next_review_due"])
    event_record(
        actor=actor,
        action=audit_actions.VERSION_PUBLISH,
        target=version,
        details={
            "number": version.number,
            "content_hash": version.content_hash,
            "effective_date": effective_date.isoformat(),
            "audience": "all" if applies_to_all_staff else sorted(d.code for d in departments),
            "days_to_acknowledge": days_to_acknowledge,
            "major": is_major,
        },
    )
    event_emit(type=EventType.VERSION_PUBLISHED, payload=webhook_payloads.version_published(version, departments))
    transaction.on_commit(lambda: version_published.send(sender=CodeVersion, version_id=version.pk))
    return version
