"""Finding a request, a signature or a version's figures for a user: 404 when they may not see it, 403 when
they may not open the page at all."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from codes.models import CodeVersion, CodeVersionQuerySet
from codes.selectors import versions_visible_to

from .models import AcknowledgementRequest, Signature
from .selectors import (
    Viewer,
    can_see_dashboard,
    may_run_campaigns,
    requests_readable_by,
    requests_visible_to,
    sees_all_acknowledgements,
    signatures_visible_to,
)


def get_own_request_for_user(user: Viewer, pk: int) -> AcknowledgementRequest:
    """A request of the user's own, to read and sign, with its version, document and person; anyone else's is
    not found. The person's user is `user`, already in hand: it is not read again."""
    own = AcknowledgementRequest.objects.filter(person__user__pk=user.pk or 0)
    ack = get_object_or_404(own.select_related("version__document", "person"), pk=pk)
    assert isinstance(user, User)  # found, so signed in
    ack.person.user = user
    return ack


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


def require_campaign_runner(user: Viewer) -> None:
    """Refuse, with a 403, those who may not act on a campaign (see `may_run_campaigns`)."""
    if not may_run_campaigns(user):
        raise PermissionDenied(_("Reminding and extending a campaign are for compliance officers, who see everyone."))


def get_published_version_for_user(user: Viewer, version_id: int) -> CodeVersion:
    """A published version whose campaign (its figures, over those the user oversees) the user may see:
    any for compliance; for a manager, one asked of their team or one that applies to them, and not found
    otherwise, as its text is (403 for who may not open the dashboard)."""
    require_dashboard_access(user)
    versions = CodeVersion.objects.select_related("document").filter(published_at__isnull=False)
    return get_object_or_404(_concerning(user, versions), pk=version_id)


def _concerning(user: Viewer, versions: CodeVersionQuerySet) -> CodeVersionQuerySet:
    """The versions among `versions` that concern the user: all of them for who sees everyone."""
    if sees_all_acknowledgements(user):
        return versions
    asked_of_their_team = Exists(requests_visible_to(user).filter(version=OuterRef("pk")))
    return versions.filter(asked_of_their_team | Q(pk__in=versions_visible_to(user).values("pk")))
