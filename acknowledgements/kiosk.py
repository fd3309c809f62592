"""Witnessed signing at a kiosk: a supervisor opens a kiosk on a shared device; each person without a sign-in
identifies with their employee id and PIN or one-time code (people.kiosk), reads, answers the check and signs
with their typed name; the record names the supervisor as witness, the device, and the method.

The kiosk holds one person at a time, cleared when they are done (after the receipt of their signature, or
on cancel), after `KIOSK_PERSON_IDLE_SECONDS` idle (static/js/kiosk-idle.js, and here), and when the kiosk ends (by
the supervisor, or after `KIOSK_IDLE_MINUTES` without a request). Wrong PINs and codes are counted per person
(people.kiosk) and per kiosk (here): `KIOSK_MAX_TRIES` in a row lock the person, `KIOSK_DEVICE_MAX_TRIES` the
kiosk, for `KIOSK_LOCKOUT_MINUTES`.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from codes.models import VersionStatus
from common.errors import DomainError
from people.kiosk import IdentificationRefused, credential_check
from people.models import StaffProfile

from . import audit_actions
from .models import AcknowledgementRequest, KioskEnd, KioskSession, RequestStatus, Signature
from .services import signature_create


class KioskClosed(DomainError):
    """The kiosk has ended, or the person it held has changed: nothing more happens on it for them."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.KIOSK_IDLE_MINUTES)


