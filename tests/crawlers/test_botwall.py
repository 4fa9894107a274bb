"""Bot walls are recognised by general signs, and ordinary pages and errors are not."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from crawlers.botwall import (
    BODY_CHARS,
    LITTLE_TEXT_CHARS,
    TEXT_PREFIX_BYTES,
    detect,
    shows_more_text,
    visible_text_length,
)
from crawlers.middlewares.botwall import _headers

DATA = Path(__file__).parent / "data" / "botwall"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


WALLS = [
    # fixture, status, headers, service
    (
        "cloudflare_403.html",
        403,
        {"server": "cloudflare", "cf-mitigated": "challenge"},
        "cloudflare",
    ),
    ("cloudflare_403.html", 403, {"server": "cloudflare"}, "cloudflare"),
    ("cloudflare_403.html", 503, {}, "cloudflare"),
    ("cloudflare_200.html", 200, {"server": "cloudflare"}, "cloudflare"),
    ("aws_waf_202.html", 202, {"x-amzn-waf-action": "challenge"}, "aws_waf"),
    ("aws_waf_202.html", 202, {}, "aws_waf"),
    ("akamai_403.html", 403, {"server": "AkamaiGHost"}, "akamai"),
    ("akamai_403.html", 403, {}, "akamai"),
    ("datadome_403.html", 403, {"x-datadome": "protected"}, "datadome"),
    ("datadome_403.html", 200, {}, "datadome"),
    ("perimeterx_403.html", 403, {}, "perimeterx"),
    ("captcha_200.html", 200, {}, "captcha"),
    ("hcaptcha_429.html", 429, {}, "captcha"),
]


@pytest.mark.parametrize(("name", "status", "headers", "service"), WALLS)
def test_the_challenge_page_of_each_service_is_recognised(name, status, headers, service):
    wall = detect(status, headers, page(name))
    assert wall is not None
    assert wall.service == service
    assert wall.sign


NOT_WALLS = [
    ("not_wall_article_200.html", 200, {"server": "cloudflare", "x-datadome": "protected"}),
    ("not_wall_forbidden_403.html", 403, {"server": "Apache"}),
    ("not_wall_not_found_404.html", 404, {}),
    ("not_wall_unavailable_503.html", 503, {"server": "cloudflare"}),
]


@pytest.mark.parametrize(("name", "status", "headers"), NOT_WALLS)
def test_ordinary_pages_and_errors_are_not_walls(name, status, headers):
    assert detect(status, headers, page(name)) is None


def test_an_article_that_mentions_captchas_and_carries_a_comment_captcha_is_a_page():
    assert visible_text_length(page("not_wall_article_200.html").decode()) > LITTLE_TEXT_CHARS
    assert detect(200, {}, page("not_wall_article_200.html")) is None


def test_a_protection_sensor_script_on_a_served_page_is_not_a_wall():
    body = b"<html><head><script>window._pxAppId='PX1';</script></head><body>Hi</body></html>"
    assert detect(200, {}, body) is None
    assert detect(403, {}, body) is not None


def test_a_wall_header_counts_whatever_the_status():
    assert detect(200, {"cf-mitigated": "challenge"}, b"") is not None
    assert detect(403, {"x-amzn-waf-action": "block"}, b"") is not None


def test_a_service_header_alone_on_a_served_page_is_not_a_wall():
    assert detect(200, {"x-datadome": "protected"}, b"<html><body>News</body></html>") is None
    assert detect(200, {"server": "cloudflare"}, b"<html><body>News</body></html>") is None


def test_a_not_found_page_is_never_a_wall_whatever_its_markup():
    assert detect(404, {"cf-mitigated": "challenge"}, page("captcha_200.html")) is None


def test_a_plain_refusal_without_signs_is_an_ordinary_error():
    assert detect(429, {"retry-after": "5"}, b"Too many requests") is None
    assert detect(503, {}, b"") is None


def test_visible_text_leaves_out_scripts_styles_and_tags():
    html = "<html><script>var a = 'xxxxxxxx';</script><style>p{}</style><p>Hello  <b>you</b></p>"
    assert visible_text_length(html) == len("Hello you")


# --- the cheap look at a page's start -------------------------------------------------

ARTICLE_PARAGRAPH = (
    "<p>The council met on Tuesday to discuss the new budget, and the debate went on late "
    "into the evening as members argued over the cost of the bridge repairs.</p>\n"
)


def long_article(extra: str = "") -> bytes:
    """A ~100 KB article (text from its first KB on) with ``extra`` in the middle."""
    paragraphs = ARTICLE_PARAGRAPH * 640
    middle = len(paragraphs) // 2
    return (
        "<!doctype html><html><head><title>Budget</title></head><body><article>"
        f"{paragraphs[:middle]}{extra}{paragraphs[middle:]}</article></body></html>"
    ).encode()


def test_a_long_article_mentioning_captchas_is_a_page_and_proves_it_from_its_start():
    mention = (
        "<p>Readers who verify you are human prompts annoy, she said, are not a robot.</p>"
        '<form><div class="g-recaptcha" data-sitekey="k"></div></form>'
    )
    body = long_article(mention)
    assert len(body) > 90_000
    assert shows_more_text(body[:BODY_CHARS], LITTLE_TEXT_CHARS)
    assert detect(200, {}, body) is None
    assert detect(202, {"server": "cloudflare"}, body) is None


def test_a_wall_behind_more_than_the_start_looked_at_is_still_recognised():
    """Markers and little text after a long script, style or template, each still open
    where the start looked at ends: the start proves nothing, the whole body is read."""
    prompt = '<p>Please verify you are human.</p><div class="g-recaptcha"></div>'
    prose = "the quick brown fox jumps over the lazy dog " * 200  # ~9 KB, no tags
    heads = [
        f"<script>var text = '{prose}';</script>",
        f"<style>/* {prose} */</style>",
        f"<noscript>{'x' * 10}</noscript><template>{prose}</template>",
    ]
    for head in heads:
        body = f"<html><head>{head}</head><body>{prompt}</body></html>".encode()
        assert len(body) > 2 * TEXT_PREFIX_BYTES
        assert not shows_more_text(body, LITTLE_TEXT_CHARS)
        wall = detect(200, {}, body)
        assert wall is not None, head[:20]
        assert wall.service == "captcha"


def test_a_wall_whose_marker_is_written_as_character_references_is_recognised():
    body = (
        b"<html><head><title>Check</title></head><body>"
        b"<p>Please verify you are h&#117;man: &#99;omplete the security check.</p>"
        b"</body></html>"
    )
    wall = detect(200, {}, body)
    assert wall is not None
    assert wall.service == "captcha"
    # Character references in the article text do not make a long article a wall.
    article = long_article("<p>verify you are h&#117;man &amp; more</p>")
    assert detect(200, {}, article) is None


def test_text_written_as_tags_in_character_references_is_not_counted_as_visible():
    """``&lt;script&gt;`` reads as a script opening once references are resolved (as
    detect reads the page): the text after it is not proof of a page."""
    body = ("<p>&lt;script&gt;" + "word " * 1000 + "</p>").encode()
    assert not shows_more_text(body, LITTLE_TEXT_CHARS, prefix_bytes=64)


# Pieces of markup that move the boundaries visible_text_length sees: tags, scripts and
# styles opened and closed (or not), references that resolve to tag characters, case.
PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<",
        ">",
        "<script>",
        "</script>",
        "</script >",
        "<script",
        "<SCRIPT>",
        "</SCRIPT>",
        "<style>",
        "</style>",
        "<noscript>",
        "</noscript>",
        "<template>",
        "</template>",
        "<scripts>",
        "&lt;",
        "&gt;",
        "&lt;script&gt;",
        "&lt;/script&gt;",
        "&#60;",
        "&#x3c;style&#62;",
        "&amp;",
        "&nbsp;",
        "&not",
        "&#304;",
        "\u03a3",
        "\xa0",
        "\u0130",
        "word ",
        "text",
        " ",
        "\n",
        "é",
        "x",
        "Σa",
        "&",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(PIECES, max_size=60),
    prefix_bytes=st.integers(min_value=1, max_value=120),
    chars=st.integers(min_value=0, max_value=40),
)
def test_the_start_never_claims_more_text_than_the_whole_page_has(pieces, prefix_bytes, chars):
    window = "".join(pieces).encode("utf-8")
    if shows_more_text(window, chars, prefix_bytes=prefix_bytes):
        page = html.unescape(window.decode("latin-1")).lower()
        assert visible_text_length(page) > chars


def test_the_middleware_passes_the_headers_detect_reads_in_lower_case():
    response = HtmlResponse(
        "http://127.0.0.1/a",
        status=403,
        headers={"Server": "cloudflare", "CF-Mitigated": "challenge", "X-Other": "1"},
        body=b"",
    )
    assert _headers(response) == {"server": "cloudflare", "cf-mitigated": "challenge"}
