"""State changes for people: hiring, moving, deactivating leavers, welcoming returners, staff record details,
language preference, checking a password again, account rights.

Every change of who a person is for an audience (hired, moved department, deactivated,
reactivated) goes through a service here, which audits it and announces it once committed
(`people.signals.person_audience_changed`); nothing else announces it."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import event_record
from common.errors import DomainError
from common.locks import TransactionLock, transaction_lock
from webhooks.models import EventType
from webhooks.services import events_emit

from . import audit_actions, rights, webhook_payloads
from .hr_import import applying
from .hr_import.planning import Plan, import_plan
from .models import (
    ALWAYS_EMAILED,
    Department,
    NotificationPreference,
    StaffProfile,
    UserSession,
    leads_back_to,
)
from .signals import announce_audience_change, announce_audience_changes

# Who made the change: the administrator, or None for the system (an import, a command).
Actor = rights.Actor | None

# What a staff record holds besides where the person sits: changing it changes nobody's audience.
DETAIL_FIELDS = ("employee_id", "job_title", "preferred_language")
# What `account_update` changes of an account.
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email")


class PasswordRefused(DomainError):
    """The password entered again is not the person's, or password checks for the account are paused."""


class StaffChangeRefused(DomainError):
    """A hire or a move that would leave the staff records wrong."""


class ImportRefused(DomainError):
    """An HR file with at least one bad row: nothing of it is applied. `plan.problems` says which and why."""

    def __init__(self, plan: Plan) -> None:
        lines = len({problem.line for problem in plan.problems})
        super().__init__(
            ngettext(
                "%(count)d line of the file is refused; nothing was saved.",
                "%(count)d lines of the file are refused; nothing was saved.",
                lines,
            )
            % {"count": lines}
        )
        self.plan = plan


def _require_allowed(actor: Actor, user: User, change: rights.AccountChange) -> None:
    # The system (an import, a command) is not bound by the rules of account administration.
    if actor is not None:
        rights.require(rights.change_refusal(actor, user, change))


def _require_staff_change(actor: Actor, user: User, permission: str) -> None:
    """Refuse an actor without the permission to hire or change staff records (which the admin asks
    before it offers the form), or whom `people.rights` keeps from changing this account."""
    if actor is not None and not actor.has_perm(permission):
        raise rights.AccountChangeRefused(_("Your roles do not allow this action."))
    _require_allowed(actor, user, rights.AccountChange.DETAILS)


def _announce(person_id: int, actor: Actor) -> None:
    announce_audience_change(person_id, actor_id=actor.pk if actor is not None else None)


def _announce_user(user: User, actor: Actor) -> None:
    person_id = StaffProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is not None:
        _announce(person_id, actor)


@transaction.atomic
def person_hire(*, profile: StaffProfile, actor: Actor) -> StaffProfile:
    """Put an account on the staff: save its new staff record (department, manager, employee id, …).

    Refused when the record is not valid (the account or the employee id already on the staff,
    say), or when the actor may not add staff records or change this account (`people.rights`).
    Audited with where the person starts; once committed, the joiner is announced, so they are
    asked to sign, and assigned the training, that applies to them.
    """
    _require_staff_change(actor, profile.user, "people.add_staffprofile")
    try:
        profile.full_clean()
    except ValidationError as invalid:
        raise StaffChangeRefused(" ".join(invalid.messages)) from invalid
    profile.save(force_insert=True)
    event_record(
        actor=actor,
        action=audit_actions.PERSON_HIRE,
        target=profile,
        details={"department": str(profile.department), "manager": str(profile.manager or "")},
    )
    _announce(profile.pk, actor)
    return profile


@transaction.atomic
def person_move(*, person: StaffProfile, department: Department, manager: StaffProfile | None, actor: Actor) -> None:
    """Move a person to another department, under another manager, or both.

    Refused when the new manager is the person or reports to them, directly or through others,
    and when the actor may not change staff records or this account (`people.rights`). Audited
    from where to where, as both decide who sees the person's records. A new department changes
    what the person is asked to sign and trained in, so it is announced once committed; a new
    manager alone changes neither, so it is not.
    """
    _require_staff_change(actor, person.user, "people.change_staffprofile")
    # Locked, and read as stored: the caller's instance may already carry the new values (an admin form).
    old = (
        StaffProfile.objects.select_for_update(of=("self",))
        .select_related("department", "manager__user")
        .get(pk=person.pk)
    )
    details = {
        field: [str(getattr(old, field) or ""), str(new or "")]
        for field, new in (("department", department), ("manager", manager))
        if getattr(old, f"{field}_id") != (new.pk if new is not None else None)
    }
    if not details:
        return
    if "manager" in details:
        old.manager = manager
        if leads_back_to(old, "manager"):
            raise StaffChangeRefused(_("A person cannot report to themselves, directly or through others."))
    person.department, person.manager = department, manager
    person.save(update_fields=list(details))
    event_record(actor=actor, action=audit_actions.PERSON_MOVE, target=person, details=details)
    if "department" in details:
        _announce(person.pk, actor)


