"""The actions scim records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

TOKEN_CREATE = register("scim.token.create", _("SCIM token created"))
TOKEN_REVOKE = register("scim.token.revoke", _("SCIM token revoked"))
# One per change a SCIM client makes to a person, naming the token; the people services record
# the change itself (hired, moved, deactivated, …) beside it.
USER_PROVISION = register("scim.user.provision", _("Person provisioned by SCIM"))
# The same for a department a SCIM client creates, renames, fills or deletes as a Group.
GROUP_PROVISION = register("scim.group.provision", _("Department provisioned by SCIM"))
