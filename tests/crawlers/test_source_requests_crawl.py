"""A source's headers, cookies and proxy in real crawls: sent to its hosts (robots.txt
included) and nowhere else, through the proxy with its credentials, and their values
kept out of the crawl log, the results, crawl state and the archive."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import TestSite, article_html
from tests.forward_proxy import ForwardProxy

KEY = "k3y-4b1d9e"
SESSION = "s3ss10n-77c2"
PROXY_PASSWORD = "pr0xy-pa55"
SECRETS = (KEY, SESSION, PROXY_PASSWORD)
PAGES = ["/a/1", "/a/2", "/a/away"]


@dataclass
class Crawl:
    source: Source
    result: CrawlResult
    log: str
    state: str
    """Every crawl_state row of the source, as text."""
    archived_requests: list[dict[str, str]]
    """The request records' HTTP headers (lower-case names) in the source's WARC files."""


@dataclass
class Crawls:
    site: TestSite
    elsewhere: TestSite
    sent: Crawl
    sent_requests: list
    proxied: Crawl
    proxied_site: TestSite
    proxy: ForwardProxy
    proxied_seen: list[tuple[str, dict[str, str]]]
    """What the proxy saw of the crawl through its URL with credentials."""
    plain_proxy_seen: list[tuple[str, dict[str, str]]]
    """What the proxy saw of a crawl through its URL without credentials."""


def _build(site: TestSite, elsewhere_url: str) -> None:
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    urls = "".join(f"<url><loc>{site.base_url}{p}</loc></url>" for p in PAGES)
    site.add(
        "/sitemap.xml",
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        headers={"Content-Type": "text/xml"},
    )
    for path in PAGES[:2]:
        site.add(path, article_html(path, words=300))
    # A redirect to another host name of the same machine: off the source's hosts.
    site.add("/a/away", status=302, headers={"Location": f"{elsewhere_url}/stolen"})


def _archived_requests(archive: Path) -> list[dict[str, str]]:
    found = []
    for path in sorted(archive.rglob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    found.append({k.lower(): v for k, v in record.http_headers.headers})
    return found


def _crawl(crawl_env, source: Source) -> Crawl:
    run_id = crawl_env.new_run()
    (result,) = crawl_sources(
        crawl_env.settings, [source], run_id=run_id, database_url=crawl_env.database_url
    )
    settings = crawl_env.settings
    log = (settings.runs_dir / str(run_id) / source.name / "crawl.log").read_text("utf-8")
    with crawl_env.connect() as conn:
        rows = conn.execute(
            "SELECT * FROM warehouse.crawl_state WHERE source = %s", (source.name,)
        ).fetchall()
    return Crawl(
        source,
        result,
        log,
        repr(rows),
        _archived_requests(settings.archive_dir / source.name / str(run_id)),
    )


@pytest.fixture(scope="module")
def crawls(crawl_env) -> Crawls:
    site, elsewhere, proxied_site, plain_site = TestSite(), TestSite(), TestSite(), TestSite()
    proxy = ForwardProxy()
    with site.serve(), elsewhere.serve(), proxied_site.serve(), plain_site.serve(), proxy.serve():
        elsewhere_url = elsewhere.base_url.replace("127.0.0.1", "localhost")
        elsewhere.add("/stolen", article_html("stolen", words=300))
        _build(site, elsewhere_url)
        _build(proxied_site, elsewhere_url)
        _build(plain_site, elsewhere_url)
        sitemap = f"{site.base_url}/sitemap.xml"
        sent = _crawl(
            crawl_env,
            Source(
                name="sent",
                sitemaps=(sitemap,),
                headers=(("X-Api-Key", KEY), ("Accept-Language", "de")),
                cookies=(("consent", "yes"), ("session", SESSION)),
            ),
        )
        sent_requests = list(site.requests)
        proxy_url = proxy.url.replace("http://", f"http://user:{PROXY_PASSWORD}@")
        proxied = _crawl(
            crawl_env,
            Source(
                name="proxied",
                sitemaps=(f"{proxied_site.base_url}/sitemap.xml",),
                cookies=(("consent", "yes"),),
                proxy=proxy_url,
            ),
        )
        proxied_seen = list(proxy.seen)
        plain_sitemap = f"{plain_site.base_url}/sitemap.xml"
        _crawl(crawl_env, Source(name="plain", sitemaps=(plain_sitemap,), proxy=proxy.url))
        plain_seen = proxy.seen[len(proxied_seen) :]
    return Crawls(
        site, elsewhere, sent, sent_requests, proxied, proxied_site, proxy, proxied_seen, plain_seen
    )


def test_every_request_to_the_sources_host_carries_its_headers_and_cookies(crawls):
    paths = {r.path for r in crawls.sent_requests}
    assert {"/robots.txt", "/sitemap.xml", "/a/1", "/a/2", "/a/away"} <= paths
    for request in crawls.sent_requests:
        assert request.headers["x-api-key"] == KEY, request.path
        assert request.headers["accept-language"] == "de"
        assert request.headers["cookie"] == f"consent=yes; session={SESSION}"


def test_nothing_reaches_another_host_with_them(crawls):
    for request in crawls.elsewhere.requests:
        assert "cookie" not in request.headers and "x-api-key" not in request.headers
    assert crawls.sent.result.failed == 1  # the redirect away is refused


def test_the_values_stay_out_of_log_results_and_crawl_state(crawls):
    for crawl in (crawls.sent, crawls.proxied):
        text = "\n".join([crawl.log, json.dumps(crawl.result.as_dict()), crawl.state])
        assert not [secret for secret in SECRETS if secret in text]
    assert "headers X-Api-Key, Accept-Language and cookies consent, session" in crawls.sent.log


def test_the_archive_keeps_the_request_records_with_the_values_masked(crawls):
    archived = crawls.sent.archived_requests
    assert len(archived) >= 2  # robots.txt, the sitemap, the two articles
    for headers in archived:
        assert headers["cookie"] == headers["x-api-key"] == headers["accept-language"] == "***"
        assert headers["user-agent"].startswith("newsflow")


def test_every_request_goes_through_the_proxy_with_its_credentials(crawls):
    through = [urlpath for urlpath, _ in crawls.proxied_seen]
    site = crawls.proxied_site
    assert sorted(through) == sorted(site.base_url + path for path in site.paths())
    assert {"/robots.txt", "/sitemap.xml", "/a/1", "/a/2"} <= set(site.paths())
    expected = "Basic " + base64.b64encode(f"user:{PROXY_PASSWORD}".encode()).decode()
    assert {headers.get("proxy-authorization") for _, headers in crawls.proxied_seen} == {expected}
    assert all(headers["cookie"] == "consent=yes" for _, headers in crawls.proxied_seen)
    assert crawls.proxied.result.fetched == 2


def test_a_proxy_without_credentials_gets_no_proxy_authorization(crawls):
    assert len(crawls.plain_proxy_seen) >= 4  # robots.txt, the sitemap, the two articles
    assert not any("proxy-authorization" in headers for _, headers in crawls.plain_proxy_seen)


def test_the_proxy_is_logged_with_its_credentials_masked(crawls):
    port = crawls.proxy.url.rsplit(":", 1)[1]
    assert f"through the proxy http://***@127.0.0.1:{port}" in crawls.proxied.log
    assert not any("proxy-authorization" in r.headers for r in crawls.proxied_site.requests)
    for headers in crawls.proxied.archived_requests:
        assert headers.get("proxy-authorization", "***") == "***"
