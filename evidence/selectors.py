from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import EvidencePack


def pack_list() -> QuerySet[EvidencePack]:
    """Every pack, the latest first, with who asked for it (the scope is shown on the pack's own page)."""
    return EvidencePack.objects.select_related("requested_by").order_by("-requested_at", "-pk")


def pack_detail(pk: int) -> EvidencePack:
    """One pack with what its page shows; 404 when there is none."""
    packs = EvidencePack.objects.select_related("requested_by", "checkpoint").prefetch_related(
        "documents", "departments"
    )
    return get_object_or_404(packs, pk=pk)
