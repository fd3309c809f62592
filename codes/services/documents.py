"""Code documents: created, changed, retired."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError, InputRefused
from common.permissions import require_permission

from .. import audit_actions
from ..models import (
    CodeDocument,
    VersionStatus,
)
from ..signals import document_retired
from .base import Actor

# Addresses under /codes/ that are pages, not documents.
RESERVED_SLUGS = {"new", "templates"}


@transaction.atomic
def document_create(
    *, actor: Actor, title: str, summary: str = "", review_interval_months: int = 12, slug: str = ""
) -> CodeDocument:
    """Create a code document owned by the actor. Its text comes with its first draft."""
    require_permission(actor, "codes.add_codedocument")
    slug = slug or slugify(title)[:80]
    if not slug or slug in RESERVED_SLUGS:
        raise InputRefused(_("Choose another short name: “%(slug)s” cannot be used.") % {"slug": slug}, field="slug")
    if CodeDocument.objects.filter(slug=slug).exists():
        raise InputRefused(
            _("A document with the short name “%(slug)s” exists already.") % {"slug": slug}, field="slug"
        )
    document = CodeDocument.objects.create(
        title=title, slug=slug, summary=summary, review_interval_months=review_interval_months, owner=actor
    )
    event_record(actor=actor, action=audit_actions.DOCUMENT_CREATE, target=document, details={"slug": slug})
    return document


@transaction.atomic
def document_update(
    *, document: CodeDocument, actor: Actor, title: str, summary: str, review_interval_months: int
) -> CodeDocument:
    """Change a document's description and review interval (its versions' text is untouched)."""
    require_permission(actor, "codes.change_codedocument")
    if document.retired_at:
        raise DomainError(_("This document is retired and can no longer be changed."))
    document.title, document.summary = title, summary
    if document.review_interval_months != review_interval_months:
        document.review_interval_months = review_interval_months
        published = document.versions.published().first()
        if published and published.published_at:
            document.next_review_due = next_review_date(
                timezone.localdate(published.published_at), review_interval_months
            )
    document.save()
    event_record(actor=actor, action=audit_actions.DOCUMENT_UPDATE, target=document)
    return document


@transaction.atomic
def document_retire(*, document: CodeDocument, actor: Actor, reason: str) -> CodeDocument:
    """Withdraw a document: its published version becomes retired and no new draft can start.

    A reason is required; it is kept on the document and in the audit log. Once committed, the
    retirement is announced, and the apps above withdraw what they still asked of people for it
    (see `retirement_consequences` for what the confirmation page says they will do).
    """
    require_permission(actor, "codes.retire_codedocument")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for retiring the document; it is kept in its history."))
    document = CodeDocument.objects.select_for_update().get(pk=document.pk)
    if document.retired_at:
        raise DomainError(_("This document is retired already."))
    if document.versions.in_progress().exists():
        raise DomainError(_("Discard or publish the version in progress before retiring the document."))
    document.versions.published().update(status=VersionStatus.RETIRED)
    document.retired_at = timezone.now()
    document.retired_reason = reason
    document.next_review_due = None
    document.save(update_fields=["retired_at", "retired_reason", "next_review_due"])
    event_record(actor=actor, action=audit_actions.DOCUMENT_RETIRE, target=document, details={"reason": reason})
    document_id, actor_id = document.pk, actor.pk
    transaction.on_commit(
        lambda: document_retired.send(sender=CodeDocument, document_id=document_id, actor_id=actor_id, reason=reason)
    )
    return document


def next_review_date(published_on: datetime.date, interval_months: int) -> datetime.date:
    return published_on + relativedelta(months=interval_months)
