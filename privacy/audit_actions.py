"""The actions privacy records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

HOLD_PLACE = register("privacy.hold.place", _("Legal hold placed"))
HOLD_RELEASE = register("privacy.hold.release", _("Legal hold released"))
PERSON_PSEUDONYMISE = register("privacy.person.pseudonymise", _("Leaver's personal data pseudonymised"))
DATA_EXPORT = register("privacy.data.export", _("Personal data downloaded by the person"))
