"""The browser of ``render: browser`` sources: is it there, and what to say when it is not.

Only Debian's ``chromium`` package (``/usr/bin/chromium``) or the executable that
``NEWSFLOW_CHROMIUM`` names is used; nothing downloads a browser build. This module
imports neither Scrapy nor Playwright, so the parent process can check the browser
before it starts a source's crawl.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = "chromium"
"""The Debian package that installs the browser."""
ARGS = (
    "--no-sandbox",  # crawls may run as root (containers), where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a small /dev/shm
    "--disable-background-networking",  # no update checks, no field trials
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
)
"""Command-line switches of the headless browser."""


def missing_browser(source: str, chromium: str | Path) -> str | None:
    """One line saying that ``source`` cannot be rendered because ``chromium`` is not an
    executable file (naming the package to install), or None when it is."""
    path = Path(chromium)
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (
        f"source '{source}' has render: browser but there is no Chromium at {path}: "
        f"install Debian's package (apt-get install {PACKAGE}) or set NEWSFLOW_CHROMIUM "
        "to the browser's path"
    )
