"""Finding a case for a user: 404 when they may not see it, 403 when they may see it but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from common.permissions import missing_permission_message

from .models import Case
from .selectors import Viewer, cases_visible_to


def get_case_for_user(user: Viewer, pk: int, *, for_change: bool = False) -> Case:
    case = get_object_or_404(cases_visible_to(user), pk=pk)
    if for_change and not user.has_perm("cases.change_case"):
        raise PermissionDenied(missing_permission_message("cases.change_case"))
    return case
