"""The portal's WSGI application with a fast password hasher, and a signed-in no-op POST: bench/run's only.

Signing asks for the password again, and the production hasher (PBKDF2, 1,000,000 iterations)
spends about a quarter of a second of CPU on each check, by design. This entry point swaps in MD5
(as the test suite does) so that the benchmark can also show what the rest of the signing path
costs, against its floor: a POST that pays what every signed-in POST pays (the middleware, the
session, the user, the CSRF check) and nothing else. That view exists only in this module's
URLconf, which includes the portal's own; it is never used to serve the portal: production
settings are not touched.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.test.utils import override_settings
from django.urls import include, path
from django.views.decorators.http import require_POST

from bench.signing import NO_OP_ROUTE

# As conduct_portal/wsgi.py builds it; built here so that bench/ does not import the project layer above it.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")
application = get_wsgi_application()


@require_POST
def signed_in_no_op(request: HttpRequest) -> HttpResponse:
    """204 once the middleware has loaded the session and the user (LoginRequiredMiddleware sends anyone
    else to the sign-in page) and checked the CSRF token: the floor of the signing load."""
    return HttpResponse(status=204)


urlpatterns = [
    path(NO_OP_ROUTE, signed_in_no_op),
    path("", include(settings.ROOT_URLCONF)),
]

# override_settings announces the changes, so Django's cached hashers and URL resolver are rebuilt.
override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ROOT_URLCONF=__name__,
).enable()
