from __future__ import annotations

from django.contrib import admin

from common.admin import ViewOnlyAdmin

from .models import KioskSession


@admin.register(KioskSession)
class KioskSessionAdmin(ViewOnlyAdmin):
    """The kiosks supervisors opened, on which device, and how each ended: written by acknowledgements.kiosk,
    which audits every step; never the device token's hash."""

    list_display = ["device", "supervisor", "opened_at", "last_seen_at", "ended_at", "end", "locked_until"]
    list_select_related = ["supervisor__user"]
    list_filter = ["end"]
    exclude = ["token_hash"]
