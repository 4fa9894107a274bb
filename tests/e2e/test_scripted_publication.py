"""The sample site's JavaScript publication through ``newsflow run``: with
``render: browser`` its pages yield their full bodies; with ``http`` they are
``not_article`` and the run says the source may need rendering; without the browser only
the rendering source fails, with one line naming the package to install."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from devtools.sample_site import SampleSite
from devtools.sample_site.scripted import SCRIPTED_PAGES, SCRIPTED_SITEMAP, expected_bodies
from tests.chromium import chromium_or_skip
from tests.cli_helpers import run_newsflow
from tests.e2e.conftest import stored_articles

pytestmark = pytest.mark.slow


@dataclass
class Run:
    done: CompletedProcess[str]
    database_url: str

    @property
    def report(self) -> dict:
        return json.loads(self.done.stdout)


def _run(site: SampleSite, tmp: Path, database_url: str, sources: dict[str, str], **env) -> Run:
    """``newsflow run --json`` over sources named -> render mode, all of the publication."""
    text = "sources:\n" + "".join(
        f"  - name: {name}\n    sitemaps: [{site.base_url}{SCRIPTED_SITEMAP}]\n"
        f"    allow: ['/scripted/']\n    render: {render}\n"
        for name, render in sources.items()
    )
    (tmp / "sources.yaml").write_text(text, encoding="utf-8")
    done = run_newsflow(
        "run",
        "--sources",
        str(tmp / "sources.yaml"),
        "--json",
        env={"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp / "home"), **env},
        timeout=300,
    )
    return Run(done, database_url)


@pytest.fixture(scope="module")
def rendered(site, make_database, tmp_path_factory) -> Run:
    chromium_or_skip("rendering the JavaScript publication")
    return _run(site, tmp_path_factory.mktemp("rendered"), make_database(), {"js": "browser"})


@pytest.fixture(scope="module")
def plain(site, make_database, tmp_path_factory) -> Run:
    """The publication over plain HTTP, beside a rendering source without its browser."""
    tmp = tmp_path_factory.mktemp("plain")
    return _run(
        site,
        tmp,
        make_database(),
        {"js-rendered": "browser", "js": "http"},
        NEWSFLOW_CHROMIUM=str(tmp / "no-chromium"),
    )


def test_rendered_pages_yield_their_full_bodies(rendered, site):
    assert rendered.done.returncode == 0, rendered.done.stderr[-3000:]
    report = rendered.report
    assert report["sources"]["js"]["status"] == "success"
    assert report["not_article"] == 0
    stored = stored_articles(rendered.database_url)
    expected = {site.base_url + path: body for path, body in expected_bodies(site).items()}
    assert len(stored) == SCRIPTED_PAGES
    assert {url: article.body for url, article in stored.items()} == expected


def test_unrendered_pages_are_not_articles_and_the_run_says_to_render(plain):
    source = plain.report["sources"]["js"]
    assert source["not_article"] == SCRIPTED_PAGES
    assert source["status"] == "failed"
    assert (
        f"source 'js': {SCRIPTED_PAGES} of {SCRIPTED_PAGES} pages came back as JavaScript "
        "shells (scripts and almost no text); the site may need rendering: set "
        "'render: browser' for the source in the sources file"
    ) in source["error"]
    assert stored_articles(plain.database_url) == {}


def test_without_the_browser_only_the_rendering_source_fails_with_one_line(plain):
    error = plain.report["sources"]["js-rendered"]["error"]
    assert "\n" not in error
    assert "has render: browser but there is no Chromium" in error
    assert "apt-get install chromium" in error
    assert plain.report["sources"]["js"]["not_article"] == SCRIPTED_PAGES  # it went on
