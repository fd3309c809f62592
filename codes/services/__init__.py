"""State changes for code documents and their versions.

Every service checks the actor's permission and the version's current state
before it changes anything, raises a DomainError a person can read when the
change is not allowed, and writes its audit event in the same transaction.

The services live in one module per subject; callers import them from here.
"""

from __future__ import annotations

from .base import Actor
from .documents import RESERVED_SLUGS, document_create, document_retire, document_update, next_review_date
from .drafts import (
    draft_create,
    section_add,
    section_delete,
    section_move,
    section_update,
    version_discard,
    version_import_draft,
    version_start_draft,
    version_update,
)
from .questions import OptionInput, question_add, question_delete, question_update, version_check_update
from .review import (
    approval_refusal,
    required_approvals,
    version_approve,
    version_publish,
    version_request_changes,
    version_submit,
    version_withdraw,
)
from .translations import (
    TRANSLATABLE_STATUSES,
    translation_approval_refusal,
    translation_approve,
    translation_discard,
    translation_import,
    translation_request_changes,
    translation_section_update,
    translation_start,
    translation_submit,
    translation_title_update,
)

__all__ = [
    "RESERVED_SLUGS",
    "TRANSLATABLE_STATUSES",
    "Actor",
    "OptionInput",
    "approval_refusal",
    "document_create",
    "document_retire",
    "document_update",
    "draft_create",
    "next_review_date",
    "question_add",
    "question_delete",
    "question_update",
    "required_approvals",
    "section_add",
    "section_delete",
    "section_move",
    "section_update",
    "translation_approval_refusal",
    "translation_approve",
    "translation_discard",
    "translation_import",
    "translation_request_changes",
    "translation_section_update",
    "translation_start",
    "translation_submit",
    "translation_title_update",
    "version_approve",
    "version_check_update",
    "version_discard",
    "version_import_draft",
    "version_publish",
    "version_request_changes",
    "version_start_draft",
    "version_submit",
    "version_update",
    "version_withdraw",
]
