"""The portal's WSGI application with a fast password hasher, for bench/run's second signing measurement only.

Signing asks for the password again, and the production hasher (PBKDF2, 1,000,000 iterations)
spends about half a second of CPU on each check, by design. This entry point swaps in MD5 (as
the test suite does) so that the benchmark can also show what the rest of the signing path
costs. It is never used to serve the portal: production settings are not touched.
"""

from __future__ import annotations

from django.test.utils import override_settings

from conduct_portal.wsgi import application

# override_settings announces the change, so Django's cached list of hashers is rebuilt.
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

__all__ = ["application"]
