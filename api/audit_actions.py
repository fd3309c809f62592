"""The actions api records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

TOKEN_CREATE = register("api.token.create", _("API token created"))
TOKEN_REVOKE = register("api.token.revoke", _("API token revoked"))
