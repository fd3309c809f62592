from __future__ import annotations

# A fixture of the acknowledgements tests that the retirement page's tests share (pytest finds it here).
from acknowledgements.tests.test_retire import asked  # noqa: F401