def _require_permission(actor: Actor, permission: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise rights.AccountChangeRefused(_("Your roles do not allow this action."))


def _saved_department(department: Department) -> None:
    try:
        department.full_clean()
    except ValidationError as invalid:
        raise StaffChangeRefused(" ".join(invalid.messages)) from invalid
    department.save()


@transaction.atomic
def department_create(*, name: str, code: str, actor: Actor) -> Department:
    """Add a department (a provisioning client's new group). Refused when the name or code is taken or
    malformed, or the actor may not add departments; audited."""
    _require_permission(actor, "people.add_department")
    department = Department(name=name, code=code)
    _saved_department(department)
    event_record(actor=actor, action=audit_actions.DEPARTMENT_CREATE, target=department, details={"code": code})
    return department


@transaction.atomic
def department_rename(*, department: Department, name: str, actor: Actor) -> None:
    """Rename a department; refused like `department_create`, audited from and to."""
    _require_permission(actor, "people.change_department")
    if name == department.name:
        return
    old = department.name
    department.name = name
    _saved_department(department)
    event_record(actor=actor, action=audit_actions.DEPARTMENT_CHANGE, target=department, details={"name": [old, name]})


@transaction.atomic
def department_delete(*, department: Department, actor: Actor) -> None:
    """Delete a department nothing refers to any more.

    Refused while it has people or sub-departments, or something is meant for it (a code's or a
    course's audience, whichever app keeps it): deleting it would silently change who those are
    for. Audited before the row goes.
    """
    _require_permission(actor, "people.delete_department")
    # A one-to-one companion row (what another app keeps about the department) goes with it.
    # Asked of the other model, not through the reverse accessor: a relation named "+" (an evidence pack's
    # scope) has none.
    for relation in Department._meta.related_objects:
        referring = relation.field.model._base_manager.filter(**{relation.field.name: department})
        if not relation.one_to_one and referring.exists():
            raise StaffChangeRefused(
                _("%(name)s still has people, sub-departments or codes and courses meant for it: move them first.")
                % {"name": department.name}
            )
    event_record(
        actor=actor, action=audit_actions.DEPARTMENT_DELETE, target=department, details={"code": department.code}
    )
    department.delete()


@transaction.atomic
def profile_update(*, profile: StaffProfile, actor: Actor) -> None:
    """Save the details of a staff record edited by an administrator (or the system: a provisioning
    client): employee id, job title, language.

    Its department and manager are left as stored: they change only through `person_move`, which
    audits and announces. Refused as `people.rights` says.
    """
    _require_staff_change(actor, profile.user, "people.change_staffprofile")
    profile.save(update_fields=DETAIL_FIELDS)


@transaction.atomic
def person_deactivate(*, user: User, actor: Actor) -> int:
    """Block a leaver from signing in and end every session they have open.

    Once committed, the person's audience change is announced: what they were still asked for
    is marked left. Returns how many sessions were ended. Deactivating someone already
    inactive still ends any session left over. An actor must be allowed to (`people.rights`);
    None is the system (an import, a command).
    """
    _require_allowed(actor, user, rights.AccountChange.ACTIVITY)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        event_record(actor=actor, action=audit_actions.PERSON_DEACTIVATE, target=user)
        events_emit(
            type=EventType.PERSON_DEACTIVATED, payloads=webhook_payloads.people_deactivated([user.pk], at=now())
        )
        _announce_user(user, actor)
    ended, _by_model = UserSession.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def person_reactivate(*, user: User, actor: Actor) -> None:
    """Let a returning person sign in again.

    Once committed, the person's audience change is announced: the requests marked left when
    they went, for versions still published and still meant for them, are pending again. An
    actor must be allowed to (`people.rights`); None is the system.
    """
    _require_allowed(actor, user, rights.AccountChange.ACTIVITY)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        event_record(actor=actor, action=audit_actions.PERSON_REACTIVATE, target=user)
        _announce_user(user, actor)


def profile_set_language(*, profile: StaffProfile, language: str) -> None:
    """Store the language the portal speaks to this person (pages and emails)."""
    profile.preferred_language = language
    profile.full_clean(validate_unique=False, validate_constraints=False)
    profile.save(update_fields=["preferred_language"])


@transaction.atomic
def notification_preferences_set(*, user: User, by_email: dict[str, bool]) -> None:
    """Store, per kind of notification, whether the person wants it by email as well as in the portal.
    A request to sign always goes by email (the legal minimum): choosing the portal only for it is refused."""
    if any(not by_email[kind] for kind in ALWAYS_EMAILED if kind in by_email):
        raise DomainError(_("A request to sign a code always comes by email as well: the law asks for it."))
    for kind, emailed in by_email.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"by_email": emailed})


