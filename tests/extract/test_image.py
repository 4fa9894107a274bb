"""The top image: og:image, JSON-LD image, the body's first picture; pixels and icons refused."""

from __future__ import annotations

from pipeline.extract.core import parse_html
from pipeline.extract.image import choose_top_image
from pipeline.extract.structured import read_metadata

PAGE = "https://news.example/2026/12/01/story/"


def top_image(head: str = "", body: str = "", url: str | None = PAGE) -> str | None:
    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return choose_top_image(read_metadata(tree), tree, url)


def test_og_image_comes_first():
    head = '<meta property="og:image" content="https://cdn.example/lead.jpg">'
    body = '<article><img src="/body.jpg" width="800"></article>'
    assert top_image(head, body) == "https://cdn.example/lead.jpg"


def test_relative_og_image_is_made_absolute_against_the_page():
    assert top_image('<meta property="og:image" content="../img/lead.jpg">') == (
        "https://news.example/2026/12/01/img/lead.jpg"
    )


def test_base_href_decides_what_relative_urls_resolve_against():
    head = '<base href="https://static.example/media/"><meta property="og:image" content="a.jpg">'
    assert top_image(head) == "https://static.example/media/a.jpg"


def test_twitter_image_when_there_is_no_og_image():
    head = '<meta name="twitter:image" content="https://cdn.example/tw.jpg">'
    assert top_image(head) == "https://cdn.example/tw.jpg"


def test_jsonld_image_object_when_there_is_no_meta_image():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x", '
        '"image": {"@type": "ImageObject", "url": "https://cdn.example/ld.jpg"}}</script>'
    )
    assert top_image(head) == "https://cdn.example/ld.jpg"


def test_jsonld_image_list_gives_its_first_picture():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"image": ["/img/1x1.gif", "/img/wide.jpg", "/img/square.jpg"]}</script>'
    )
    assert top_image(head) == "https://news.example/img/wide.jpg"


def test_first_body_image_when_nothing_is_declared():
    body = (
        '<header><img src="/static/logo.png"></header>'
        '<article><p>Text</p><img src="/photos/flood.jpg" alt="Flood"></article>'
    )
    assert top_image(body=body) == "https://news.example/photos/flood.jpg"


def test_lazy_loaded_body_image_is_read_from_data_src():
    body = '<article><img src="data:image/gif;base64,R0lGOD" data-src="/photos/a.jpg"></article>'
    assert top_image(body=body) == "https://news.example/photos/a.jpg"


def test_one_pixel_tracking_image_is_not_an_image():
    body = '<article><img src="/t/i.gif" width="1" height="1"><p>no picture</p></article>'
    assert top_image(body=body) is None


def test_pixel_and_spacer_urls_are_not_images():
    head = '<meta property="og:image" content="https://ads.example/tracking/pixel.gif">'
    body = '<article><img src="/img/spacer.gif"></article>'
    assert top_image(head, body) is None


def test_icons_and_logos_are_not_images():
    head = '<meta property="og:image" content="https://news.example/favicon.ico">'
    body = (
        '<article><img src="/share/facebook.svg"><img src="/brand/logo.png">'
        '<img class="author-avatar" src="/people/ann.jpg"></article>'
    )
    assert top_image(head, body) is None


def test_data_uri_og_image_falls_back_to_the_body():
    head = '<meta property="og:image" content="data:image/png;base64,iVBORw0">'
    body = '<article><img src="https://cdn.example/real.jpg"></article>'
    assert top_image(head, body) == "https://cdn.example/real.jpg"


def test_images_in_navigation_and_asides_are_not_the_articles():
    body = '<main><nav><img src="/promo/a.jpg"></nav><aside><img src="/ad/b.jpg"></aside></main>'
    assert top_image(body=body) is None


def test_relative_image_without_a_page_url_is_left_out():
    assert top_image('<meta property="og:image" content="/lead.jpg">', url=None) is None
