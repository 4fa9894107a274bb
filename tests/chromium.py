"""Tests that need Debian's Chromium: skipped without it, except in CI (``CI=true``),
where ``.ci/run`` installs the browser and the tests must run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def skip_or_fail(missing: list[str], what: str) -> None:
    """Skip the test that needs ``missing`` things (fail in CI); nothing when none is."""
    if not missing:
        return
    reason = f"{what} needs " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; in CI it must not be skipped")
    pytest.skip(reason)


def chromium_or_skip(what: str = "the test") -> Path:
    """Debian's chromium, when it is installed; otherwise skip (or fail in CI)."""
    skip_or_fail([] if CHROMIUM.exists() else [f"{CHROMIUM} (apt-get install chromium)"], what)
    return CHROMIUM
