"""The actions codes records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

DOCUMENT_CREATE = register("codes.document.create", _("Document created"))
DOCUMENT_UPDATE = register("codes.document.update", _("Document details changed"))
DOCUMENT_RETIRE = register("codes.document.retire", _("Document retired"))
VERSION_CREATE = register("codes.version.create", _("Draft started"))
VERSION_IMPORT = register("codes.version.import", _("Draft imported from a file"))
VERSION_UPDATE = register("codes.version.update", _("Draft title or summary changed"))
VERSION_DISCARD = register("codes.version.discard", _("Draft discarded"))
VERSION_SUBMIT = register("codes.version.submit", _("Version sent for review"))
VERSION_APPROVE = register("codes.version.approve", _("Version approved"))
VERSION_REQUEST_CHANGES = register("codes.version.request_changes", _("Changes requested"))
VERSION_WITHDRAW = register("codes.version.withdraw", _("Version taken back from review"))
VERSION_PUBLISH = register("codes.version.publish", _("Version published"))
SECTION_ADD = register("codes.section.add", _("Section added"))
SECTION_UPDATE = register("codes.section.update", _("Section changed"))
SECTION_MOVE = register("codes.section.move", _("Section moved"))
SECTION_DELETE = register("codes.section.delete", _("Section deleted"))
QUESTION_ADD = register("codes.question.add", _("Comprehension question added"))
QUESTION_UPDATE = register("codes.question.update", _("Comprehension question changed"))
QUESTION_DELETE = register("codes.question.delete", _("Comprehension question deleted"))
CHECK_UPDATE = register("codes.version.check_update", _("Pass mark of the comprehension check changed"))
TRANSLATION_START = register("codes.translation.start", _("Translation started"))
TRANSLATION_SECTION_UPDATE = register("codes.translation.section_update", _("Translated section changed"))
TRANSLATION_SUBMIT = register("codes.translation.submit", _("Translation sent for review"))
TRANSLATION_APPROVE = register("codes.translation.approve", _("Translation approved"))
TRANSLATION_REQUEST_CHANGES = register("codes.translation.request_changes", _("Changes requested to a translation"))
TRANSLATION_PUBLISH = register("codes.translation.publish", _("Translation published"))
TRANSLATION_DISCARD = register("codes.translation.discard", _("Translation discarded"))
TRANSLATION_IMPORT = register("codes.translation.import", _("Translation imported from a file"))
TEMPLATE_CREATE = register("codes.template.create", _("Version saved as a template"))
