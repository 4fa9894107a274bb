"""The HTML report of real sample-site runs, opened in headless Chromium (Debian's).

Two windowed runs of the pipeline over the sample site (a day advanced between them), then
``newsflow report``; the page is opened offline in ``/usr/bin/chromium`` through
Playwright: no console errors, no request leaves the file, every source's plot has drawn
one SVG trace per trace in its data and one mark per data point. A screenshot of the
whole page is saved under the test's ``tmp_path`` and named in every assertion message.
Without the browser the test is skipped, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.local_run import run_pipeline
from pipeline.window import Window
from tests.chromium import CHROMIUM, skip_or_fail
from tests.cli_helpers import run_newsflow
from tests.e2e.conftest import SITE_CONFIG, TODAY, e2e_settings, sources_file

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root (CI containers)
    "--disable-gpu",
    "--disable-background-networking",  # the machine may have no internet
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDERED = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    source: gd.closest('section.source').id.replace(/^source-/, ''),
    svgs: gd.querySelectorAll('svg.main-svg').length,
    traces: gd.data.length,
    drawn: gd.querySelectorAll('g.trace').length,
    points: gd.data.map(t => (t.y || []).filter(y => y !== null && y !== undefined).length),
    marks: [...gd.querySelectorAll('.cartesianlayer g.trace')].map(
        g => g.querySelectorAll('.point').length),
    spots: [...gd.querySelectorAll('.cartesianlayer g.trace')].map(g => new Set(
        [...g.querySelectorAll('path.point')].map(p => p.getAttribute('transform'))).size),
}))
"""
"""Per plot: its source, the SVG layers, the traces in its data and drawn, and per trace
the data points, the marks drawn (bars and markers are ``.point`` elements) and the
distinct places of its markers."""
PLOTS_DRAWN = """
n => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length === n && plots.every(gd => gd._fullLayout && gd.querySelector('g.trace'));
}
"""


@dataclass(frozen=True)
class Opened:
    """What the browser saw of the report."""

    console_errors: list[str]
    outside_requests: list[str]
    plots: list[dict[str, Any]]
    title: str
    screenshot: Path


def browser_or_skip() -> Any:
    """Playwright's sync API, when it and Debian's chromium are there; otherwise skip, or
    fail in CI, where ``.ci/run`` installs the browser."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        missing.append("the playwright package (pip install -e .)")
        sync_api = None
    skip_or_fail(missing, "the browser test")
    return sync_api


def last_days(today: date) -> Window:
    """The publication days a nightly run over the site asks for: its four days."""
    return Window(today - timedelta(days=SITE_CONFIG.days - 1), today)


@pytest.fixture(scope="module")
def report(site, make_database, tmp_path_factory) -> tuple[Path, list[str]]:
    """The report of two sample-site runs, and the sources those runs crawled."""
    home = tmp_path_factory.mktemp("report-home")
    url = make_database()
    settings = e2e_settings(home, url)
    sources = str(sources_file(site, home / "sources.yaml"))
    run_pipeline(settings, sources_file=sources, window=last_days(TODAY))
    last = run_pipeline(settings, sources_file=sources, window=last_days(site.advance_day()))
    out = home / "report.html"
    result = run_newsflow(
        "report",
        "--out",
        str(out),
        env={"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    return out, sorted(last["sources"])


@pytest.fixture(scope="module")
def sync_api() -> Any:
    """Checked before the runs, so a skip costs nothing."""
    return browser_or_skip()


def open_in_chromium(sync_api: Any, html: Path, screenshot: Path, plots: int) -> Opened:
    """Open ``html`` offline, wait until ``plots`` plots have drawn, take the screenshot."""
    errors: list[str] = []
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
            page.on("request", lambda r: r.url.startswith("file:") or outside.append(r.url))
            page.goto(html.as_uri(), wait_until="load")
            try:
                page.wait_for_function(PLOTS_DRAWN, arg=plots, timeout=30_000)
            finally:
                page.screenshot(path=str(screenshot), full_page=True)
            return Opened(errors, outside, page.evaluate(RENDERED), page.title(), screenshot)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def opened(sync_api, report, tmp_path_factory) -> Opened:
    html, sources = report
    shot = tmp_path_factory.mktemp("report-screenshot") / "report.png"
    try:
        return open_in_chromium(sync_api, html, shot, len(sources))
    except sync_api.TimeoutError as error:
        pytest.fail(f"not every plot drew within 30 s ({error}); screenshot: {shot}")


def test_the_report_opens_without_console_errors_or_requests(opened):
    assert opened.title == "newsflow report"
    assert opened.console_errors == [], f"screenshot: {opened.screenshot}"
    assert opened.outside_requests == [], f"the page must open offline; {opened.screenshot}"
    assert opened.screenshot.stat().st_size > 10_000, "an empty screenshot"


def test_every_source_has_a_plot_with_every_trace_drawn(opened, report):
    _, sources = report
    shot = f"screenshot: {opened.screenshot}"
    assert sorted(plot["source"] for plot in opened.plots) == sources, shot
    for plot in opened.plots:
        where = f"{plot['source']}: {plot} ({shot})"
        assert plot["svgs"] >= 2, where  # the plot area and the layer of titles/legend
        # articles per day + six shares at least; plus breach and failure traces if any
        assert plot["traces"] >= 7 and plot["drawn"] == plot["traces"], where


def test_every_data_point_is_a_mark(opened):
    """Each trace drew one bar or marker per data point: articles per publication day,
    and one point per run for the shares (two runs)."""
    for plot in opened.plots:
        where = f"{plot['source']}: {plot} (screenshot: {opened.screenshot})"
        assert plot["marks"] == plot["points"], where
        assert plot["points"][0] == SITE_CONFIG.days + 1, where  # articles per day
        assert plot["points"][1] == 2, where  # the yield of each run
        assert plot["spots"][1] == 2, f"the two runs share one point; {where}"
