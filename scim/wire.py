"""The SCIM wire format (RFC 7643) of the portal's people and departments, through scim2-models.

A staff record is a SCIM User with the enterprise extension; a department is a SCIM Group whose
members are the people in it. What the portal declares in /Schemas is only what it stores, so a
client (and scim2-tester) never sends an attribute that would silently be dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import scim2_models as scim
from django.conf import settings
from django.db.models import Prefetch

from people.models import Department, StaffProfile

UserResource = scim.User[scim.EnterpriseUser]
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# The attributes the portal stores, with the sub-attributes it stores of a complex one.
USER_ATTRIBUTES: dict[str, set[str]] = {
    "userName": set(),
    "name": {"givenName", "familyName"},
    "displayName": set(),
    # One email, the account's: which of several is primary means nothing here.
    "emails": {"value", "type"},
    "active": set(),
    "title": set(),
    "preferredLanguage": set(),
}
ENTERPRISE_ATTRIBUTES: dict[str, set[str]] = {
    "employeeNumber": set(),
    "department": set(),
    "manager": {"value", "$ref"},
}
GROUP_ATTRIBUTES: dict[str, set[str]] = {"displayName": set(), "members": {"value", "$ref", "type"}}
# A person's display name is derived from their names, so a client reads it but never writes it.
USER_READ_ONLY = {"displayName"}
# What every person in the portal has, so no client can remove it. A client that leaves one out
# when it creates a person gets the portal's default: its language, SCIM_DEFAULT_DEPARTMENT, and
# an employee number SCIM-<id> until HR's own arrives.
REQUIRED = {"active", "preferredLanguage", "employeeNumber", "department"}
REQUIRED_PATHS = {
    "active",
    "preferredlanguage",
    ENTERPRISE_URN.lower(),
    f"{ENTERPRISE_URN}:employeeNumber".lower(),
    f"{ENTERPRISE_URN}:department".lower(),
}


def _narrowed(
    schema: scim.Schema,
    attributes: dict[str, set[str]],
    canonical: dict[str, list[str]],
    read_only: frozenset[str] = frozenset(),
) -> scim.Schema:
    kept = []
    for attribute in schema.attributes or []:
        if attribute.name not in attributes:
            continue
        if attribute.sub_attributes:
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes if sub.name in attributes[attribute.name]
            ]
        if attribute.name in read_only:
            attribute.mutability = scim.Mutability.read_only
        if attribute.name in REQUIRED:
            attribute.required = scim.Required.true
        if attribute.name in canonical:
            attribute.canonical_values = canonical[attribute.name]
        for sub in attribute.sub_attributes or []:
            if f"{attribute.name}.{sub.name}" in canonical:
                sub.canonical_values = canonical[f"{attribute.name}.{sub.name}"]
        kept.append(attribute)
    schema.attributes = kept
    return schema


def schemas(*, base_url: str) -> list[scim.Schema]:
    """The User, enterprise extension and Group schemas as the portal serves them.

    The canonical values say what the portal accepts where it accepts only some values: the
    languages it speaks, the departments it has (by name), and work emails.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    departments = list(Department.objects.order_by("name").values_list("name", flat=True))
    found = [
        _narrowed(
            scim.User.to_schema(),
            USER_ATTRIBUTES,
            {"preferredLanguage": languages, "emails.type": ["work"]},
            frozenset(USER_READ_ONLY),
        ),
        _narrowed(scim.EnterpriseUser.to_schema(), ENTERPRISE_ATTRIBUTES, {"department": departments}),
        _narrowed(scim.Group.to_schema(), GROUP_ATTRIBUTES, {"members.type": ["User"]}),
    ]
    for schema in found:
        schema.meta = scim.Meta(resource_type="Schema", location=f"{base_url}Schemas/{schema.id}")
    return found


def resource_types(*, base_url: str) -> list[scim.ResourceType]:
    user = scim.ResourceType.from_resource(UserResource)
    for extension in user.schema_extensions or []:
        extension.required = True
    group = scim.ResourceType.from_resource(scim.Group)
    for resource_type in (user, group):
        resource_type.meta = scim.Meta(
            resource_type="ResourceType", location=f"{base_url}ResourceTypes/{resource_type.id}"
        )
    return [user, group]


