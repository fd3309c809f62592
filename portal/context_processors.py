"""The navigation bar, built from the signed-in person's permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .inbox import MyTasks, my_tasks


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown when the person has any one of these permissions (or always, when empty).
    permissions: tuple[str, ...] = ()
    staff_only: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavItem(_("Home"), "home"),
    # Anyone may be asked to sign, whatever their roles, so everyone sees their own list.
    NavItem(_("My acknowledgements"), "acknowledgements:mine"),
    NavItem(_("My training"), "training:mine", permissions=("training.view_course",)),
    NavItem(_("Documents"), "codes:document_list", permissions=("codes.view_codedocument",)),
    NavItem(_("Courses"), "training:course_list", permissions=("training.add_course",)),
    NavItem(_("My team"), "people:team", permissions=("people.view_team",)),
    NavItem(
        _("Dashboard"),
        "acknowledgements:dashboard",
        permissions=("acknowledgements.view_all_acknowledgements", "people.view_team"),
    ),
    NavItem(_("Training status"), "training:status", permissions=("training.view_training_status",)),
    NavItem(_("Breach cases"), "cases:list", permissions=("cases.view_case",)),
    NavItem(_("Departments"), "people:department_list", permissions=("people.view_organisation",)),
    NavItem(_("Staff"), "people:staff_list", permissions=("people.view_organisation",)),
    NavItem(_("Audit log"), "audit:event_list", permissions=("audit.view_auditevent",)),
    NavItem(_("Legal holds"), "privacy:holds", permissions=("privacy.view_legalhold",)),
    NavItem(_("Administration"), "admin:index", staff_only=True),
]


def navigation(request: HttpRequest) -> dict[str, list[NavItem]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        item
        for item in NAVIGATION
        if (not item.permissions or any(user.has_perm(p) for p in item.permissions))
        and (not item.staff_only or user.is_staff)
    ]
    return {"navigation": items}


def tasks(request: HttpRequest) -> dict[str, MyTasks]:
    """The person's tasks for the count in the navigation, counted only when a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_tasks": my_tasks(request)}
