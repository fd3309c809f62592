"""The actions acknowledgements records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

REQUESTS_ASK = register("acknowledgements.requests.ask", _("Requests opened: person joined or moved"))
REQUESTS_REPLACE = register("acknowledgements.requests.replace", _("Requests replaced by a new version"))
REQUESTS_WITHDRAW = register("acknowledgements.requests.withdraw", _("Requests withdrawn: document retired"))
REQUESTS_LEAVE = register("acknowledgements.requests.leave", _("Requests closed: person left or moved"))
REQUESTS_RETURN = register("acknowledgements.requests.return", _("Requests reopened: person returned"))
REQUESTS_EXTEND = register("acknowledgements.requests.extend", _("Deadline extended for pending requests"))
REQUEST_WAIVE = register("acknowledgements.request.waive", _("Request waived"))
SIGNATURE_CREATE = register("acknowledgements.signature.create", _("Code signed"))
EXPORT = register("acknowledgements.export", _("Acknowledgements exported"))
VERIFY = register("acknowledgements.verify", _("Signature records verified"))
KIOSK_OPEN = register("acknowledgements.kiosk.open", _("Kiosk opened"))
KIOSK_END = register("acknowledgements.kiosk.end", _("Kiosk ended"))
KIOSK_IDENTIFY = register("acknowledgements.kiosk.identify", _("Person identified at a kiosk"))
KIOSK_LOCK = register("acknowledgements.kiosk.lock", _("Kiosk locked after wrong PINs"))
