"""The actions questions records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

QUESTION_ASK = register("questions.question.ask", _("Question asked about a section"))
QUESTION_ANSWER = register("questions.question.answer", _("Question answered"))
