"""Demo acknowledgements for `manage.py seed_demo`: most of the staff signed the demo code, through
the real signing service (so the chain is valid); some are pending, some overdue, one is waived."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from codes.models import CodeVersion

from . import services
from .models import AcknowledgementRequest, RequestStatus, Signature

# Left pending so that whoever tries the demo can sign as the agent.
KEEP_PENDING = {"agent"}


@transaction.atomic
def seed_acknowledgements(*, document_slug: str, compliance_username: str) -> int:
    """Returns how many signatures were made (0 when the demo was seeded already)."""
    version = CodeVersion.objects.published().filter(document__slug=document_slug).first()
    if version is None or Signature.objects.filter(version=version).exists():
        return 0
    services.requests_create_for_version(version=version)
    requests = list(
        AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.PENDING)
        .select_related("person__user")
        .order_by("person__employee_id")
    )
    signed = 0
    overdue_ids = []
    waived = False
    for index, request in enumerate(requests):
        if request.person.user.username in KEEP_PENDING:
            continue
        if index % 5 == 4:
            overdue_ids.append(request.pk)  # one in five has let the deadline pass
        elif index % 7 == 6 and not waived:
            compliance = get_user_model().objects.get(username=compliance_username)
            services.request_waive(request=request, actor=compliance, reason="On parental leave until next quarter.")
            waived = True
        elif index % 11 != 10:
            services.signature_create(request=request, actor=request.person.user, typed_name=request.person.full_name)
            signed += 1
    # Some are a few days late; others late enough for their managers to hear of it.
    for index, pk in enumerate(overdue_ids):
        days_late = 9 if index % 2 else 3
        AcknowledgementRequest.objects.filter(pk=pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=days_late)
        )
    return signed
