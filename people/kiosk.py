"""Staff without a sign-in, and the PINs and one-time codes they identify with at a kiosk.

Such a person has an account like everyone else (so every request, figure and reminder counts them) but no
usable password, and `StaffProfile.signs_in` is False: no password can be set for them, and no identity
provider signs them in. A supervisor issues them a PIN or a one-time code, shown once; only its hash is kept.
Wrong tries are counted per person in the database, and lock them out for a while (`credential_check`).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError

from . import audit_actions
from .models import Department, KioskCredential, StaffProfile
from .selectors import managed_by
from .signals import announce_audience_change

# A PIN is six digits; a code eight characters of an alphabet without look-alikes (no 0/O, 1/I/L).
PIN_DIGITS = 6
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class KioskPersonRefused(DomainError):
    """A person without a sign-in who cannot be added as asked."""


class IdentificationRefused(DomainError):
    """An employee id and PIN or code that do not match, or a person locked out after too many wrong tries."""


def kiosk_people_for(actor: User) -> QuerySet[StaffProfile]:
    """The people without a sign-in an actor may issue PINs and codes to: everyone's for whoever sees the
    organisation, their own team's for a manager; nobody without `people.manage_kiosk_people`."""
    if not actor.has_perm("people.manage_kiosk_people"):
        return StaffProfile.objects.none()
    people = StaffProfile.objects.filter(signs_in=False).select_related("user", "department")
    if actor.has_perm("people.view_organisation"):
        return people
    return people.filter(pk__in=managed_by(actor).values("pk"))


def kiosk_departments_for(actor: User) -> QuerySet[Department]:
    """The departments an actor may add people without a sign-in to: every one for whoever sees the
    organisation; for a manager, their own and those of their team."""
    departments = Department.objects.order_by("name")
    if actor.has_perm("people.view_organisation"):
        return departments
    return departments.filter(Q(pk__in=managed_by(actor).values("department_id")) | Q(staff__user=actor)).distinct()


def _require_manager_of_kiosk_people(actor: User) -> None:
    if not actor.has_perm("people.manage_kiosk_people"):
        raise PermissionDenied(_("Your roles do not allow adding staff without a sign-in or issuing their PINs."))


