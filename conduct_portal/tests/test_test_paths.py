from __future__ import annotations

import configparser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_every_folder_of_tests_is_one_pytest_collects() -> None:
    """A new app's tests run in `make test` and CI only if pytest.ini's testpaths names the app."""
    config = configparser.ConfigParser()
    config.read(BASE_DIR / "pytest.ini")
    collected = set(config["pytest"]["testpaths"].split())
    with_tests = {
        path.parent.parent.name
        for path in BASE_DIR.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".")
    } | {path.parent.name for path in BASE_DIR.glob("*/conftest.py")}

    assert with_tests - collected == set()
