from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser, User

from people.models import StaffProfile
from people.selectors import oversees

register = template.Library()


@register.filter
def may_open_person(user: User | AnonymousUser, person: StaffProfile) -> bool:
    """Whether a link to the person's page opens for the user (`people.selectors.oversees`), without a query
    when the person was read with their manager."""
    return oversees(user, person)
