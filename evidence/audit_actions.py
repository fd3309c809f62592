"""The actions evidence records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

PACK_REQUEST = register("evidence.pack.request", _("Evidence pack requested"))
PACK_BUILD = register("evidence.pack.build", _("Evidence pack built"))
PACK_DOWNLOAD = register("evidence.pack.download", _("Evidence pack downloaded"))
