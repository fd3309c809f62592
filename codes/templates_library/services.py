"""Writes of the template library: loading the built-in templates, a new document from a template, and a
published version saved as a template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from audit.services import event_record
from codes import audit_actions, limits, services
from codes.models import CodeTemplate, CodeVersion, Section
from common.errors import DomainError
from common.permissions import require_permission

from .files import BUILTIN_DIRECTORY, builtin_templates


@dataclass(frozen=True)
class LoadSummary:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def templates_load_builtin(
    *, model: Any = CodeTemplate, using: str = DEFAULT_DB_ALIAS, directory: Path = BUILTIN_DIRECTORY
) -> LoadSummary:
    """Make the built-in rows of the CodeTemplate table what the files say: a template or language new in
    the files is added, a changed one rewritten, one gone from the files removed. Templates saved from a
    version are left alone. Run after every `migrate` (codes.apps), with the historical `model` it gives.

    Idempotent: run again on the same files, it changes nothing.
    """
    stored = {(row.builtin_key, row.language): row for row in model.objects.using(using).exclude(builtin_key="")}
    created = updated = 0
    for template in builtin_templates(directory):
        values = {
            "name": template.name,
            "description": template.description,
            "sections": [section.as_json() for section in template.sections],
        }
        row = stored.pop((template.key, template.language), None)
        if row is None:
            model.objects.using(using).create(builtin_key=template.key, language=template.language, **values)
            created += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            row.save(using=using, update_fields=[*values, "updated_at"])
            updated += 1
    model.objects.using(using).filter(pk__in=[row.pk for row in stored.values()]).delete()
    return LoadSummary(created=created, updated=updated, removed=len(stored))


@transaction.atomic
def document_create_from_template(
    *,
    actor: User,
    template: CodeTemplate,
    title: str,
    slug: str = "",
    summary: str = "",
    review_interval_months: int = 12,
) -> CodeVersion:
    """Create a document and its first draft holding the template's sections, in their order and with their
    categories; the actor is the draft's author. The same audit events as by hand: the document's
    creation, then the draft's start (naming the template). All or nothing: a refusal of any step (a short
    name taken, a template past the limits on sections) leaves no document behind.
    """
    require_permission(actor, "codes.add_codeversion")
    limits.check_section_count(len(template.sections))
    for section in template.sections:
        limits.check_section_body(section["body"], title=section["title"])
    document = services.document_create(
        actor=actor, title=title, slug=slug, summary=summary, review_interval_months=review_interval_months
    )
    # The same numbering and one-draft-at-a-time rule as every draft of the codes app.
    draft = services.draft_create(document=document, actor=actor, title=document.title)
    Section.objects.bulk_create(
        Section(version=draft, position=position, category=s["category"], title=s["title"], body=s["body"])
        for position, s in enumerate(template.sections, start=1)
    )
    # The draft is written in the template's language; translations into the others start from it.
    draft.language = template.language
    draft.change_summary = _("Started from the template “%(name)s”.") % {"name": template.name}
    draft.save(update_fields=["language", "change_summary"])
    event_record(
        actor=actor,
        action=audit_actions.VERSION_CREATE,
        target=draft,
        details={
            "copied_from": None,
            "template": {"id": template.pk, "name": template.name, "language": template.language},
            "sections": template.section_count,
        },
    )
    return draft


@transaction.atomic
def template_save_version(*, version: CodeVersion, actor: User, name: str, description: str) -> CodeTemplate:
    """Save the sections of a version that was published (it may have been superseded or retired since) as a
    new template in the version's language: a draft's text has not been reviewed, so it is refused."""
    require_permission(actor, "codes.add_codetemplate")
    if not version.is_frozen:
        raise DomainError(
            _("Version %(number)s is %(status)s: only a published version can be saved as a template.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )
    template = CodeTemplate.objects.create(
        name=name,
        description=description,
        language=version.language,
        sections=[
            {"category": s.category, "title": s.title, "body": s.body} for s in version.sections.order_by("position")
        ],
        source_version=version,
        created_by=actor,
    )
    event_record(
        actor=actor,
        action=audit_actions.TEMPLATE_CREATE,
        target=template,
        details={"document": version.document.slug, "version": version.number, "sections": template.section_count},
    )
    return template
