"""Hooks for the pages of apps that cannot import privacy (the person page, drawn by portal)."""

from __future__ import annotations

from typing import Any

from django import template

from people.models import StaffProfile

from .. import selectors

register = template.Library()


@register.inclusion_tag("privacy/_holds_in_force.html", takes_context=True)
def holds_in_force(context: template.Context, person: StaffProfile) -> dict[str, Any]:
    """That the person is under a legal hold, for whoever sees their page; the link to the holds only for those
    who may open them (the permission the holds page asks)."""
    return {
        "person": person,
        "holds": list(selectors.holds_in_force_on(person)),
        "may_open_holds": context["user"].has_perm("privacy.view_legalhold"),
    }
