"""A child process's side: set Django up, run one step, print its result as the last line of stdout."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

from bench import (
    api_listing,
    campaign,
    dashboard,
    database,
    evidence_pack,
    exports,
    hr_import,
    publishing,
    searching,
    signing,
    sweep,
    verification,
)
from bench.plumbing import Result

STEPS: dict[str, Callable[[Result], Result]] = {
    "windows": database.step_windows,
    "dashboard": dashboard.step_dashboard,
    "campaign": campaign.step_campaign,
    "search-sections": searching.step_search_sections,
    "search-people": searching.step_search_people,
    "export": exports.step_export,
    "xlsx-floor": exports.step_xlsx_floor,
    "publish": publishing.step_publish,
    "sweep": sweep.step_sweep,
    "signing-prepare": signing.step_signing_prepare,
    "count-signatures": signing.step_count_signatures,
    "password-check": signing.step_password_check,
    "verify": verification.step_verify,
    "pack": evidence_pack.step_pack,
    "pack-verify": evidence_pack.step_pack_verify,
    "hr-import": hr_import.step_hr_import,
    "api-token": api_listing.step_api_token,
    "api-list": api_listing.step_api_list,
}


def run_step(name: str, params_json: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")
    import django

    django.setup()
    result = STEPS[name](json.loads(params_json))
    # The last line of stdout is the result; anything printed before it is left alone.
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")
