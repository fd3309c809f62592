from __future__ import annotations

from django.contrib import admin

from common.admin import ViewOnlyAdmin

from .models import EvidencePack


@admin.register(EvidencePack)
class EvidencePackAdmin(ViewOnlyAdmin):
    """Read-only: packs are asked for in the portal, and a ready one is recorded proof."""

    manage_permission = "evidence.build_evidence_pack"
    list_display = ["pk", "period_start", "period_end", "requested_by", "requested_at", "status", "signatures"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
