"""The portal's URLs plus the audit log, until conduct_portal/urls.py includes it."""

from __future__ import annotations

from django.urls import include, path

from conduct_portal.urls import urlpatterns as base

urlpatterns = [*base, path("audit/", include("audit.urls"))]
