"""What codes announces to the apps that build on it (it knows nothing of them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

# Sent once the publishing transaction has committed, with `version_id`.
version_published = Signal()

# Sent once a review step has committed, with `version_id`, `step` (one of ReviewStep), `event_id` (the
# audit event that records the step, one per occurrence: a version can be submitted more than once) and
# `actor_id`. Approval announces the step that made the version approved, not each partial approval.
version_review_step = Signal()


class ReviewStep:
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes-requested"
    WITHDRAWN = "withdrawn"


# Sent while a version's page is drawn, with `version` and `viewer`. Each receiver returns
# a safe HTML fragment to show on the page (or "" to show nothing), so apps above codes
# (acknowledgements: who was asked and who signed) add to the page without codes knowing them.
version_page_panels = Signal()


@dataclass(frozen=True)
class Consequence:
    """One thing that retiring a document would do, or touch, as the confirmation page states it."""

    summary: str
    items: tuple[str, ...] = ()


# Sent before a document is retired, with `document_id`, to learn what retiring it would do. Each
# receiver returns a Consequence (or None when it has nothing to say) and changes nothing.
retirement_consequences = Signal()

# Sent once the retiring transaction has committed, with `document_id`, `actor_id` and `reason`.
document_retired = Signal()
