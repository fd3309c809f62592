"""The actions seeding records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

# Named "people." because the generator lived in people when its first events were stored.
SEED_SCALE = register("people.seed_scale", _("Large demo organisation generated"))