def service_provider_config(*, base_url: str, max_results: int) -> scim.ServiceProviderConfig:
    return scim.ServiceProviderConfig(
        documentation_uri=None,
        patch=scim.Patch(supported=True),
        bulk=scim.Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=scim.Filter(supported=True, max_results=max_results),
        change_password=scim.ChangePassword(supported=False),
        sort=scim.Sort(supported=False),
        etag=scim.ETag(supported=False),
        authentication_schemes=[
            scim.AuthenticationScheme(
                type=scim.AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token an administrator creates in the portal's admin (SCIM tokens).",
                primary=True,
            )
        ],
        meta=scim.Meta(resource_type="ServiceProviderConfig", location=f"{base_url}ServiceProviderConfig"),
    )


def users_queryset() -> Any:
    """Staff records as SCIM serves them: not deleted by SCIM, with all a resource shows in one query."""
    return (
        StaffProfile.objects.select_related("user", "user__scim_account", "department", "manager")
        .exclude(user__scim_account__deleted_at__isnull=False)
        .order_by("user_id")
    )


def row_id(text: str) -> int | None:
    """The primary key a SCIM id names, or None when it can name none (not ASCII digits, or past a bigint)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _reference(url: str) -> Any:
    # A reference is a URL on the wire; scim2-models' Reference type only tells which resource it names.
    return url


def user_resource(profile: StaffProfile, *, base_url: str) -> scim.User[scim.EnterpriseUser]:
    user = profile.user
    account = getattr(user, "scim_account", None)
    resource = UserResource(
        id=str(user.pk),
        external_id=(account.external_id or None) if account else None,
        user_name=user.username,
        name=scim.Name(given_name=user.first_name or None, family_name=user.last_name or None),
        display_name=profile.full_name,
        emails=[scim.Email(value=user.email, type=scim.Email.Type.work)] if user.email else None,
        active=user.is_active,
        title=profile.job_title or None,
        preferred_language=profile.preferred_language,
        meta=scim.Meta(resource_type="User", created=user.date_joined, location=f"{base_url}Users/{user.pk}"),
    )
    manager = profile.manager
    resource[scim.EnterpriseUser] = scim.EnterpriseUser(
        employee_number=profile.employee_id,
        department=profile.department.name,
        manager=scim.Manager(value=str(manager.user_id), ref=_reference(f"{base_url}Users/{manager.user_id}"))
        if manager
        else None,
    )
    return resource


def groups_queryset() -> Any:
    members = Prefetch(
        "staff", queryset=StaffProfile.objects.order_by("user_id").only("pk", "user_id", "department_id")
    )
    return Department.objects.select_related("scim_group").prefetch_related(members).order_by("pk")


def group_resource(department: Department, *, base_url: str) -> scim.Group:
    group = getattr(department, "scim_group", None)
    return scim.Group(
        id=str(department.pk),
        external_id=(group.external_id or None) if group else None,
        display_name=department.name,
        members=[
            scim.GroupMember(
                value=str(person.user_id), ref=_reference(f"{base_url}Users/{person.user_id}"), type="User"
            )
            for person in department.staff.all()
        ]
        or None,
        meta=scim.Meta(resource_type="Group", location=f"{base_url}Groups/{department.pk}"),
    )


@dataclass(frozen=True)
class PersonData:
    """What a SCIM User asks of a person, in the portal's terms (None: not given)."""

    username: str
    first_name: str
    last_name: str
    email: str
    active: bool
    job_title: str
    language: str | None
    employee_id: str | None
    department: str | None
    manager_id: str | None
    external_id: str


def person_data(resource: scim.User[scim.EnterpriseUser]) -> PersonData:
    name = resource.name or scim.Name()
    emails = resource.emails or []
    primary = next((email for email in emails if email.primary), emails[0] if emails else None)
    enterprise = resource[scim.EnterpriseUser] or scim.EnterpriseUser()
    return PersonData(
        username=resource.user_name or "",
        first_name=name.given_name or "",
        last_name=name.family_name or "",
        email=str(primary.value) if primary and primary.value else "",
        active=resource.active is not False,
        job_title=resource.title or "",
        language=resource.preferred_language,
        employee_id=enterprise.employee_number,
        department=enterprise.department,
        manager_id=enterprise.manager.value if enterprise.manager else None,
        external_id=resource.external_id or "",
    )


@dataclass(frozen=True)
class GroupData:
    """What a SCIM Group asks of a department: its name and who is in it (their ids)."""

    name: str
    member_ids: list[str]
    external_id: str


def group_data(resource: scim.Group) -> GroupData:
    return GroupData(
        name=resource.display_name or "",
        member_ids=[member.value for member in resource.members or [] if member.value],
        external_id=resource.external_id or "",
    )