# Not atomic: the audit event of a refusal must stay, and the refusal is raised.
def person_reauthenticate(*, request: HttpRequest, user: User, password: str, purpose: str) -> None:
    """Check the password of a signed-in person again before an act that needs it (`purpose`: "signing",
    "password_change").

    The check is Django's `authenticate`, so django-axes sees it as a sign-in: a wrong password
    counts towards the same lockout as a failed sign-in (per account and address), and while the
    account is locked out even the right password is refused, here and at sign-in. Every refusal
    is audited as `people.reauthentication.fail`.
    """
    authenticated = authenticate(request, username=user.get_username(), password=password)
    if authenticated is not None and authenticated.pk == user.pk:
        return
    locked_out = bool(getattr(request, "axes_locked_out", False))
    event_record(
        actor=user,
        action=audit_actions.REAUTHENTICATION_FAIL,
        target=user,
        details={"purpose": purpose, "locked_out": locked_out},
    )
    if locked_out:
        raise PasswordRefused(
            _(
                "Too many wrong passwords: password checks for your account are paused for a while. "
                "Try again later, or reset your password."
            )
        )
    raise PasswordRefused(_("That is not your password. Enter the password you sign in with."))


def _labels(permissions: Iterable[Permission]) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)


@transaction.atomic
def account_create(*, user: User, actor: Actor) -> None:
    """Save a new account, its password already set by the form (or unusable); audited.

    It starts with no rights: roles are given afterwards through `account_set_rights`.
    """
    user.is_staff = user.is_superuser = False
    user.save()
    event_record(
        actor=actor,
        action=audit_actions.ACCOUNT_CREATE,
        target=user,
        details={"username": user.get_username(), "usable_password": user.has_usable_password()},
    )


@transaction.atomic
def account_update(*, user: User, changes: dict[str, str], actor: Actor) -> None:
    """Change an account's username, names or email (`ACCOUNT_FIELDS`), as a provisioning client asks.

    Refused when the account would not be valid (a username already taken, a malformed email) or
    as `people.rights` says; audited with each field's old and new value.
    """
    _require_allowed(actor, user, rights.AccountChange.DETAILS)
    details = {
        field: [getattr(user, field), value] for field, value in changes.items() if getattr(user, field) != value
    }
    if not details:
        return
    for field, (_old, new) in details.items():
        setattr(user, field, new)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as invalid:
        raise StaffChangeRefused(" ".join(invalid.messages)) from invalid
    user.save(update_fields=list(details))
    event_record(actor=actor, action=audit_actions.ACCOUNT_CHANGE, target=user, details=details)


