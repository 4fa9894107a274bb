"""Validators on the discovery documents, the gazette without any, and the late article."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from devtools.sample_site import SampleSite
from tests.sample_site.conftest import TODAY, fetch, small_config

WITH_VALIDATORS = (
    "/planet/sitemap-index.xml",
    "/planet/news-sitemap.xml",
    f"/planet/sitemaps/{TODAY.isoformat()}.xml.gz",
    "/herald/rss.xml",
    "/herald/atom.xml",
)


@pytest.fixture
def late_site() -> Iterator[SampleSite]:
    with SampleSite(small_config(late_article=True)).serve() as served:
        yield served


@pytest.mark.parametrize("path", WITH_VALIDATORS)
def test_sitemaps_and_feeds_send_etag_and_last_modified(site, path) -> None:
    response = fetch(site.base_url + path)
    assert response.status == 200
    assert response.header("ETag").startswith('"')
    assert response.header("Last-Modified").endswith("GMT")


@pytest.mark.parametrize("path", WITH_VALIDATORS)
def test_either_validator_sent_back_gives_304(site, path) -> None:
    first = fetch(site.base_url + path)
    by_etag = fetch(site.base_url + path, headers={"If-None-Match": first.header("ETag")})
    by_date = fetch(
        site.base_url + path, headers={"If-Modified-Since": first.header("Last-Modified")}
    )
    assert (by_etag.status, by_etag.body) == (304, b"")
    assert (by_date.status, by_date.body) == (304, b"")


def test_the_gazette_sitemap_gives_no_validators_and_always_the_whole_body(site) -> None:
    url = site.base_url + "/gazette/sitemap.xml"
    first = fetch(url)
    assert first.header("ETag") is None and first.header("Last-Modified") is None
    again = fetch(url, headers={"If-None-Match": "*"})
    assert (again.status, again.body) == (200, first.body)


def test_the_request_log_records_the_conditional_headers(site) -> None:
    fetch(site.base_url + "/herald/rss.xml", headers={"If-None-Match": '"x"'})
    last = site.request_log[-1]
    assert (last.path, last.headers["if-none-match"]) == ("/herald/rss.xml", '"x"')


def test_a_new_day_gives_the_documents_new_validators(fresh_site) -> None:
    before = {p: fetch(fresh_site.base_url + p) for p in WITH_VALIDATORS[:2] + ("/herald/rss.xml",)}
    fresh_site.advance_day()
    for path, old in before.items():
        answer = fetch(fresh_site.base_url + path, headers={"If-None-Match": old.header("ETag")})
        assert answer.status == 200, path
        assert answer.header("ETag") != old.header("ETag")
        assert answer.header("Last-Modified") != old.header("Last-Modified")


def test_the_late_article_is_not_published_until_asked(late_site) -> None:
    (held,) = {a.url for a in SampleSite(small_config()).expected_articles(late_site.base_url)} - {
        a.url for a in late_site.expected_articles()
    }
    assert fetch(held).status == 404
    path = late_site.publish_late()
    assert late_site.base_url + path == held
    assert fetch(held).status == 200
    assert held in {a.url for a in late_site.expected_articles()}


def test_publishing_the_late_article_changes_one_day_sitemap_and_the_index_only(
    late_site,
) -> None:
    base = late_site.base_url
    days = [f"/planet/sitemaps/{d.isoformat()}.xml.gz" for d in late_site.days()]
    paths = ["/planet/sitemap-index.xml", "/planet/news-sitemap.xml", *days]
    before = {p: fetch(base + p).header("ETag") for p in paths}
    path = json.loads(fetch(base + "/_control/publish-late", method="POST").body)["path"]
    changed = [p for p in paths if fetch(base + p).header("ETag") != before[p]]
    late_day = path.split("/")[2:5]
    assert changed == ["/planet/sitemap-index.xml", f"/planet/sitemaps/{'-'.join(late_day)}.xml.gz"]


def test_publishing_twice_is_refused(late_site) -> None:
    late_site.publish_late()
    with pytest.raises(ValueError, match="late_article"):
        late_site.publish_late()
