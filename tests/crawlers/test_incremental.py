"""Date window and incremental crawling over four runs of one small site.

Run 1 covers 2024-05-02..03; run 2 is the same crawl again; before run 3 one article's
lastmod changes (and its content); before run 4 another's lastmod changes but the server
answers its conditional request with 304.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from pipeline.window import Window
from tests.crawlers.site import Request, TestSite, article_html

WINDOW = Window(date(2024, 5, 2), date(2024, 5, 3))
IN_WINDOW = ["/a/in-news", "/a/in-rss", "/a/in-plain"]
OUT_OF_WINDOW = ["/a/before-news", "/a/after-rss", "/a/before-plain"]
UNDATED = "/a/undated"
ETAG = '"v1"'


@dataclass
class Runs:
    site: TestSite
    results: list[CrawlResult]
    requests: list[list[Request]]
    """Article requests of each run."""


def sitemap(base: str, lastmods: dict[str, str]) -> str:
    urls = "".join(
        f"<url><loc>{base}{p}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
        for p, m in lastmods.items()
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )


def _add_pages(site: TestSite) -> None:
    """robots.txt, a news sitemap, an RSS feed and the articles (plain.xml changes per run)."""
    b = site.base_url
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    site.add(
        "/news.xml",
        f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{b}/a/in-news</loc><news:news><news:publication_date>2024-05-02T06:00:00Z</news:publication_date></news:news></url>
<url><loc>{b}/a/before-news</loc><news:news><news:publication_date>2024-05-01T23:59:00Z</news:publication_date></news:news></url>
</urlset>""",
        headers={"Content-Type": "application/xml"},
    )
    site.add(
        "/rss.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>{b}/a/in-rss</link><pubDate>Fri, 03 May 2024 23:00:00 GMT</pubDate></item>
<item><link>{b}/a/after-rss</link><pubDate>Sat, 04 May 2024 00:30:00 GMT</pubDate></item>
</channel></rss>""",
        headers={"Content-Type": "application/rss+xml"},
    )
    for path in (*IN_WINDOW, *OUT_OF_WINDOW, UNDATED):
        site.add(
            path,
            article_html(path),
            headers={
                "Content-Type": "text/html",
                "ETag": ETAG,
                "Last-Modified": "Fri, 03 May 2024 10:00:00 GMT",
            },
        )


@pytest.fixture(scope="module")
def runs(crawl_env) -> Runs:
    site = TestSite()
    lastmods = {
        "/a/in-plain": "2024-05-03T10:00:00Z",
        "/a/before-plain": "2024-04-20",
        UNDATED: None,
    }
    with site.serve():
        b = site.base_url
        _add_pages(site)

        def not_modified(request: Request):
            if request.headers.get("if-none-match") == ETAG:
                return 304, {"ETag": ETAG}, b""
            return 200, {"Content-Type": "text/html", "ETag": ETAG}, article_html("x").encode()

        source = Source(
            name="inc", sitemaps=(f"{b}/news.xml", f"{b}/plain.xml"), feeds=(f"{b}/rss.xml",)
        )
        results, requests = [], []
        for step in range(4):
            if step == 2:
                lastmods["/a/in-plain"] = "2024-05-03T18:00:00Z"
                site.add(
                    "/a/in-plain", article_html("revised"), headers={"Content-Type": "text/html"}
                )
            if step == 3:
                lastmods[UNDATED] = "2024-05-02T12:00:00Z"
                site.add(UNDATED, handler=not_modified)
            site.add(
                "/plain.xml", sitemap(b, lastmods), headers={"Content-Type": "application/xml"}
            )
            before = len(site.requests)
            (result,) = crawl_sources(
                crawl_env.settings,
                [source],
                run_id=crawl_env.new_run(),
                database_url=crawl_env.database_url,
                window=WINDOW,
            )
            results.append(result)
            requests.append([r for r in site.requests[before:] if r.path.startswith("/a/")])
    return Runs(site, results, requests)


def paths(requests: list[Request]) -> list[str]:
    return sorted(r.path for r in requests)


def test_out_of_window_pages_are_never_requested(runs):
    requested = {r.path for r in runs.site.requests}
    assert not requested & set(OUT_OF_WINDOW)
    assert runs.results[0].skipped_by_date == len(OUT_OF_WINDOW)


def test_in_window_and_undated_pages_are_fetched(runs):
    assert paths(runs.requests[0]) == sorted([*IN_WINDOW, UNDATED])
    assert runs.results[0].fetched == len(IN_WINDOW) + 1


def test_second_run_downloads_nothing_unchanged(runs):
    assert runs.requests[1] == []
    # The site gives no validators: its three documents come back with the same bodies
    # and are not parsed again, so their (known) URLs are not even looked at.
    assert runs.results[1].discovery_unchanged == 3
    assert runs.results[1].skipped_unchanged == 0
    assert runs.results[1].fetched == 0


def test_changed_lastmod_triggers_exactly_one_conditional_re_download(runs):
    (request,) = runs.requests[2]
    assert request.path == "/a/in-plain"
    assert request.headers.get("if-none-match") == ETAG
    assert request.headers.get("if-modified-since") == "Fri, 03 May 2024 10:00:00 GMT"
    assert runs.results[2].fetched == 1


def test_304_answer_counts_as_not_modified(runs, crawl_env):
    (request,) = runs.requests[3]
    assert request.path == UNDATED
    assert (runs.results[3].not_modified, runs.results[3].fetched) == (1, 0)
    with crawl_env.connect() as conn:
        outcome, status, warc_path = conn.execute(
            "SELECT outcome, http_status, warc_path FROM warehouse.crawl_state WHERE url = %s",
            (runs.site.base_url + UNDATED,),
        ).fetchone()
    assert (outcome, status) == ("not_modified", 304) and warc_path  # first fetch's copy kept
