"""The actions cases records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

CASE_OPEN = register("cases.case.open", _("Breach case recorded"))
CASE_OUTCOME = register("cases.case.outcome", _("Breach case outcome changed"))
CASES_EXPORT = register("cases.case.export", _("Breach cases exported"))
