"""Finding a request, a signature or a version's figures for a user: 404 when they may not see it, 403 when
they may not open the page at all."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from codes.models import CodeVersion

from .models import AcknowledgementRequest, Signature
from .selectors import (
    Viewer,
    can_see_dashboard,
    requests_readable_by,
    requests_visible_to,
    signatures_visible_to,
)


def get_own_request_for_user(user: Viewer, pk: int) -> AcknowledgementRequest:
    """A request of the user's own, to read and sign; anyone else's is not found."""
    return get_object_or_404(
        AcknowledgementRequest.objects.select_related("version__document", "person__user"),
        pk=pk,
        person__user__pk=user.pk or 0,
    )


def get_request_for_user(user: Viewer, pk: int) -> AcknowledgementRequest:
    """A request the user oversees (`requests_visible_to`): anyone's for compliance, their team's for a manager."""
    return get_object_or_404(requests_visible_to(user), pk=pk)


def get_readable_request_for_user(user: Viewer, pk: int) -> AcknowledgementRequest:
    """A request of the user's own or one they oversee (`requests_readable_by`)."""
    return get_object_or_404(requests_readable_by(user), pk=pk)


def get_signature_for_user(user: Viewer, pk: int) -> Signature:
    """A signature the user may read (`signatures_visible_to`)."""
    return get_object_or_404(signatures_visible_to(user), pk=pk)


def require_dashboard_access(user: Viewer) -> None:
    """Refuse, with a 403, those who may not open the dashboard (see `can_see_dashboard`)."""
    if not can_see_dashboard(user):
        raise PermissionDenied(_("The acknowledgement dashboard is for compliance officers and managers."))


def get_published_version_for_user(user: Viewer, version_id: int) -> CodeVersion:
    """A published version whose figures the user may see on the dashboard (403 for anyone else)."""
    require_dashboard_access(user)
    return get_object_or_404(CodeVersion.objects.select_related("document"), pk=version_id, published_at__isnull=False)
