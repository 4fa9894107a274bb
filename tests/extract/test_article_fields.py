"""extract_page fills top_image_url, section, tags and modified_at from one page."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.extract import extract_page
from pipeline.records import FetchedPage

URL = "https://news.example/politics/2026/12/01/budget-vote/"
BODY = " ".join(["The parliament voted on the budget late on Monday after a long debate."] * 8)
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Budget passes</title>
<meta property="og:type" content="article">
<meta property="og:image" content="/media/vote.jpg">
<meta property="article:section" content="Politics">
<meta property="article:tag" content="Budget">
<meta property="article:published_time" content="2026-12-01T08:00:00Z">
<meta property="article:modified_time" content="{{modified}}">
</head><body><article><h1>Budget passes</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"""


def page(modified: str, *, keywords: tuple[str, ...] = ()) -> FetchedPage:
    return FetchedPage(
        url=URL,
        source="s",
        body=PAGE.replace("{modified}", modified).encode(),
        fetched_at=datetime(2026, 12, 2, 3, 0, tzinfo=UTC),
        sitemap_keywords=keywords,
    )


def test_an_article_page_gives_all_four_fields():
    article = extract_page(page("2026-12-01T10:00:00Z", keywords=("Parliament",))).article
    assert article is not None
    assert article.top_image_url == "https://news.example/media/vote.jpg"
    assert article.section == "Politics"
    assert article.tags == ("Budget", "Parliament")
    assert article.modified_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_a_modified_time_after_the_fetch_is_left_out():
    article = extract_page(page("2026-12-05T10:00:00Z")).article
    assert article is not None and article.modified_at is None