@transaction.atomic
def kiosk_open(*, actor: User, device: str) -> tuple[KioskSession, str]:
    """Open a kiosk on the actor's device, named `device`, with the actor as its supervisor and witness. Returns
    the kiosk and the token its device keeps (in a signed cookie): only its hash is stored. Refused without
    `acknowledgements.open_kiosk`, or to an account that is not on the staff. Audited."""
    if not actor.has_perm("acknowledgements.open_kiosk"):
        raise PermissionDenied(_("Your roles do not allow opening a kiosk."))
    supervisor = StaffProfile.objects.filter(user=actor).first()
    if supervisor is None:
        raise DomainError(_("Only a member of the staff can witness signatures: your account has no staff record."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    kiosk = KioskSession.objects.create(
        supervisor=supervisor,
        device=device.strip()[:100],
        token_hash=token_hash(token),
        opened_at=now,
        last_seen_at=now,
    )
    event_record(actor=actor, action=audit_actions.KIOSK_OPEN, target=kiosk, details={"device": kiosk.device})
    return kiosk, token


@transaction.atomic
def kiosk_end(*, kiosk: KioskSession, end: str = KioskEnd.ENDED, now: datetime.datetime | None = None) -> None:
    """End a kiosk, and with it whatever person it held. Audited, with its supervisor as the actor (also when it
    timed out: it was theirs)."""
    now = now or timezone.now()
    ended = KioskSession.objects.filter(pk=kiosk.pk, ended_at__isnull=True).update(ended_at=now, end=end, person=None)
    kiosk.ended_at, kiosk.end, kiosk.person = now, end, None
    if ended:
        event_record(
            actor=kiosk.supervisor.user, action=audit_actions.KIOSK_END, target=kiosk, details={"end": str(end)}
        )


def kiosk_for_device(*, kiosk_id: int, token: str, now: datetime.datetime | None = None) -> KioskSession | None:
    """The open kiosk of this browser session (`kiosk_id`) whose device token this is, marked as used now; None
    when there is none. A kiosk idle for longer than `KIOSK_IDLE_MINUTES` is ended here (timed out), and None
    is returned; one idle for longer than `KIOSK_PERSON_IDLE_SECONDS` lets go of the person it held. Two
    queries: the kiosk with its supervisor and person, and the mark."""
    now = now or timezone.now()
    kiosk = (
        KioskSession.objects.select_related("supervisor__user", "person__user")
        .filter(pk=kiosk_id, token_hash=token_hash(token), ended_at__isnull=True)
        .first()
    )
    if kiosk is None:
        return None
    idle = now - kiosk.last_seen_at
    if idle > _idle_limit():
        kiosk_end(kiosk=kiosk, end=KioskEnd.TIMED_OUT, now=now)
        return None
    changes: dict[str, object] = {"last_seen_at": now}
    if kiosk.person_id is not None and idle > datetime.timedelta(seconds=kiosk.person_idle_seconds):
        changes["person"] = kiosk.person = None  # walked away: the kiosk stays open for the next person
    KioskSession.objects.filter(pk=kiosk.pk).update(**changes)
    kiosk.last_seen_at = now
    return kiosk


def _kiosk_locked_message() -> str:
    return _("Too many wrong tries at this kiosk: it accepts no PIN or code for a while. Ask your supervisor.")


# Not one transaction around the refusal: the counted wrong try and its audit events must stay when refused.
def kiosk_identify(
    *, kiosk: KioskSession, employee_id: str, secret: str, now: datetime.datetime | None = None
) -> StaffProfile:
    """Identify the next person at the kiosk by employee id and PIN or code (`people.kiosk.credential_check`,
    which counts wrong tries against the person). A refusal also counts against the kiosk, whoever it was
    for: at `KIOSK_DEVICE_MAX_TRIES` in a row the kiosk takes no PIN or code for `KIOSK_LOCKOUT_MINUTES` (audited), so
    that nobody tries many people's PINs at one device. Success clears the kiosk's count and holds the person
    on it (audited, with the supervisor as actor)."""
    now = now or timezone.now()
    if kiosk.locked_until is not None and kiosk.locked_until > now:
        raise IdentificationRefused(_kiosk_locked_message())
    try:
        person = credential_check(employee_id=employee_id, secret=secret, now=now)
    except IdentificationRefused:
        with transaction.atomic():
            locked = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
            locked.failures += 1
            if locked.failures >= settings.KIOSK_DEVICE_MAX_TRIES:
                locked.failures = 0
                locked.locked_until = now + datetime.timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
                event_record(actor=kiosk.supervisor.user, action=audit_actions.KIOSK_LOCK, target=locked)
            locked.save(update_fields=["failures", "locked_until"])
            kiosk.failures, kiosk.locked_until = locked.failures, locked.locked_until
        raise
    with transaction.atomic():
        KioskSession.objects.filter(pk=kiosk.pk).update(failures=0, person=person, last_seen_at=now)
        kiosk.failures, kiosk.person = 0, person
        event_record(
            actor=kiosk.supervisor.user,
            action=audit_actions.KIOSK_IDENTIFY,
            target=person,
            details={"kiosk": kiosk.pk, "device": kiosk.device},
        )
    return person


def kiosk_person_clear(*, kiosk: KioskSession) -> None:
    """The person is done (or cancelled): the kiosk goes back to asking who is next."""
    KioskSession.objects.filter(pk=kiosk.pk).update(person=None)
    kiosk.person = None


def kiosk_signature(kiosk: KioskSession, pk: int) -> Signature | None:
    """A signature of the person the kiosk holds, witnessed at this kiosk (its receipt is theirs to see); None
    for anything else, and when nobody is held."""
    return (
        Signature.objects.select_related("person__user", "person__department", "version", "witness__user")
        .filter(pk=pk, person_id=kiosk.person_id or 0, witness_id=kiosk.supervisor_id, device=kiosk.device)
        .first()
    )


def kiosk_requests(kiosk: KioskSession) -> list[AcknowledgementRequest]:
    """What waits for the kiosk's person to sign: their pending requests for published versions, by due date."""
    if kiosk.person_id is None:
        return []
    return list(
        AcknowledgementRequest.objects.select_related("version__document")
        .filter(person_id=kiosk.person_id, status=RequestStatus.PENDING, version__status=VersionStatus.PUBLISHED)
        .order_by("due_date", "pk")
    )


@transaction.atomic
def kiosk_sign(
    *,
    kiosk: KioskSession,
    ack_request: AcknowledgementRequest,
    typed_name: str,
    language: str | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Sign the kiosk person's request before the kiosk's supervisor: the record names the supervisor as
    witness and the kiosk's device. Every rule of `signature_create` holds (the typed name, the comprehension
    check, the sections on screen). Refused when the kiosk has ended or holds somebody else. The person stays
    held, to see their receipt, until they are done (`kiosk_person_clear`)."""
    current = KioskSession.objects.select_for_update().filter(pk=kiosk.pk, ended_at__isnull=True).first()
    if current is None or current.person_id is None or current.person_id != ack_request.person_id:
        raise KioskClosed(_("This kiosk no longer holds the person who opened this page: identify again."))
    signature = signature_create(
        ack_request=ack_request,
        actor=ack_request.person.user,
        typed_name=typed_name,
        language=language,
        ip_address=ip_address,
        user_agent=user_agent,
        witness=kiosk.supervisor,
        device=kiosk.device,
    )
    return signature
