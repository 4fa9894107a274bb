"""Writing benchmark tables into benchmarks/RESULTS.md.

Each benchmark owns one section of the file, between ``<!-- bench-NAME:start -->`` and
``<!-- bench-NAME:end -->``; rewriting a section leaves the others as they are.
"""

from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\nWritten by `make bench`; each section by its own benchmark.\n"


def machine_line() -> str:
    """Cores, memory, Python and key library versions, and today's date (UTC)."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "unknown RAM"
    versions = []
    for package in ("trafilatura", "scrapy", "psycopg", "datasketch"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return (f"{os.cpu_count()} cores, {memory}, Python {platform.python_version()}, "
            f"{', '.join(versions)}; {datetime.now(timezone.utc):%Y-%m-%d}")


def write_section(name: str, markdown: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section ``name`` of the results file with ``markdown``."""
    start, end = f"<!-- bench-{name}:start -->", f"<!-- bench-{name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
