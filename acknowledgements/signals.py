"""What acknowledgements announces to the apps that build on it (it knows nothing of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once requests to sign a published version have been created and committed, with `version_id` and
# `person_ids`: the staff profiles newly asked (joiners, movers, returners), or None for the version's
# whole audience at its publication. Whoever tells them reads the requests that exist by then.
requests_created = Signal()

# Sent once a retired document's pending requests have been withdrawn and committed, with `document_id`.
requests_withdrawn = Signal()