@transaction.atomic
def account_set_rights(
    *,
    user: User,
    actor: Actor,
    roles: Iterable[Group] | None = None,
    permissions: Iterable[Permission] | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> None:
    """Give an account its roles, one-off permissions, staff and superuser status (None: unchanged).

    Refused as `people.rights` says: nobody changes their own rights, only a superuser changes
    an administrator's or grants administrative rights; the system (actor None: the demo's seeder)
    is not refused. Audited with what was added and removed.
    """
    if actor is not None:
        rights.require(rights.change_refusal(actor, user, rights.AccountChange.ROLES))
    old_roles = set(user.groups.all())
    new_roles = old_roles if roles is None else set(roles)
    old_permissions = set(user.user_permissions.select_related("content_type"))
    new_permissions = old_permissions if permissions is None else set(permissions)
    staff = user.is_staff if is_staff is None else is_staff
    superuser = user.is_superuser if is_superuser is None else is_superuser
    if actor is not None:
        rights.require(
            rights.grant_refusal(
                actor,
                added_roles=new_roles - old_roles,
                staff_changed=staff != user.is_staff,
                superuser_changed=superuser != user.is_superuser,
                permissions_changed=new_permissions != old_permissions,
            )
        )
    details: dict[str, object] = {}
    if new_roles != old_roles:
        user.groups.set(new_roles)
        details["roles_added"] = sorted(role.name for role in new_roles - old_roles)
        details["roles_removed"] = sorted(role.name for role in old_roles - new_roles)
    if new_permissions != old_permissions:
        user.user_permissions.set(new_permissions)
        details["permissions_added"] = _labels(new_permissions - old_permissions)
        details["permissions_removed"] = _labels(old_permissions - new_permissions)
    if (staff, superuser) != (user.is_staff, user.is_superuser):
        details.update(is_staff=staff, is_superuser=superuser)
        user.is_staff, user.is_superuser = staff, superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    if details:
        event_record(actor=actor, action=audit_actions.ACCOUNT_RIGHTS_CHANGE, target=user, details=details)


@transaction.atomic
def account_set_password(*, user: User, actor: rights.Actor, password: str | None) -> None:
    """Set another person's password (None: no password sign-in at all). Refused as `people.rights` says; audited."""
    rights.require(rights.change_refusal(actor, user, rights.AccountChange.PASSWORD))
    if password is not None and StaffProfile.objects.filter(user=user, signs_in=False).exists():
        raise StaffChangeRefused(
            _("This person signs only at a kiosk and has no password: issue them a kiosk PIN or code instead.")
        )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    event_record(
        actor=actor, action=audit_actions.ACCOUNT_PASSWORD_SET, target=user, details={"usable": password is not None}
    )


@transaction.atomic
def account_delete(*, user: User, actor: rights.Actor) -> None:
    """Delete an account. Refused as `people.rights` says; audited before the row goes."""
    rights.require(rights.change_refusal(actor, user, rights.AccountChange.DELETE))
    event_record(
        actor=actor, action=audit_actions.ACCOUNT_DELETE, target=user, details={"username": user.get_username()}
    )
    user.delete()


@transaction.atomic
def role_update(*, role: Group, actor: rights.Actor, name: str, permissions: Iterable[Permission]) -> None:
    """Rename a role and change what it may do. Only a superuser may; audited with what changed."""
    rights.require(rights.role_edit_refusal(actor))
    details: dict[str, object] = {}
    if name != role.name:
        details["name"] = [role.name, name]
        role.name = name
        role.save(update_fields=["name"])
    old = set(role.permissions.select_related("content_type"))
    new = set(permissions)
    if new != old:
        role.permissions.set(new)
        details.update(permissions_added=_labels(new - old), permissions_removed=_labels(old - new))
    if details:
        event_record(actor=actor, action=audit_actions.ROLE_CHANGE, target=role, details=details)


@transaction.atomic
def role_delete(*, role: Group, actor: rights.Actor) -> None:
    """Delete a role (its members lose what it gave). Only a superuser may; audited."""
    rights.require(rights.role_edit_refusal(actor))
    event_record(actor=actor, action=audit_actions.ROLE_DELETE, target=role, details={"name": role.name})
    role.delete()


@transaction.atomic
def people_import(*, content: bytes, actor: Actor) -> Plan:
    """Apply an HR file (`people.hr_import`): hire the people it adds; change, move, deactivate and
    reactivate the others as it says. People the file leaves out are left as they are.

    Refused as a whole when any row is (`ImportRefused`, with the plan and its problems), and when the
    actor may not import staff (None, the system, may). The rules of the per-person services hold, in
    bulk so that 100,000 rows import in seconds: each hire, move, deactivation and reactivation is
    audited as `person_hire`, `person_move`, `person_deactivate` and `person_reactivate` audit it,
    plus one event for the import with its counts; a leaver's sessions end; and once committed the
    joiners, the people who changed department (a new manager alone changes nobody's audience, as
    in `person_move`), the leavers and the returners are announced. A file that changes nothing
    writes nothing but the import's own event.
    """
    if actor is not None and not actor.has_perm("people.import_staff"):
        raise rights.AccountChangeRefused(_("Your roles do not allow this action."))
    # One import at a time: a second one plans against what the first wrote, instead of hiring the
    # same joiners again and failing on their employee ids.
    transaction_lock(TransactionLock.HR_IMPORT)
    plan = import_plan(content, actor=actor)
    if plan.problems:
        raise ImportRefused(plan)
    hired = applying.hires_create(plan)
    people = applying.changes_save(plan)
    if plan.deactivated:
        UserSession.objects.filter(user_id__in=[people[p.employee_id].user_id for p in plan.deactivated]).delete()
    applying.events_write(plan, hired, people, actor)
    if leavers := [people[person.employee_id].user_id for person in plan.deactivated]:
        events_emit(type=EventType.PERSON_DEACTIVATED, payloads=webhook_payloads.people_deactivated(leavers, at=now()))
    moved_department = [p for p in plan.moved if p.stored is not None and p.stored.department_id != p.department_id]
    announced = [profile.pk for profile in hired] + [
        people[person.employee_id].pk for person in (*moved_department, *plan.deactivated, *plan.reactivated)
    ]
    announce_audience_changes(list(dict.fromkeys(announced)), actor_id=actor.pk if actor is not None else None)
    return plan
