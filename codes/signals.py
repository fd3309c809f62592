"""What codes announces to the apps that build on it (it knows nothing of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once the publishing transaction has committed, with `version_id`.
version_published = Signal()

# Sent while a version's page is drawn, with `version` and `viewer`. Each receiver returns
# a safe HTML fragment to show on the page (or "" to show nothing), so apps above codes
# (acknowledgements: who was asked and who signed) add to the page without codes knowing them.
version_page_panels = Signal()
