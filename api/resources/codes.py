"""Code documents, their versions (with sections and content hash) and the diff of two versions.

Read only. A caller sees what the portal's code pages show them, behind the permission those pages
require (`codes.view_codedocument`): the documents of `codes.selectors.documents_visible_to` and the
versions of `versions_visible_to` (drafts only for those who review and audit them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from codes.diff import ChangeKind, diff_versions
from codes.models import Approval, CodeDocument, CodeVersion, Section, VersionStatus
from codes.selectors import documents_visible_to, sections_of, versions_visible_to

from ..base import ID_PATTERN, ReadOnlyViewSet
from ..filters import FilterSet, IdFilter
from ..permissions import requires

VIEW_CODES = "codes.view_codedocument"

# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer[User]):
    """Someone named on a document or a version: an account (which may have no staff profile)."""

    username = serializers.CharField(read_only=True, help_text=gettext_lazy("The person's sign-in name."))
    name = serializers.SerializerMethodField(help_text=gettext_lazy("Their full name, or the username without one."))

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


class CodeDocumentSerializer(serializers.ModelSerializer[CodeDocument]):
    owner = UserRefSerializer(read_only=True)
    retired = serializers.SerializerMethodField(help_text=gettext_lazy("Whether the document was retired."))
    published_version = serializers.IntegerField(
        source="published_version_id",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("The id of the version in force (published), or null when none is."),
    )

    class Meta:
        model = CodeDocument
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "owner",
            "review_interval_months",
            "next_review_due",
            "retired",
            "retired_at",
            "published_version",
        ]
        read_only_fields = fields

    def get_retired(self, document: CodeDocument) -> bool:
        return document.retired_at is not None


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List code documents"),
        description=gettext_lazy(
            "The code documents you may read, as the Codes page lists them: all of them for those who review "
            "and audit codes, otherwise the documents with a version in force that applies to you."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("A code document")),
)
class CodeDocumentViewSet(ReadOnlyViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = CodeDocumentSerializer
    permission_classes = requires(VIEW_CODES)

    def get_queryset(self) -> QuerySet[CodeDocument]:
        # Queries: the page of documents, with the published version's id from a subquery.
        published = CodeVersion.objects.published().filter(document=OuterRef("pk")).values("pk")[:1]
        return documents_visible_to(self.request.user).annotate(published_version_id=Subquery(published))


# ---------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------


class SectionSerializer(serializers.ModelSerializer[Section]):
    key = serializers.UUIDField(
        read_only=True,
        help_text=gettext_lazy("The section's identity, kept from version to version (the diff matches on it)."),
    )
    body = serializers.CharField(read_only=True, help_text=gettext_lazy("The section's text, in Markdown."))

    class Meta:
        model = Section
        fields = ["id", "key", "position", "category", "title", "body"]
        read_only_fields = fields


class ApprovalSerializer(serializers.ModelSerializer[Approval]):
    approver = UserRefSerializer(read_only=True)

    class Meta:
        model = Approval
        fields = ["approver", "approved_at"]
        read_only_fields = fields


class CodeVersionSerializer(serializers.ModelSerializer[CodeVersion]):
    author = UserRefSerializer(read_only=True, help_text=gettext_lazy("Who started the version."))
    approver = UserRefSerializer(
        read_only=True, allow_null=True, help_text=gettext_lazy("Whose approval made the version approved.")
    )
    approvals = ApprovalSerializer(
        many=True,
        read_only=True,
        help_text=gettext_lazy("Every approval of the version's latest review round, first first."),
    )
    publisher = UserRefSerializer(read_only=True, allow_null=True, help_text=gettext_lazy("Who published it."))
    acknowledge_by = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The audience's deadline: the date of publication (organisation's time zone) plus the days to "
            "acknowledge; null before publication."
        ),
    )
    audience_departments = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=gettext_lazy(
            "The ids of the departments the version applies to (their sub-departments too); "
            "empty when it applies to all staff."
        ),
    )
    content_hash = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "SHA-256 (hex) of the version's text, set at publication (empty before): the compact JSON, "
            'in UTF-8 without escaping, of {"title": title, "sections": [[category, title, body], ...]} '
            "with the sections in position order and line endings as \\n."
        ),
    )

    class Meta:
        model = CodeVersion
        fields = [
            "id",
            "document",
            "number",
            "title",
            "status",
            "is_major",
            "change_summary",
            "author",
            "approver",
            "approvals",
            "publisher",
            "created_at",
            "submitted_at",
            "approved_at",
            "published_at",
            "effective_date",
            "days_to_acknowledge",
            "acknowledge_by",
            "applies_to_all_staff",
            "audience_departments",
            "content_hash",
        ]
        read_only_fields = fields


class CodeVersionDetailSerializer(CodeVersionSerializer):
    sections = SectionSerializer(many=True, read_only=True, help_text=gettext_lazy("In position order."))

    class Meta(CodeVersionSerializer.Meta):
        fields = [*CodeVersionSerializer.Meta.fields, "sections"]
        read_only_fields = fields


class VersionFilter(FilterSet):
    document = IdFilter(field_name="document_id", help_text=gettext_lazy("A document's id."))
    status = filters.ChoiceFilter(choices=VersionStatus.choices, help_text=gettext_lazy("The versions in this state."))

    class Meta:
        model = CodeVersion
        fields: list[str] = []


# --- the diff ----------------------------------------------------------------

WORD_CHANGES_HELP = gettext_lazy(
    "The text piece by piece: joining every piece's `unchanged` and `deleted` gives the older text, "
    "every piece's `unchanged` and `inserted` the newer one."
)
HTML_HELP = gettext_lazy(
    "The same changes as HTML-escaped text, deletions in <del> and insertions in <ins> (newlines kept), "
    "as the portal shows them."
)


class SectionRefSerializer(serializers.Serializer[Section]):
    """A section as the diff names it (its text is in the changes)."""

    id = serializers.IntegerField(read_only=True)
    key = serializers.UUIDField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    category = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class WordChangeSerializer(serializers.Serializer[Any]):
    unchanged = serializers.CharField(help_text=gettext_lazy("Text both sides share; empty in a change."))
    deleted = serializers.CharField(help_text=gettext_lazy("Text of the older side that gave way."))
    inserted = serializers.CharField(help_text=gettext_lazy("Text of the newer side that took its place."))


class SectionChangeSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[kind.value for kind in ChangeKind],
        help_text=gettext_lazy("What happened to the section from the older version to the newer one."),
    )
    moved = serializers.BooleanField(
        help_text=gettext_lazy("In both versions, but its place among the others changed.")
    )
    title_changed = serializers.BooleanField()
    category_changed = serializers.BooleanField()
    old = SectionRefSerializer(allow_null=True, help_text=gettext_lazy("The section in the older version, if any."))
    new = SectionRefSerializer(allow_null=True, help_text=gettext_lazy("The section in the newer version, if any."))
    title_changes = WordChangeSerializer(many=True, help_text=WORD_CHANGES_HELP)
    body_changes = WordChangeSerializer(many=True, help_text=WORD_CHANGES_HELP)
    title_html = serializers.CharField(help_text=HTML_HELP)
    body_html = serializers.CharField(help_text=HTML_HELP)


class VersionDiffSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text=gettext_lazy("The newer side: the version in the address."))
    against = serializers.IntegerField(help_text=gettext_lazy("The older side: the version it is compared with."))
    added = serializers.IntegerField(help_text=gettext_lazy("How many sections are new."))
    removed = serializers.IntegerField(help_text=gettext_lazy("How many sections were removed."))
    changed = serializers.IntegerField(help_text=gettext_lazy("How many sections changed title, category or text."))
    moved = serializers.IntegerField(help_text=gettext_lazy("How many sections changed place."))
    has_changes = serializers.BooleanField()
    sections = SectionChangeSerializer(
        source="changes",
        many=True,
        help_text=gettext_lazy(
            "Every section of both versions, in the newer version's order; a removed section follows the "
            "section it followed in the older one."
        ),
    )


AGAINST = OpenApiParameter(
    "against",
    OpenApiTypes.INT,
    required=True,
    description=gettext_lazy(
        "The id of the version to compare with (the older side): another version of the same document that you "
        "may read."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List code versions"),
        description=gettext_lazy(
            "The versions you may read, without their sections: every version (drafts too) for those who review "
            "and audit codes, otherwise the published versions that apply to you."
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A code version with its sections"),
        responses=CodeVersionDetailSerializer,
    ),
)
class CodeVersionViewSet(ReadOnlyViewSet):
    lookup_value_regex = ID_PATTERN
    permission_classes = requires(VIEW_CODES)
    filterset_class = VersionFilter

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return CodeVersionDetailSerializer if self.action == "retrieve" else CodeVersionSerializer

    def get_queryset(self) -> QuerySet[CodeVersion]:
        # Queries: the versions (document and people joined), their approvals with the approvers, their
        # audience departments; for one version, its sections too.
        versions = versions_visible_to(self.request.user).prefetch_related(
            Prefetch("approvals", queryset=Approval.objects.select_related("approver")),
            "audience_departments",
        )
        if self.action == "retrieve":
            versions = versions.prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position")))
        return versions

    def get_query_parameters(self) -> Sequence[OpenApiParameter]:
        if getattr(self, "action", None) == "diff":
            return (AGAINST,)
        return super().get_query_parameters()

    @extend_schema(
        summary=gettext_lazy("Compare two versions"),
        description=gettext_lazy(
            "What changed from the version `against` to this one, section by section and word by word, as on "
            "the Compare page. Both must be versions of the same document that you may read."
        ),
        responses=VersionDiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        # Queries: the two versions, then the sections of each.
        new = self.get_object()
        old = get_object_or_404(versions_visible_to(request.user), pk=_against(request))
        if old.document_id != new.document_id:
            raise ValidationError({"against": [_("Compare versions of the same document: this one is of another.")]})
        diff = diff_versions(list(sections_of(old)), list(sections_of(new)))
        body = {
            "version": new.pk,
            "against": old.pk,
            "added": diff.added,
            "removed": diff.removed,
            "changed": diff.changed,
            "moved": diff.moved,
            "has_changes": diff.has_changes,
            "changes": diff.changes,
        }
        return Response(VersionDiffSerializer(body).data)


def _against(request: Request) -> int:
    raw = request.query_params.get("against", "")
    if not raw:
        raise ValidationError({"against": [_("Give the id of the version to compare with.")]})
    if not raw.isascii() or not raw.isdigit() or int(raw) > 2**63 - 1:
        raise ValidationError({"against": [_("Give a version's id: a whole number.")]})
    return int(raw)
