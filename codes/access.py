"""Finding a document or version for a person: 404 when they may not see it, 403 when they may not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from common.permissions import missing_permission_message

from .models import CodeDocument, CodeVersion, Section
from .selectors import Viewer, documents_visible_to, versions_visible_to


def get_document_for_user(user: Viewer, slug: str, *, for_edit: bool = False) -> CodeDocument:
    document = get_object_or_404(documents_visible_to(user), slug=slug)
    if for_edit and not user.has_perm("codes.change_codedocument"):
        raise PermissionDenied(missing_permission_message("codes.change_codedocument"))
    return document


def get_version_for_user(user: Viewer, slug: str, number: int, *, for_edit: bool = False) -> CodeVersion:
    version = get_object_or_404(versions_visible_to(user), document__slug=slug, number=number)
    if for_edit and not user.has_perm("codes.change_codeversion"):
        raise PermissionDenied(missing_permission_message("codes.change_codeversion"))
    return version


def get_section_of(version: CodeVersion, section_id: int) -> Section:
    section = version.sections.filter(pk=section_id).select_related("version").first()
    if section is None:
        raise Http404(_("This section is not part of this version."))
    return section
