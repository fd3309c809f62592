"""Reads for people pages: each returns a queryset ready to paginate."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import CharField, Count, Expression, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.db.models.lookups import IContains

from .models import Department, NotificationPreference, StaffProfile


def staff_directory(*, department: Department | None = None, search: str = "") -> QuerySet[StaffProfile]:
    people = StaffProfile.objects.select_related("user", "department", "manager__user")
    if department is not None:
        people = people.filter(department=department)
    if search:
        people = people.filter(matching_person(search))
    return people


def people_matching(search: str) -> QuerySet[StaffProfile]:
    """The people `matching_person` finds, each with what a list of them shows: their account and department
    (not their manager, as `staff_directory` joins them: two more tables for each row)."""
    return StaffProfile.objects.select_related("user", "department").filter(matching_person(search))


def matching_person(search: str) -> Q:
    """People whose full name, employee id, email, job title or department contains `search`.

    Names, ids and emails are not words of a language, so this is a substring match, not full-text
    search; the full name is matched as a whole so that "Ana Pop" finds Ana Pop.

    Each table is matched in a subquery of its own: one condition across the joined tables made
    PostgreSQL read every person with their account, whereas each subquery is served by the trigram
    indexes of migration people 0006, which are on exactly these expressions."""
    full_name = Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField())
    accounts = User.objects.filter(Q(IContains(full_name, search)) | Q(email__icontains=search)).values("pk")
    profiles = StaffProfile.objects.filter(Q(employee_id__icontains=search) | Q(job_title__icontains=search))
    departments = Department.objects.filter(name__icontains=search).values("pk")
    return Q(user__in=accounts) | Q(pk__in=profiles.values("pk")) | Q(department__in=departments)


def managed_by(manager: User | AnonymousUser) -> QuerySet[StaffProfile]:
    """The people who report directly to `manager` (an account), as their manager sees them.

    This is the one rule of "my team": a person is in it when their profile names the manager's
    profile as their manager and the manager holds `people.view_team`; someone who lost the
    manager role sees nobody, whatever the data still says. Acknowledgements and training filter
    with it (`person__in=managed_by(user)`) so that every "my people" check agrees.
    """
    if manager.pk is None or not manager.has_perm("people.view_team"):
        return StaffProfile.objects.none()
    return staff_directory().filter(manager__user_id=manager.pk)


def manages(manager: User | AnonymousUser, person: StaffProfile) -> bool:
    """Whether `person` is in `manager`'s team (see `managed_by`)."""
    return managed_by(manager).filter(pk=person.pk).exists()


def is_manager_of(user: User | AnonymousUser, person: StaffProfile) -> bool:
    """`manages` without a query, for a person read with their manager (`staff_directory` joins it)."""
    return (
        user.pk is not None
        and person.manager is not None
        and person.manager.user_id == user.pk
        and user.has_perm("people.view_team")
    )


def overseen_by(user: User | AnonymousUser) -> QuerySet[StaffProfile]:
    """Whose person page `user` may open: everyone's for those who see the organisation (compliance), their
    own reports' for a manager (`managed_by`), nobody's for anyone else."""
    if user.has_perm("people.view_organisation"):
        return staff_directory()
    return managed_by(user)


def oversees(user: User | AnonymousUser, person: StaffProfile) -> bool:
    """`overseen_by` for one person read with their manager, without a query: whether a link to their page opens."""
    return user.has_perm("people.view_organisation") or is_manager_of(user, person)


def department_lineage(department_id: int | None) -> list[int]:
    """The department and every department above it, nearest first: what is meant for a parent
    department applies to its sub-departments, so this is whom a person's department inherits from."""
    if department_id is None:
        return []
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    lineage: list[int] = []
    current: int | None = department_id
    while current is not None and current not in lineage:
        lineage.append(current)
        current = parents.get(current)
    return lineage


def department_subtree(department_ids: Iterable[int]) -> list[int]:
    """The departments `department_ids` and every department below them, sorted: the audience of
    something meant for those departments. One query for the whole tree (departments are few)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(department_ids)
    while stack:
        department = stack.pop()
        if department not in found:
            found.add(department)
            stack.extend(children.get(department, []))
    return sorted(found)


def reporting_to(manager: User | AnonymousUser, *, path: str) -> Q:
    """A filter on rows whose profile at the lookup path `path` ("person") is in `manager`'s team
    (`managed_by`), for querysets of other models."""
    return Q(**{f"{path}__in": managed_by(manager).values("pk")})


def own_or_reporting_to(user: User | AnonymousUser, *, path: str) -> Q:
    """A filter on rows whose profile at `path` is the user's own or someone's in their team."""
    return Q(**{f"{path}__user__pk": user.pk or 0}) | reporting_to(user, path=path)


def departments_with_headcount() -> QuerySet[Department]:
    return (
        Department.objects.select_related("parent")
        .annotate(
            active_staff=Count("staff", filter=Q(staff__user__is_active=True)),
            inactive_staff=Count("staff", filter=Q(staff__user__is_active=False)),
        )
        .order_by("name")
    )


def profile_of(user: AbstractBaseUser | AnonymousUser) -> StaffProfile | None:
    """The signed-in person's staff profile, or None for an account without one (e.g. a technical admin)."""
    if user.pk is None:
        return None
    return StaffProfile.objects.select_related("department", "manager__user").filter(user_id=user.pk).first()


def organisation_totals() -> dict[str, int]:
    return StaffProfile.objects.aggregate(
        active_staff=Count("pk", filter=Q(user__is_active=True)),
        departments=Count("department", distinct=True),
    )


def full_name(profile: str) -> Expression:
    """`StaffProfile.full_name` computed by the database, for the profile at the lookup path `profile`
    ("person", "person__manager"): first and last name, or the username when both are blank."""
    user = f"{profile}__user__"
    name = Trim(Concat(F(f"{user}first_name"), Value(" "), F(f"{user}last_name"), output_field=CharField()))
    return Coalesce(NullIf(name, Value("")), F(f"{user}username"))


def emailed_kinds_of(user: AbstractBaseUser) -> dict[str, bool]:
    """Whether the person wants each kind of notification they chose for by email (no row: by email)."""
    return dict(NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "by_email"))


def portal_only_among(user_ids: Iterable[int], kind: str) -> set[int]:
    """Those of `user_ids` who want `kind` of notification in the portal only (one query)."""
    chosen = NotificationPreference.objects.filter(user_id__in=set(user_ids), kind=kind, by_email=False)
    return set(chosen.values_list("user_id", flat=True))