@transaction.atomic
def person_create_without_sign_in(
    *,
    employee_id: str,
    first_name: str,
    last_name: str,
    department: Department,
    actor: User,
    manager: StaffProfile | None = None,
) -> StaffProfile:
    """Add a person who signs only at a kiosk: an account with no usable password and no email, and a staff
    record that says so. A manager adds people to their own team (they are the manager), in the departments
    of `kiosk_departments_for`; whoever sees the organisation may name any manager and department. Audited
    as a hire and announced like one, so that the person is asked to sign what applies to them."""
    _require_manager_of_kiosk_people(actor)
    if not kiosk_departments_for(actor).filter(pk=department.pk).exists():
        raise KioskPersonRefused(_("You may add people only to your own department and the departments of your team."))
    if not actor.has_perm("people.view_organisation"):
        manager = StaffProfile.objects.filter(user=actor).first()
    user = User(username=f"kiosk-{employee_id}".lower()[:150], first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    profile = StaffProfile(user=user, department=department, manager=manager, employee_id=employee_id, signs_in=False)
    try:
        user.full_clean(exclude=["password"])
        profile.full_clean(exclude=["user"])
    except ValidationError as invalid:
        raise KioskPersonRefused(" ".join(invalid.messages)) from invalid
    user.save()
    profile.user = user
    profile.save(force_insert=True)
    event_record(
        actor=actor,
        action=audit_actions.PERSON_HIRE,
        target=profile,
        details={"department": str(department), "manager": str(manager or ""), "signs_in": False},
    )
    announce_audience_change(profile.pk, actor_id=actor.pk)
    return profile


def _new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def credential_issue(*, person: StaffProfile, actor: User, one_time: bool) -> str:
    """Issue a person without a sign-in a new PIN (kept until the next one) or a one-time code (valid for
    `KIOSK_CODE_VALID_HOURS`, serving once), and return it: this is the only time it is seen, as only its
    hash is stored. Issuing one lifts a lockout (the supervisor vouches for the person). Refused unless the
    actor may issue to this person (`kiosk_people_for`). Audited, without the secret."""
    if not kiosk_people_for(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may issue PINs and codes only to your own people who sign at a kiosk."))
    now = timezone.now()
    credential, _created = KioskCredential.objects.select_for_update().get_or_create(person=person)
    if one_time:
        secret = _new_code()
        credential.code_hash = make_password(secret)
        credential.code_expires_at = now + datetime.timedelta(hours=settings.KIOSK_CODE_VALID_HOURS)
    else:
        secret = _new_pin()
        credential.pin_hash = make_password(secret)
    credential.failures = 0
    credential.locked_until = None
    credential.issued_by = actor
    credential.issued_at = now
    credential.save()
    event_record(
        actor=actor,
        action=audit_actions.KIOSK_CREDENTIAL_ISSUE,
        target=person,
        details={"kind": "code" if one_time else "pin"},
    )
    return secret


def _hash_check(secret: str, encoded: str) -> bool:
    """Whether `secret` is the one hashed in `encoded`. With nothing to check against (no such secret, an
    expired code, an unusable hash) the same hashing work is done, so that the time taken says nothing of
    which secrets a person has, or whether they exist."""
    if encoded and is_password_usable(encoded):
        return check_password(secret, encoded)
    make_password(secret)
    return False


def _secret_matches(credential: KioskCredential | None, secret: str, now: datetime.datetime) -> str:
    """Which of the person's secrets `secret` is ("pin", "code"), or "" for neither. An expired code is no
    code. Both are always checked, whoever asks (`credential` None for nobody), whatever the secret's shape."""
    normalised = secret.strip()
    code_valid = credential is not None and credential.code_expires_at is not None and credential.code_expires_at > now
    pin = _hash_check(normalised, credential.pin_hash if credential else "")
    code = _hash_check(normalised.upper(), credential.code_hash if credential and code_valid else "")
    return "pin" if pin else "code" if code else ""


def _mismatch_message() -> str:
    # Also the answer to a locked person: the kiosk says nothing of who exists (the supervisor sees the lock).
    return _("That employee id and PIN or code do not match. Check them and try again.")


# Not one transaction around the refusal: the counted wrong try and its audit event must stay when refused.
def credential_check(*, employee_id: str, secret: str, now: datetime.datetime | None = None) -> StaffProfile:
    """The active person without a sign-in whose employee id and PIN or code these are.

    A wrong secret counts one more wrong try in a row against the person (their row locked, so that tries at
    two kiosks at once count both); at `KIOSK_MAX_TRIES` they are locked for `KIOSK_LOCKOUT_MINUTES`, during
    which even the right secret is refused. The right one clears the count; a one-time code is used up.
    An unknown employee id (or a person who signs in, or is inactive) and a locked person are refused with
    the same words as a wrong secret, after the same hashing work, so that the kiosk says nothing of who
    exists; the supervisor sees a lock on the kiosk staff pages.
    Each refusal is audited (`people.kiosk.identify_fail`) with whether it locked the person."""
    now = now or timezone.now()
    with transaction.atomic():
        credential = (
            KioskCredential.objects.select_for_update(of=("self",))
            .select_related("person__user")
            .filter(person__employee_id=employee_id.strip(), person__signs_in=False, person__user__is_active=True)
            .first()
        )
        matched = _secret_matches(credential, secret, now)
        if credential is None:
            raise IdentificationRefused(_mismatch_message())
        person = credential.person
        locked = credential.locked_until is not None and credential.locked_until > now
        if matched and not locked:
            credential.failures = 0
            credential.locked_until = None
            if matched == "code":
                credential.code_hash = ""
                credential.code_expires_at = None
            credential.save(update_fields=["failures", "locked_until", "code_hash", "code_expires_at"])
            return person
        if not locked:
            credential.failures += 1
            if credential.failures >= settings.KIOSK_MAX_TRIES:
                locked = True
                credential.failures = 0
                credential.locked_until = now + datetime.timedelta(minutes=settings.KIOSK_LOCKOUT_MINUTES)
            credential.save(update_fields=["failures", "locked_until"])
        event_record(actor=None, action=audit_actions.KIOSK_IDENTIFY_FAIL, target=person, details={"locked": locked})
    # Raised once the wrong try and its audit event are committed.
    raise IdentificationRefused(_mismatch_message())
