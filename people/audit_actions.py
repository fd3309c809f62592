"""The actions people records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.actions import register

PERSON_DEACTIVATE = register("people.person.deactivate", _("Person deactivated"))
PERSON_REACTIVATE = register("people.person.reactivate", _("Person reactivated"))
PERSON_HIRE = register("people.person.hire", _("Person joined the staff"))
PERSON_MOVE = register("people.person.move", _("Person moved"))
# No longer written (person_move records moves now); registered so that the events stored under
# it keep their label and can still be filtered.
PROFILE_CHANGE = register("people.profile.change", _("Staff record changed"))
REAUTHENTICATION_FAIL = register("people.reauthentication.fail", _("Password check failed"))
ACCOUNT_CREATE = register("people.account.create", _("Account created"))
ACCOUNT_CHANGE = register("people.account.change", _("Account details changed"))
ACCOUNT_RIGHTS_CHANGE = register("people.account.rights_change", _("Account rights changed"))
ACCOUNT_PASSWORD_SET = register("people.account.password_set", pgettext_lazy("audit action", "Password set"))
ACCOUNT_DELETE = register("people.account.delete", _("Account deleted"))
ROLE_CHANGE = register("people.role.change", _("Role changed"))
ROLE_DELETE = register("people.role.delete", _("Role deleted"))
DEPARTMENT_CREATE = register("people.department.create", _("Department created"))
DEPARTMENT_CHANGE = register("people.department.change", _("Department renamed"))
DEPARTMENT_DELETE = register("people.department.delete", _("Department deleted"))
PEOPLE_IMPORT = register("people.staff.import", _("Staff imported from an HR file"))
KIOSK_CREDENTIAL_ISSUE = register("people.kiosk.credential_issue", _("Kiosk PIN or code issued"))
KIOSK_IDENTIFY_FAIL = register("people.kiosk.identify_fail", _("Wrong kiosk PIN or code"))
