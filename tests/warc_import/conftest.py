"""Fixtures for the WARC import tests: the sample site's pages as CC-NEWS would hold them."""

from __future__ import annotations

from datetime import date

import pytest

from devtools.warc_files import WarcPage, sample_pages

TODAY = date(2026, 11, 30)
"""The sample site's last day in these tests (its pages: 2026-11-29 and 2026-11-30)."""


@pytest.fixture(scope="session")
def pages() -> list[WarcPage]:
    """18 article pages of three publications, each on its own host, two days."""
    return sample_pages(today=TODAY, days=2, articles_per_day=3)
