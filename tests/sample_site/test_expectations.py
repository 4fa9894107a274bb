"""What the site promises without serving: determinism, copies, sizes, sources file."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from devtools.sample_site import SampleSite, SiteConfig
from devtools.sample_site.site import PLACEHOLDER_BASE_URL
from pipeline.dedup.shingles import jaccard, shingle_hashes
from pipeline.sources import parse_sources
from tests.sample_site.conftest import TODAY


def _default() -> SampleSite:
    return SampleSite(SiteConfig(seed=7, today=TODAY))


def test_same_seed_gives_the_same_expectations() -> None:
    assert _default().expected_articles() == _default().expected_articles()


def test_another_seed_gives_other_articles() -> None:
    other = SampleSite(SiteConfig(seed=8, today=TODAY)).expected_articles()
    assert {a.body for a in other}.isdisjoint({a.body for a in _default().expected_articles()})


def test_unserved_expectations_use_the_placeholder_or_the_given_base_url() -> None:
    site = _default()
    assert all(a.url.startswith(PLACEHOLDER_BASE_URL + "/") for a in site.expected_articles())
    assert all(
        a.url.startswith("http://x.test:1/") for a in site.expected_articles("http://x.test:1")
    )


def test_default_site_has_about_420_articles_over_14_days_ending_today() -> None:
    articles = _default().expected_articles()
    assert len(articles) == 14 * 10 * 3 + 2  # plus the two trap pages that are articles
    days = {a.published_at.date() for a in articles}
    assert days == {TODAY - timedelta(days=n) for n in range(14)}


def test_each_publication_has_its_own_url_pattern_and_unique_urls() -> None:
    articles = _default().expected_articles()
    patterns = {
        "daily-planet": r"/planet/(\d{4}/\d{2}/\d{2}/[a-z0-9-]+/|traps/[a-z0-9-]+/)$",
        "metro-herald": r"/herald/news/[a-z0-9-]+-\d+\.html$",
        "valley-gazette": r"/gazette/\d{4}/\d{2}/[a-z0-9-]+$",
    }
    for article in articles:
        assert re.search(patterns[article.source], article.url), article.url
    assert len({a.url for a in articles}) == len(articles)


def test_bodies_have_4_to_12_paragraphs_of_25_to_80_words() -> None:
    for article in _default().expected_articles():
        if "/traps/" in article.url:
            continue
        paragraphs = article.body.split("\n\n")
        assert 4 <= len(paragraphs) <= 13, article.url  # a near copy may add a line
        for p in paragraphs:
            if p.startswith("This article first appeared"):
                continue
            assert 25 <= len(p.split()) <= 80 + 16, (article.url, p)


def test_about_ten_percent_are_copies_of_originals_published_earlier() -> None:
    articles = _default().expected_articles()
    by_url = {a.url: a for a in articles}
    copies = [a for a in articles if a.kind != "original"]
    assert 0.05 <= len(copies) / len(articles) <= 0.15
    assert {a.kind for a in copies} == {"exact_copy", "near_copy"}
    for copy in copies:
        original = by_url[copy.original_url]
        assert original.kind == "original"
        assert original.published_at <= copy.published_at
        assert original.source != copy.source


def test_exact_copies_follow_the_same_day_and_near_copies_the_next_day() -> None:
    articles = _default().expected_articles()
    by_url = {a.url: a for a in articles}
    for copy in articles:
        if copy.kind == "original":
            continue
        lag = copy.published_at.date() - by_url[copy.original_url].published_at.date()
        assert lag == timedelta(days=0 if copy.kind == "exact_copy" else 1), copy.url


def test_exact_copies_are_herald_pages_with_a_planet_body() -> None:
    articles = _default().expected_articles()
    by_url = {a.url: a for a in articles}
    exact = [a for a in articles if a.kind == "exact_copy"]
    assert exact
    for copy in exact:
        assert copy.source == "metro-herald"
        assert by_url[copy.original_url].source == "daily-planet"
        assert copy.body == by_url[copy.original_url].body


def test_near_copies_are_gazette_pages_similar_enough_to_be_near_duplicates() -> None:
    articles = _default().expected_articles()
    by_url = {a.url: a for a in articles}
    near = [a for a in articles if a.kind == "near_copy"]
    assert near
    for copy in near:
        original = by_url[copy.original_url]
        assert copy.source == "valley-gazette"
        assert copy.body != original.body
        similarity = jaccard(shingle_hashes(copy.body), shingle_hashes(original.body))
        assert similarity >= 0.8, (copy.url, similarity)


def test_distinct_originals_are_far_from_near_duplicates() -> None:
    site = SampleSite(SiteConfig(seed=7, today=TODAY, days=3))
    originals = [a for a in site.expected_articles() if a.kind == "original"]
    hashes = [shingle_hashes(a.body) for a in originals]
    worst = max(
        jaccard(hashes[i], hashes[j]) for i in range(len(hashes)) for j in range(i + 1, len(hashes))
    )
    assert worst < 0.3


def test_only_gazette_articles_show_their_date_as_visible_text_only() -> None:
    for article in _default().expected_articles():
        assert article.date_only_visible == (article.source == "valley-gazette")


def test_the_sources_file_validates_and_each_source_allows_its_own_articles_only() -> None:
    site = _default()
    sources = {s.name: s for s in parse_sources(site.sources_yaml("http://127.0.0.1:9"))}
    assert set(sources) == {"daily-planet", "metro-herald", "valley-gazette"}
    assert sources["daily-planet"].sitemaps == ("http://127.0.0.1:9/planet/sitemap-index.xml",)
    assert sources["metro-herald"].feeds == ("http://127.0.0.1:9/herald/rss.xml",)
    assert sources["valley-gazette"].sitemaps == ("robots",)
    assert sources["valley-gazette"].start_urls == ("http://127.0.0.1:9/gazette/section/news/",)
    for source in sources.values():
        assert source.download_delay == 0 and source.language == "en"
    for article in site.expected_articles("http://127.0.0.1:9"):
        for name, source in sources.items():
            allowed = any(re.search(p, article.url) for p in source.allow)
            assert allowed == (name == article.source), (name, article.url)


def test_robots_disallowed_urls_pass_the_allow_patterns_so_only_robots_stops_them() -> None:
    sources = {s.name: s for s in parse_sources(_default().sources_yaml("http://h:1"))}
    rude = {
        "daily-planet": "http://h:1/private/planet/2026/11/24/embargoed-story-0/",
        "metro-herald": "http://h:1/herald/admin/news/draft-preview-1.html",
        "valley-gazette": "http://h:1/private/gazette/2026/11/subscriber-special-0",
    }
    for name, url in rude.items():
        assert any(re.search(p, url) for p in sources[name].allow), url


def test_write_sources_file_writes_the_yaml(tmp_path) -> None:
    path = _default().write_sources_file(tmp_path / "sources.yaml", "http://127.0.0.1:9")
    assert len(parse_sources(path.read_text())) == 3


def test_a_large_site_is_created_lazily_in_well_under_two_seconds() -> None:
    started = time.perf_counter()
    site = SampleSite(SiteConfig(seed=7, today=TODAY, days=100, articles_per_day=500))
    with site.serve() as served:
        assert served.catalog.lookup("/nothing") is None
    assert time.perf_counter() - started < 2.0


def test_config_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError, match="days"):
        SiteConfig(days=0)
    with pytest.raises(ValueError, match="articles_per_day"):
        SiteConfig(articles_per_day=0)


def test_today_defaults_to_the_current_utc_day() -> None:
    assert SiteConfig().today == datetime.now(UTC).date()
    assert isinstance(SiteConfig().today, date)
