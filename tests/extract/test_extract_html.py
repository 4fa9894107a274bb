"""extract_html on small hand-written pages, one behaviour each."""

from datetime import UTC, datetime

from pipeline.extract import EXTRACTOR_VERSION, extract_html


def test_article_body_has_no_furniture_lines(fixture_bytes):
    result = extract_html(fixture_bytes("article_furniture.html"), "https://example.com/news/tram")
    assert result.status == "ok"
    paragraphs = result.article.body.split("\n\n")
    for furniture in (
        "Share",
        "Advertisement",
        "Read more",
        "Sign up for our newsletter",
        "Photo: Getty Images",
    ):
        assert furniture not in paragraphs
    assert paragraphs[0].startswith("The city council voted on Tuesday")
    assert paragraphs[-1].startswith("The transport authority will publish")


def test_article_metadata_from_meta_tags(fixture_bytes):
    art = extract_html(
        fixture_bytes("article_furniture.html"), "https://example.com/news/tram"
    ).article
    assert art.title == "Council expands tram network"
    assert art.authors == ("Jane Doe", "John Smith")
    assert art.published_at == datetime(2024, 5, 3, 13, 47, 42, tzinfo=UTC)
    assert art.published_date_only is False
    assert art.language == "en"
    assert art.extractor_version == EXTRACTOR_VERSION


def test_gzip_input_is_accepted(fixture_bytes):
    plain = extract_html(fixture_bytes("article_furniture.html"), "u").article
    zipped = extract_html(fixture_bytes("article_furniture.html.gz"), "u").article
    assert zipped.body == plain.body


def test_jsonld_gives_title_authors_date_and_language(fixture_bytes):
    art = extract_html(fixture_bytes("jsonld_dates_authors.html"), "https://example.com/x").article
    assert art.title == "Council expands tram network"
    # the duplicate spelling is dropped; the organisation co-signing is kept
    assert art.authors == ("Jane Doe", "Example News")
    assert art.published_at == datetime(2024, 5, 3, 13, 47, 42, tzinfo=UTC)
    assert art.language == "en"


def test_date_only_from_url_path_is_midnight_utc_and_flagged(fixture_bytes):
    art = extract_html(
        fixture_bytes("url_date_only.html"), "https://example.com/2023/11/07/council-tram"
    ).article
    assert art.published_at == datetime(2023, 11, 7, tzinfo=UTC)
    assert art.published_date_only is True


def test_discovery_date_is_kept_when_the_page_has_none(fixture_bytes):
    found = datetime(2022, 3, 1, 8, 30, tzinfo=UTC)
    art = extract_html(
        fixture_bytes("url_date_only.html"), "https://example.com/tram", discovered_at=found
    ).article
    assert art.published_at == found


def test_latin1_page_without_http_charset_decodes(fixture_bytes):
    art = extract_html(fixture_bytes("latin1_no_http_charset.html"), "https://example.de/a").article
    assert art.title == "Straßenbahn für Köln"
    assert "zwölf Kilometer" in art.body
    assert art.language == "de"


def test_http_charset_is_used(fixture_bytes):
    art = extract_html(
        fixture_bytes("latin1_no_http_charset.html"), "u", http_charset="iso-8859-1"
    ).article
    assert "nächsten Frühjahr" in art.body


def test_language_is_detected_when_not_declared(fixture_bytes):
    art = extract_html(fixture_bytes("url_date_only.html"), "https://example.com/tram").article
    assert art.language == "en"


def test_broken_html_still_gives_the_text(fixture_bytes):
    result = extract_html(fixture_bytes("broken.html"), "https://example.com/b")
    assert result.status == "ok"
    assert "Construction is expected to start next spring" in result.article.body


def test_index_page_is_not_an_article(fixture_bytes):
    result = extract_html(fixture_bytes("index_page.html"), "https://example.com/news")
    assert result.status == "not_article"
    assert result.article is None
    assert result.message


def test_error_page_is_not_an_article(fixture_bytes):
    result = extract_html(fixture_bytes("error_page.html"), "https://example.com/missing")
    assert result.status == "not_article"


def test_short_page_is_not_an_article_below_min_chars(fixture_bytes):
    html = fixture_bytes("url_date_only.html")
    assert extract_html(html, "u").status == "ok"
    result = extract_html(html, "u", min_chars=5000)
    assert result.status == "not_article"
    assert "5000" in result.message


def test_empty_input_is_an_error_record(fixture_bytes):
    result = extract_html(fixture_bytes("empty.html"), "u")
    assert result.status == "error"
    assert result.message


def test_binary_input_does_not_raise(fixture_bytes):
    result = extract_html(fixture_bytes("binary.bin"), "u")
    assert result.status in {"error", "not_article"}
    assert result.article is None
