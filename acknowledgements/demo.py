"""Demo acknowledgements for `manage.py seed_demo`: most of the staff signed the demo code, through
the real signing service (so the chain is valid); some are pending, some overdue, one is waived. Two
smaller documents and a leaver show the other states: replaced before signing, withdrawn, left."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from codes import services as code_services
from codes.demo import (
    GIFTS,
    GIFTS_RETIRED_BECAUSE,
    GIFTS_SLUG,
    SOCIAL_MEDIA,
    SOCIAL_MEDIA_REVISION,
    SOCIAL_MEDIA_SLUG,
    publish_revision,
    publish_small_document,
)
from codes.models import CodeDocument, CodeVersion
from people.demo import DEMO_ACCOUNTS
from people.models import StaffProfile
from people.services import person_deactivate

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
            services.request_waive(
                ack_request=request, actor=compliance, reason="On parental leave until next quarter."
            )
            waived = True
        elif index % 11 != 10:
            services.signature_create(
                ack_request=request, actor=request.person.user, typed_name=request.person.full_name
            )
            signed += 1
    # Some are a few days late; others late enough for their managers to hear of it.
    for index, pk in enumerate(overdue_ids):
        days_late = 9 if index % 2 else 3
        AcknowledgementRequest.objects.filter(pk=pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=days_late)
        )
    return signed


def _sign_all_but(version: CodeVersion, *, every: int) -> int:
    """Sign the version for its pending people, all but one in `every` (and the demo agent, who signs it themself)."""
    requests = (
        AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.PENDING)
        .select_related("person__user")
        .order_by("person__employee_id")
    )
    signed = 0
    for index, request in enumerate(requests):
        if request.person.user.username in KEEP_PENDING or index % every == every - 1:
            continue
        services.signature_create(ack_request=request, actor=request.person.user, typed_name=request.person.full_name)
        signed += 1
    return signed


@transaction.atomic
def seed_ended_requests(*, main_document_slug: str, manager_username: str, reviewer_username: str) -> int:
    """Requests that ended in the other states, each through its own service: a version replaced before
    everyone signed it, a retired document, and a leaver. Returns how many signatures were made (0 when
    the demo has them already)."""
    if CodeDocument.objects.filter(slug=SOCIAL_MEDIA_SLUG).exists():
        return 0
    users = get_user_model().objects
    manager, reviewer = users.get(username=manager_username), users.get(username=reviewer_username)
    authors = {"manager": manager, "reviewer": reviewer}

    # Replaced before signing: one in three had not signed version 1 when version 2 asked everyone again.
    first = publish_small_document(
        slug=SOCIAL_MEDIA_SLUG, title="Social Media Guidelines", sections=SOCIAL_MEDIA, **authors
    )
    services.requests_create_for_version(version=first)
    signed = _sign_all_but(first, every=3)
    second = publish_revision(
        document=first.document,
        changes=SOCIAL_MEDIA_REVISION,
        summary="Case numbers and internal tools join what is never shared.",
        **authors,
    )
    services.requests_create_for_version(version=second)
    signed += _sign_all_but(second, every=2)

    # Withdrawn: a document retired while half its audience had still to sign it.
    gifts = publish_small_document(
        slug=GIFTS_SLUG, title="Gifts and Hospitality Policy (2019)", sections=GIFTS, **authors
    )
    services.requests_create_for_version(version=gifts)
    signed += _sign_all_but(gifts, every=2)
    code_services.document_retire(document=gifts.document, actor=manager, reason=GIFTS_RETIRED_BECAUSE)
    services.requests_withdraw_for_document(document_id=gifts.document_id, actor=manager, reason=GIFTS_RETIRED_BECAUSE)

    # Left: someone who had not signed the main code yet (nor been excused) leaves the organisation.
    accounts = {account.username for account in DEMO_ACCOUNTS}
    leaver = (
        StaffProfile.objects.filter(
            acknowledgement_requests__version__document__slug=main_document_slug,
            acknowledgement_requests__status=RequestStatus.PENDING,
            acknowledgement_requests__due_date__gte=timezone.localdate(),
            user__is_active=True,
        )
        .exclude(user__username__in=accounts)
        .order_by("employee_id")
        .first()
    )
    if leaver is not None:
        person_deactivate(user=leaver.user, actor=None)
        services.requests_sync_for_people(person_ids=[leaver.pk])
    return signed
