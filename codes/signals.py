"""What codes announces to the apps that build on it (it knows nothing of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once the publishing transaction has committed, with `version_id`.
version_published = Signal()
