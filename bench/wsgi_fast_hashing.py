"""The portal's WSGI application with a fast password hasher, for bench/run's second signing measurement only.

Signing asks for the password again, and the production hasher (PBKDF2, 1,000,000 iterations)
spends about half a second of CPU on each check, by design. This entry point swaps in MD5 (as
the test suite does) so that the benchmark can also show what the rest of the signing path
costs. It is never used to serve the portal: production settings are not touched.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

# As conduct_portal/wsgi.py builds it; built here so that bench/ does not import the project layer above it.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")
application = get_wsgi_application()

# override_settings announces the change, so Django's cached list of hashers is rebuilt.
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
