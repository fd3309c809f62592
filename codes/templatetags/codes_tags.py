from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from codes.markdown import render_markdown
from codes.models import SectionCategory, VersionStatus

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Section bodies as HTML; render_markdown sanitises, so the result is safe to mark."""
    return mark_safe(render_markdown(text))  # noqa: S308


STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "in_review": "text-bg-warning",
    "approved": "text-bg-info",
    "published": "text-bg-success",
    "superseded": "text-bg-light border",
    "retired": "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def status_label(status: str) -> str:
    return str(VersionStatus(status).label)


@register.filter
def category_label(category: str) -> str:
    return str(SectionCategory(category).label)
