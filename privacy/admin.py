from __future__ import annotations

from django.contrib import admin

from common.admin import ViewOnlyAdmin

from .models import LegalHold, Pseudonymisation


@admin.register(LegalHold)
class LegalHoldAdmin(ViewOnlyAdmin):
    """Records of proof: placed and released on the legal holds page, where each is audited."""

    manage_permission = "privacy.manage_legal_holds"
    list_display = ["person", "placed_at", "placed_by", "released_at", "released_by"]
    list_select_related = ["person__user", "placed_by", "released_by"]


@admin.register(Pseudonymisation)
class PseudonymisationAdmin(ViewOnlyAdmin):
    """Done by the daily sweep (or `manage.py pseudonymise_leavers`), never by hand."""

    list_display = ["pseudonym", "performed_at"]
