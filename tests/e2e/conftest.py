"""Browser tests: Debian's chromium driven by Playwright against a live Django server.

`playwright install` downloads a browser and fails here; we always use /usr/bin/chromium.
Without chromium these tests skip and say so; under CI=true a skip is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            "CI=true but /usr/bin/chromium is missing: .ci/run must install Debian's chromium"
        )
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)
