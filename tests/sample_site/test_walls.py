"""The bot-wall trap: an opt-in sitemap of pages that answer with a challenge."""

from __future__ import annotations

from crawlers.botwall import detect
from devtools.sample_site.walls import WALL_SITEMAP, WALLED_PAGES, walled_paths
from tests.sample_site.conftest import fetch


def _headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def test_the_walled_sitemap_lists_every_walled_page(site) -> None:
    response = fetch(site.base_url + WALL_SITEMAP)
    assert response.status == 200
    paths = walled_paths(site)
    assert len(paths) == WALLED_PAGES
    assert all(f"<loc>{site.base_url}{path}</loc>".encode() in response.body for path in paths)


def test_even_pages_answer_403_with_a_challenge(site) -> None:
    response = fetch(site.base_url + walled_paths(site)[0])
    assert response.status == 403
    wall = detect(response.status, _headers(response), response.body)
    assert wall is not None and wall.service == "cloudflare"


def test_odd_pages_answer_200_with_a_captcha_page(site) -> None:
    response = fetch(site.base_url + walled_paths(site)[1])
    assert response.status == 200
    wall = detect(response.status, _headers(response), response.body)
    assert wall is not None and wall.service == "captcha"


def test_nothing_on_the_site_leads_to_the_walls(site) -> None:
    for path in ("/robots.txt", "/planet/sitemap-index.xml", "/gazette/sitemap.xml", "/"):
        assert b"/walled/" not in fetch(site.base_url + path).body
