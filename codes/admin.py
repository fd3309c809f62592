from __future__ import annotations

from django.contrib import admin

from .models import CodeDocument


@admin.register(CodeDocument)
class CodeDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "review_interval_months", "next_review_due"]
    list_select_related = ["owner"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner"]
