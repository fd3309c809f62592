"""Driving the account admin as a person would: the pages' forms posted back with a change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.forms import MultiWidget
from django.test import Client

NEW_PASSWORD = "a-new-long-passphrase-9"
# The cast's fixtures, one for each kind of account that may try its hand in the admin.
ACTORS = ["agent", "manager", "compliance_officer", "administrator", "superuser"]


def change_url(user: User) -> str:
    return f"/admin/auth/user/{user.pk}/change/"


def form_data(response: Any) -> dict[str, Any]:
    """What the admin change form would post back unchanged, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(form.fields[name].widget, MultiWidget):
                data.update(
                    {f"{key}_{i}": str(part) for i, part in enumerate(form.fields[name].widget.decompress(value))}
                )
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(getattr(item, "pk", item)) for item in value]
            else:
                value = str(getattr(value, "pk", value))
            data[key] = value
    return data


def post_change(client: Client, user: User, **changes: Any) -> Any:
    """Post the account's change form with `changes`; a form the person may not open posts nothing else."""
    page = client.get(change_url(user))
    data = form_data(page) if page.status_code == 200 and "adminform" in page.context else {}
    return client.post(change_url(user), {**data, **changes})


def post_password(client: Client, user: User, confirmation: str = NEW_PASSWORD) -> Any:
    return client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": confirmation, "usable_password": "true"},
    )


def role_id(name: str) -> str:
    return str(Group.objects.get(name=name).pk)


def change_details(client: Client, user: User) -> bool:
    post_change(client, user, first_name="Changed")
    user.refresh_from_db()
    return user.first_name == "Changed"


def set_password(client: Client, user: User) -> bool:
    post_password(client, user)
    user.refresh_from_db()
    return user.check_password(NEW_PASSWORD)


def add_a_role(client: Client, user: User) -> bool:
    held = set(user.groups.values_list("name", flat=True))
    role = next(name for name in ("Compliance officer", "Manager") if name not in held)
    post_change(client, user, groups=[*map(role_id, held), role_id(role)])
    return user.groups.filter(name=role).exists()
