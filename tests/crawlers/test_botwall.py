"""Bot walls are recognised by general signs, and ordinary pages and errors are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.botwall import LITTLE_TEXT_CHARS, detect, visible_text_length

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
