"""The actions sso records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

ACCOUNT_LINK = register("sso.account.link", _("Account linked to a sign-in provider"))
SIGN_IN_REFUSE = register("sso.sign_in.refuse", _("Single sign-on refused"))
