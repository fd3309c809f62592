"""The navigation bar, built from the signed-in person's permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None
    staff_only: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavItem(_("Home"), "home"),
    NavItem(_("Documents"), "codes:document_list", permission="codes.view_codedocument"),
    NavItem(_("My team"), "people:team", permission="people.view_team"),
    NavItem(_("Departments"), "people:department_list", permission="people.view_organisation"),
    NavItem(_("Staff"), "people:staff_list", permission="people.view_organisation"),
    NavItem(_("Administration"), "admin:index", staff_only=True),
]


def navigation(request: HttpRequest) -> dict[str, list[NavItem]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        item
        for item in NAVIGATION
        if (item.permission is None or user.has_perm(item.permission)) and (not item.staff_only or user.is_staff)
    ]
    return {"navigation": items}
