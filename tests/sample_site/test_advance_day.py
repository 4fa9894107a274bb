"""advance_day: a new day of articles, exactly one revised article, visible over HTTP."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

from lxml import etree

from devtools.sample_site import SampleSite
from tests.sample_site.conftest import TODAY, fetch, small_config

SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _lastmods(site: SampleSite, article) -> dict[str, str]:
    if article.source == "daily-planet":
        day = article.published_at.date().isoformat()
        body = gzip.decompress(fetch(f"{site.base_url}/planet/sitemaps/{day}.xml.gz").body)
    else:
        body = fetch(site.base_url + "/gazette/sitemap.xml").body
    root = etree.fromstring(body)
    return {
        u.findtext("sm:loc", namespaces=SM): u.findtext("sm:lastmod", namespaces=SM)
        for u in root.xpath("//sm:url", namespaces=SM)
    }


def test_advance_day_publishes_the_next_day_and_keeps_the_earlier_ones() -> None:
    site = SampleSite(small_config())
    before = site.expected_articles()
    assert site.advance_day() == TODAY + timedelta(days=1)
    after = site.expected_articles()
    new = {a.url for a in after} - {a.url for a in before}
    assert len(after) == len(before) + 3 * 4 and len(new) == 3 * 4
    assert {a.published_at.date() for a in after if a.url in new} == {TODAY + timedelta(days=1)}


def test_advance_day_revises_exactly_one_earlier_original_without_copies() -> None:
    site = SampleSite(small_config())
    before = {a.url: a for a in site.expected_articles()}
    site.advance_day()
    revised = [a for a in site.expected_articles() if a.version == 2]
    assert len(revised) == 1
    article = revised[0]
    old = before[article.url]
    assert article.kind == "original" and old.version == 1
    assert article.body != old.body and article.body.startswith(old.body)
    assert article.title == old.title and article.published_at == old.published_at
    assert not any(a.original_url == article.url for a in before.values())


def test_each_advance_revises_another_article() -> None:
    site = SampleSite(small_config())
    for _ in range(3):
        site.advance_day()
    revised = [a for a in site.expected_articles() if a.version == 2]
    assert len(revised) == 3
    assert {a.source for a in revised} >= {"daily-planet", "valley-gazette"}


def test_the_revised_page_has_a_new_etag_last_modified_and_sitemap_lastmod(fresh_site) -> None:
    site = fresh_site
    site.advance_day()
    article = next(a for a in site.expected_articles() if a.version == 2)
    revised_at = datetime.combine(site.today, time(5, 0), UTC)
    response = fetch(article.url)
    assert response.header("Last-Modified") == format_datetime(revised_at, usegmt=True)
    assert article.body.split("\n\n")[-1].encode() in response.body
    assert _lastmods(site, article)[article.url] == revised_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_a_cached_copy_of_the_revised_page_is_no_longer_fresh(fresh_site) -> None:
    site = fresh_site
    probe = SampleSite(small_config())
    probe.advance_day()
    url = next(a for a in probe.expected_articles(site.base_url) if a.version == 2).url
    old = fetch(url)
    site.advance_day()
    assert fetch(url, headers={"If-None-Match": old.header("ETag")}).status == 200
    assert fetch(url, headers={"If-Modified-Since": old.header("Last-Modified")}).status == 200


def test_the_new_day_appears_in_the_sitemap_index_and_news_sitemap(fresh_site) -> None:
    site = fresh_site
    site.advance_day()
    index = fetch(site.base_url + "/planet/sitemap-index.xml").body.decode()
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert f"/planet/sitemaps/{tomorrow}.xml.gz" in index
    news = fetch(site.base_url + "/planet/news-sitemap.xml").body.decode()
    assert f"/planet/{tomorrow.replace('-', '/')}/" in news
    assert f"/planet/{(TODAY - timedelta(days=1)).isoformat().replace('-', '/')}/" not in news


def test_control_endpoint_advances_the_day_for_another_process(fresh_site) -> None:
    response = fetch(fresh_site.base_url + "/_control/advance-day", method="POST")
    assert response.status == 200
    assert json.loads(response.body) == {"today": (TODAY + timedelta(days=1)).isoformat()}
    assert fresh_site.today == TODAY + timedelta(days=1)
    expected = json.loads(fetch(fresh_site.base_url + "/_control/expected").body)
    assert sum(1 for a in expected if a["version"] == 2) == 1
