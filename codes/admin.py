from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from common.admin import ViewOnlyAdmin

from .models import (
    CodeDocument,
    CodeTemplate,
    CodeVersion,
    Section,
    SectionCategory,
    SectionTranslation,
    VersionTranslation,
)


@admin.register(CodeDocument)
class CodeDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "review_interval_months", "next_review_due", "retired_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "slug", "summary"]
    autocomplete_fields = ["owner"]
    # Retiring (and its reason) is a portal action with its consequences and an audit event.
    readonly_fields = ["retired_at", "retired_reason", "next_review_due"]

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if obj else {"slug": ["title"]}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields


class ReadOnlyInline(admin.StackedInline):
    """Rows of a read-only admin page, shown and never written."""

    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectionInline(ReadOnlyInline):
    """Sections are shown, never written here: a draft is edited in the portal, where each change is
    audited and counted as a contribution for the four-eyes rule."""

    model = Section
    fields = ["position", "category", "title", "body"]
    ordering = ["position"]


@admin.register(CodeVersion)
class CodeVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are written and move through their workflow in the portal, where the rules
    are enforced and every change is audited and counted for the four-eyes rule."""

    list_display = ["document", "number", "status", "author", "approver", "published_at", "is_major"]
    list_filter = ["status", "is_major"]
    list_select_related = ["document", "author", "approver"]
    search_fields = ["document__title", "title"]
    inlines = [SectionInline]
    readonly_fields = [
        "document",
        "number",
        "status",
        "author",
        "approver",
        "publisher",
        "submitted_at",
        "approved_at",
        "published_at",
        "effective_date",
        "applies_to_all_staff",
        "audience_departments",
        "days_to_acknowledge",
        "is_major",
        "content_hash",
        "review_comment",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


@admin.register(CodeTemplate)
class CodeTemplateAdmin(admin.ModelAdmin):
    """Templates are made in the portal (a published version saved as one, audited) or from the files of the
    built-in ones, which are loaded again after every migrate: here a saved template's name, description and
    language can be corrected, or the template deleted; the built-in ones are only shown."""

    list_display = ["name", "language", "builtin_key", "source_version", "created_by", "created_at"]
    list_filter = ["language"]
    list_select_related = ["source_version__document", "created_by"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "language", "section_list", "builtin_key", "source_version", "created_by"]
    readonly_fields = ["section_list", "builtin_key", "source_version", "created_by"]

    @admin.display(description=_("sections"))
    def section_list(self, template: CodeTemplate) -> SafeString:
        rows = ((section["title"], SectionCategory(section["category"]).label) for section in template.sections)
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{} <small>({})</small></li>", rows))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_builtin)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_builtin)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The list's bulk delete too leaves the built-in templates, which their files would bring back anyway.
        queryset.filter(builtin_key="").delete()


class SectionTranslationInline(ReadOnlyInline):
    model = SectionTranslation
    fields = ["section", "title", "body", "translated"]
    ordering = ["section__position"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("section")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the translation: whoever sees the translation sees its sections.
        return request.user.has_perm("codes.view_versiontranslation")


@admin.register(VersionTranslation)
class VersionTranslationAdmin(ViewOnlyAdmin):
    """Read-only: translations are written, reviewed and published in the portal (codes.services), where the
    four-eyes rule holds and every change is audited; published, they are frozen."""

    list_display = ["version", "language", "status", "started_by", "approver", "published_at"]
    list_filter = ["status", "language"]
    list_select_related = ["version", "started_by", "approver"]
    search_fields = ["version__document__title", "title"]
    inlines = [SectionTranslationInline]
    readonly_fields = [
        "version",
        "language",
        "title",
        "status",
        "started_by",
        "approver",
        "review_comment",
        "created_at",
        "submitted_at",
        "approved_at",
        "published_at",
        "content_hash",
    ]
