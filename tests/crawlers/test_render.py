"""``render: browser`` in a real crawl of the sample site's JavaScript publication: the
article pages are rendered in Debian's Chromium and archived as rendered, with a record
header naming the browser; a rendered page loads the site's scripts and data but no
images, fonts or style sheets; contexts are recycled; a plain source crawled next in the
same crawler process is not rendered. Without the browser only that
source fails, with one line naming the package to install."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.browser import PACKAGE
from crawlers.job import CrawlJob
from crawlers.render import allowed_subresource
from crawlers.run import CrawlResult, crawl_sources
from crawlers.scrapy_settings import scrapy_settings
from crawlers.warc import RENDERED_HEADER
from devtools.sample_site import SampleSite, SiteConfig
from devtools.sample_site.scripted import (
    APP_JS,
    NOT_LOADED,
    SCRIPTED_SITEMAP,
    expected_bodies,
    scripted_paths,
)
from pipeline.sources import Source
from tests.chromium import chromium_or_skip

PAGES = 8
PER_CONTEXT = 3


@dataclass
class Rendered:
    result: CrawlResult
    records: dict[str, tuple[str | None, str]]
    """Article path -> (the rendered header, the archived HTML)."""
    asked: list[str]
    """Paths the site was asked for during the crawl."""
    log: str
    site: SampleSite
    plain: CrawlResult
    """The crawl of the same pages (on another server) over plain HTTP, after it."""
    plain_records: dict[str, tuple[str | None, str]]
    plain_asked: list[str]


def _records(archive: Path, base: str) -> dict[str, tuple[str | None, str]]:
    records = {}
    for path in archive.rglob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and "/scripted/20" in url:
                    body = record.content_stream().read().decode("utf-8")
                    records[url[len(base) :]] = (
                        record.rec_headers.get_header(RENDERED_HEADER),
                        body,
                    )
    return records


@pytest.fixture(scope="module")
def rendered(crawl_env) -> Rendered:
    """The publication crawled with ``render: browser`` and then, in the same crawler
    process, a second copy of it (another server) over plain HTTP."""
    chromium_or_skip("rendering")
    # A browser on a busy machine takes seconds to start: more time than plain crawls.
    limits = replace(
        crawl_env.settings.crawl,
        download_timeout_s=20.0,
        crawl_timeout_s=240.0,
        render_pages_per_context=PER_CONTEXT,
    )
    settings = crawl_env.settings.with_overrides(crawl=limits)
    config = SiteConfig(days=2, articles_per_day=2)
    with SampleSite(config).serve() as site, SampleSite(config).serve() as other:
        sources = [
            Source(name, sitemaps=(f"{s.base_url}{SCRIPTED_SITEMAP}?pages={PAGES}",), render=r)
            for name, s, r in (("scripted", site, "browser"), ("plain", other, "http"))
        ]
        run_id = crawl_env.new_run()
        result, plain = crawl_sources(
            settings, sources, run_id=run_id, database_url=crawl_env.database_url
        )
        log = (settings.runs_dir / str(run_id) / "scripted" / "crawl.log").read_text()
        return Rendered(
            result,
            _records(settings.archive_dir / "scripted" / str(run_id), site.base_url),
            [r.path for r in site.request_log],
            log,
            site,
            plain,
            _records(settings.archive_dir / "plain" / str(run_id), other.base_url),
            [r.path for r in other.request_log],
        )


def test_a_plain_source_crawled_after_it_in_the_same_process_is_not_rendered(rendered):
    assert rendered.plain.error is None and rendered.plain.fetched == PAGES
    assert {header for header, _ in rendered.plain_records.values()} == {None}
    assert APP_JS not in rendered.plain_asked


def test_every_page_is_fetched_through_the_browser(rendered):
    assert rendered.result.error is None, (rendered.result.error, rendered.log[-3000:])
    assert rendered.result.fetched == PAGES
    assert re.search(rf"'playwright/request_count/navigation': {PAGES}\b", rendered.log)


def test_the_archive_holds_the_rendered_text_and_names_the_browser(rendered):
    expected = expected_bodies(rendered.site, PAGES)
    assert set(rendered.records) == set(scripted_paths(rendered.site, PAGES))
    for path, (header, html) in rendered.records.items():
        assert header is not None and re.fullmatch(r"chromium \d+(\.\d+)+", header)
        for paragraph in expected[path].split("\n\n"):
            assert f"<p>{paragraph}</p>" in html.replace("&quot;", '"')


def test_pages_load_the_sites_scripts_and_data_but_no_images_fonts_or_styles(rendered):
    assert rendered.asked.count(APP_JS) == PAGES
    assert sum(p.startswith("/scripted/api/") for p in rendered.asked) == PAGES
    assert not [p for p in rendered.asked if p.startswith(NOT_LOADED)]


def test_at_most_two_pages_are_open_at_once(rendered):
    most = re.search(r"'playwright/page_count/max_concurrent': (\d+)", rendered.log)
    assert most is not None and 1 <= int(most.group(1)) <= 2


def test_browser_contexts_are_recycled(rendered):
    contexts = re.search(r"'playwright/context_count': (\d+)", rendered.log)
    assert contexts is not None and int(contexts.group(1)) == -(-PAGES // PER_CONTEXT)
    at_once = re.search(r"'playwright/context_count/max_concurrent': (\d+)", rendered.log)
    assert at_once is not None and int(at_once.group(1)) <= 2


def test_a_missing_browser_fails_only_the_source_that_renders(crawl_env, tmp_path):
    settings = crawl_env.settings.with_overrides(chromium_path=tmp_path / "no-chromium")
    with SampleSite(SiteConfig(days=2, articles_per_day=2)).serve() as site:
        sitemap = f"{site.base_url}{SCRIPTED_SITEMAP}?pages=2"
        rendering, plain = crawl_sources(
            settings,
            [
                Source("rendering", sitemaps=(sitemap,), render="browser"),
                Source("plain", sitemaps=(sitemap,)),
            ],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
    assert rendering.error == (
        f"source 'rendering' has render: browser but there is no Chromium at "
        f"{tmp_path / 'no-chromium'}: install Debian's package (apt-get install {PACKAGE}) "
        "or set NEWSFLOW_CHROMIUM to the browser's path"
    )
    assert rendering.fetched == 0
    assert plain.error is None and plain.fetched == 2


def test_a_plain_http_source_loads_no_browser_machinery(crawl_env):
    source = Source("plain", sitemaps=("https://example.com/s.xml",))
    job = CrawlJob(source, run_id=1, database_url="", archive_dir=Path("/a"), user_agent="ua")
    settings = scrapy_settings(job)
    assert "DOWNLOAD_HANDLERS" not in settings
    assert not any("render" in path for path in settings["DOWNLOADER_MIDDLEWARES"])
    rendering = scrapy_settings(replace(job, source=replace(job.source, render="browser")))
    assert "crawlers.middlewares.render.RenderMiddleware" in rendering["DOWNLOADER_MIDDLEWARES"]


def test_the_browser_goes_through_the_sources_proxy():
    source = Source("p", sitemaps=("https://example.com/s.xml",), render="browser")
    job = CrawlJob(source, run_id=1, database_url="", archive_dir=Path("/a"), user_agent="ua")
    assert "proxy" not in scrapy_settings(job)["PLAYWRIGHT_LAUNCH_OPTIONS"]
    proxied = replace(job, source=replace(source, proxy="http://u%40x:s3cret@proxy.example:3128"))
    assert scrapy_settings(proxied)["PLAYWRIGHT_LAUNCH_OPTIONS"]["proxy"] == {
        "server": "http://proxy.example:3128",
        "username": "u@x",
        "password": "s3cret",
    }


@pytest.mark.parametrize(
    ("kind", "url", "allowed"),
    [
        ("document", "https://news.example/a/", True),
        ("script", "https://news.example/app.js", True),
        ("xhr", "https://news.example/api/1.json", True),
        ("fetch", "https://news.example/api/1.json", True),
        ("script", "https://tracker.example/t.js", False),
        ("fetch", "https://api.elsewhere.example/1.json", False),
        ("document", "https://ads.example/frame", False),
        ("image", "https://news.example/photo.jpg", False),
        ("font", "https://news.example/serif.woff2", False),
        ("media", "https://news.example/clip.mp4", False),
        ("stylesheet", "https://news.example/style.css", False),
        ("script", "https://news.example/cdn-cgi/challenge-platform/h/b/orchestrate/v1", False),
    ],
)
def test_a_rendered_page_loads_only_scripts_and_data_of_its_own_site(kind, url, allowed):
    assert allowed_subresource(kind, url, ("news.example",)) is allowed
