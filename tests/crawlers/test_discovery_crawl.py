"""Discovery in real crawls of a local site: which documents failed and why, feeds
announced by a page, relative robots.txt sitemaps, a sitemap index listing itself."""

from __future__ import annotations

import pytest

from crawlers.run import crawl_sources
from pipeline.sources import AUTO, Source
from tests.crawlers.site import TestSite, article_html

XML = {"Content-Type": "application/xml"}
RSS = {"Content-Type": "application/rss+xml"}


def urlset(*locs: str) -> str:
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        + "</urlset>"
    )


def rss(*links: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + "".join(f"<item><title>i</title><link>{link}</link></item>" for link in links)
        + "</channel></rss>"
    )


def build(site: TestSite) -> None:
    b = site.base_url
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\nSitemap: /rel/sitemap.xml\n",
        headers={"Content-Type": "text/plain"},
    )
    site.add("/rel/sitemap.xml", urlset(f"{b}/news/from-robots"), headers=XML)
    site.add(
        "/self-index.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
        'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/self-index.xml</loc></sitemap>'
        "<sitemap><loc>/child.xml</loc></sitemap></sitemapindex>",
        headers=XML,
    )
    site.add("/child.xml", urlset(f"{b}/news/from-child"), headers=XML)
    site.add(
        "/home",
        '<!doctype html><html><head><link rel="alternate" type="application/'
        'rss+xml" href="/announced.rss"></head><body><a href="/about">about</a></body></html>',
    )
    site.add("/announced.rss", rss(f"{b}/news/announced"), headers=RSS)
    site.add("/plain", "<!doctype html><html><head></head><body>no feeds</body></html>")
    site.add("/empty.xml", urlset(), headers=XML)
    site.add(
        "/sloppy.rss",
        rss(f"{b}/news/sloppy").replace("<title>t</title>", "<title>Fish & chips</title>"),
        headers=RSS,
    )
    for name in ("from-robots", "from-child", "announced", "sloppy"):
        site.add(f"/news/{name}", article_html(name))


@pytest.fixture(scope="module")
def crawled(crawl_env):
    site = TestSite()
    with site.serve():
        build(site)
        b = site.base_url
        sources = [
            Source(name="missing", sitemaps=(f"{b}/moved/sitemap.xml",)),
            Source(name="refused", sitemaps=("http://127.0.0.1:1/sitemap.xml",)),
            Source(name="mixed", feeds=(f"{b}/gone.rss", f"{b}/sloppy.rss")),
            Source(name="selfie", sitemaps=(f"{b}/self-index.xml",)),
            Source(name="auto", feeds=(AUTO,), start_urls=(f"{b}/home",), allow=("/news/",)),
            Source(name="no-feed", feeds=(AUTO,), start_urls=(f"{b}/plain",), allow=("/news/",)),
            Source(name="robots", sitemaps=("robots",), start_urls=(f"{b}/news/from-child",)),
            Source(name="quiet", sitemaps=(f"{b}/empty.xml",)),
        ]
        results = crawl_sources(
            crawl_env.settings,
            sources,
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
    return site, {r.source: r for r in results}


def test_a_source_whose_only_sitemap_answers_404_has_a_discovery_error(crawled):
    site, results = crawled
    assert results["missing"].discovery_error() == (
        f"source 'missing': no discovery document could be read: "
        f"{site.base_url}/moved/sitemap.xml answered 404"
    )
    assert results["missing"].source_error() == results["missing"].discovery_error()


def test_a_source_whose_host_refuses_connections_says_so(crawled):
    error = crawled[1]["refused"].discovery_error()
    assert error == (
        "source 'refused': no discovery document could be read: "
        "http://127.0.0.1:1/sitemap.xml not fetched: robots.txt unreachable "
        "(connection_refused), so the host is not crawled"
    )


def test_one_broken_feed_next_to_a_recovered_one_succeeds_and_names_the_broken(crawled):
    site, results = crawled
    mixed = results["mixed"]
    assert mixed.discovery_error() is None
    assert mixed.failed_documents == (f"{site.base_url}/gone.rss answered 404",)
    assert (mixed.documents_read, mixed.discovery_recovered, mixed.fetched) == (1, 1, 1)


def test_a_sitemap_index_listing_itself_is_read_once_and_its_child_is_read(crawled):
    site, results = crawled
    assert site.count("/self-index.xml") == 1
    assert "/news/from-child" in site.paths()
    assert results["selfie"].failed_documents == ()


def test_feeds_announced_by_a_start_page_are_read_with_feeds_auto(crawled):
    site, results = crawled
    assert "/announced.rss" in site.paths() and "/news/announced" in site.paths()
    assert results["auto"].discovery_error() is None


def test_a_start_page_announcing_no_feed_is_a_failed_document(crawled):
    site, results = crawled
    assert results["no-feed"].failed_documents == (
        (
            f'{site.base_url}/plain: it announces no feed (no <link rel="alternate" '
            'type="application/rss+xml"> or Atom)'
        ),
    )
    assert results["no-feed"].discovery_error() is None  # the page itself was read


def test_a_relative_sitemap_line_of_robots_txt_is_read(crawled):
    assert "/rel/sitemap.xml" in crawled[0].paths()
    assert "/news/from-robots" in crawled[0].paths()


def test_an_empty_sitemap_is_a_quiet_day_not_a_failure(crawled):
    quiet = crawled[1]["quiet"]
    assert (quiet.documents_read, quiet.failed_documents, quiet.discovery_error()) == (1, (), None)


def test_a_sitemap_that_empties_fails_a_source_that_found_urls_before(crawl_env):
    from pipeline import runs

    site = TestSite()
    with site.serve():
        b = site.base_url
        site.add("/news/kept", article_html("kept"))
        site.add("/sitemap.xml", urlset(f"{b}/news/kept"), headers=XML)
        source = Source(name="emptied", sitemaps=(f"{b}/sitemap.xml",))
        outcomes = []
        for _ in range(2):
            run_id = crawl_env.new_run()
            (result,) = crawl_sources(
                crawl_env.settings, [source], run_id=run_id, database_url=crawl_env.database_url
            )
            with crawl_env.connect() as conn:
                runs.start_source(conn, run_id, source.name)
                runs.add_source_counts(conn, run_id, source.name, result.run_counts())
            outcomes.append(result)
            site.add("/sitemap.xml", urlset(), headers=XML)  # the site moved its articles
    assert outcomes[0].discovery_error() is None and outcomes[0].discovered == 1
    assert outcomes[1].discovered_before == 1
    assert (
        outcomes[1]
        .discovery_error()
        .startswith(
            "source 'emptied': discovery found no article URL in 1 document(s) read, where an "
            "earlier run found 1;"
        )
    )
