"""One ``run_pipeline`` over a site that serves the garbage of ``tests.faults.garbage``
as sitemaps and article pages: the run succeeds, good articles are loaded, and every
bad input has a recorded reason (crawl stats for discovery documents, the extraction
results file for pages)."""

from __future__ import annotations

import psycopg
import pytest

from pipeline.config import CrawlLimits, Settings
from pipeline.local_run import run_pipeline
from pipeline.results_file import read_results
from pipeline.run_plan import RunPlan
from pipeline.steps import extracted_path
from tests.crawlers.site import TestSite
from tests.faults import garbage

pytestmark = pytest.mark.slow

XML = {"Content-Type": "application/xml"}
GZIP = {"Content-Type": "application/x-gzip"}
HTML = {"Content-Type": "text/html"}
GOOD = [f"/news/good-{n}" for n in range(6)]
BAD_PAGES = {
    "/news/random": garbage.RANDOM_BYTES,
    "/news/deep": garbage.deeply_nested_html(),
    "/news/empty": b"",
    "/news/nul": b"\x00" * 5000,
    "/news/one-line": garbage.single_line_page(10),
}
BAD_SITEMAPS = {
    "/laughs.xml": (garbage.BILLION_LAUGHS, XML),
    "/blowup.xml": (garbage.QUADRATIC_BLOWUP, XML),
    "/bomb.xml.gz": (garbage.gzip_bomb(200), GZIP),
    "/truncated.xml.gz": (
        garbage.truncated_gzip(garbage.sitemap([f"http://a.test/{n}" for n in range(2000)])),
        GZIP,
    ),
    "/noise.xml": (garbage.RANDOM_BYTES, XML),
}
RECOVERED = {"/truncated.xml.gz"}
"""Bad sitemaps read as far as they go (their complete entries) instead of failing."""
UNREADABLE = len(BAD_SITEMAPS) - len(RECOVERED)


def good_article(n: int) -> str:
    """A distinct article page with a byline and a date."""
    text = " ".join(
        f"Report {n} sentence {i} says the council of town {n * 31 + i} met "
        f"on day {i} to discuss budget item {n}{i}."
        for i in range(30)
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {n}</title>"
        f"<meta name='author' content='Jane Reporter'>"
        f"<meta property='article:published_time' content='2024-05-01T10:00:00Z'>"
        f"</head><body><article><h1>Story {n}</h1><p>{text}</p></article></body></html>"
    )


def build(site: TestSite) -> None:
    b = site.base_url
    site.add(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {b}/index.xml\n",
        headers={"Content-Type": "text/plain"},
    )
    children = [*BAD_SITEMAPS, "/pages.xml"]
    site.add(
        "/index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{b}{p}</loc></sitemap>" for p in children)
        + "</sitemapindex>",
        headers=XML,
    )
    for path, (body, headers) in BAD_SITEMAPS.items():
        site.add(path, body, headers=headers)
    site.add("/pages.xml", garbage.sitemap([b + p for p in [*GOOD, *BAD_PAGES]]), headers=XML)
    for n, path in enumerate(GOOD):
        site.add(path, good_article(n))
    for path, body in BAD_PAGES.items():
        site.add(path, body, headers=HTML)


@pytest.fixture(scope="module")
def garbage_run(make_database, tmp_path_factory):
    home = tmp_path_factory.mktemp("garbage-home")
    settings = Settings.from_env(
        {
            "NEWSFLOW_HOME": str(home),
            "NEWSFLOW_DATABASE_URL": make_database(),
            "NEWSFLOW_EXTRACT_PROCESSES": "2",
        }
    )
    settings = settings.with_overrides(
        crawl=CrawlLimits(download_delay_s=0.0, download_timeout_s=10.0, crawl_timeout_s=120.0)
    )
    site = TestSite()
    with site.serve():
        build(site)
        sources = home / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: junk\n    sitemaps: [{site.base_url}/index.xml]"
            "\n    allow: ['/news/']\n    download_delay: 0\n"
        )
        report = run_pipeline(settings, sources_file=str(sources))
    plan = RunPlan(run_id=report["run_id"], sources=("junk",), sources_file=sources)
    results = {r.url: r for r in read_results(extracted_path(settings, plan, "junk"))}
    with psycopg.connect(settings.database_url) as conn:
        stored = {row[0] for row in conn.execute("SELECT url FROM warehouse.articles")}
    return site, report, results, stored


def test_garbage_run_succeeds(garbage_run):
    _, report, _, _ = garbage_run
    assert report["status"] == "success", report


def test_every_bad_sitemap_is_counted_as_malformed_or_recovered(garbage_run):
    _, report, _, _ = garbage_run
    crawl = report["sources"]["junk"]["crawl"]
    assert crawl["failed_by_reason"].get("sitemap_malformed") == UNREADABLE, crawl
    assert crawl["discovery_recovered"] == len(RECOVERED)


def test_bad_sitemaps_count_as_discovery_failures_not_as_failed_articles(garbage_run):
    _, report, results, _ = garbage_run
    junk = report["sources"]["junk"]
    assert junk["discovery_failed"] == report["counts"]["discovery_failed"] == UNREADABLE
    # failed: the article pages that failed, here only in extraction (none in the crawl)
    assert junk["failed"] == sum(1 for r in results.values() if r.status == "error") > 0


def test_every_bad_page_has_a_recorded_extraction_reason(garbage_run):
    site, _, results, _ = garbage_run
    outcomes = {
        p: (results[site.base_url + p].status, results[site.base_url + p].message)
        for p in BAD_PAGES
    }
    assert outcomes == {
        "/news/random": ("error", "input is empty or not HTML"),
        "/news/empty": ("error", "input is empty or not HTML"),
        "/news/nul": ("error", "input is empty or not HTML"),
        "/news/deep": ("not_article", "no article text found"),
        "/news/one-line": ("ok", None),
    }  # 10 MB of words is an article


def test_good_articles_are_loaded_and_unreadable_pages_are_not(garbage_run):
    site, _, results, stored = garbage_run
    assert {site.base_url + p for p in GOOD} <= stored
    unreadable = {site.base_url + p for p in BAD_PAGES if results[site.base_url + p].status != "ok"}
    assert unreadable and not unreadable & stored
