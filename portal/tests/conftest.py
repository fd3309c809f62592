from __future__ import annotations

# A fixture of the acknowledgements tests that the retirement page's tests share (pytest finds it here).
from acknowledgements.tests.test_retire import asked  # noqa: F401

# The superuser of people's admin tests, one of the actors the admin-rights tests try.
from people.tests.conftest import superuser  # noqa: F401
