"""The JavaScript publication: an opt-in sitemap of pages whose body a script inserts."""

from __future__ import annotations

import json
import re

from devtools.sample_site.scripted import (
    APP_JS,
    SCRIPTED_PAGES,
    SCRIPTED_SITEMAP,
    expected_bodies,
    scripted_paths,
)
from pipeline.extract import extract_html
from tests.sample_site.conftest import fetch


def test_the_scripted_sitemap_lists_its_pages_and_more_when_asked(site) -> None:
    body = fetch(site.base_url + SCRIPTED_SITEMAP).body
    assert body.count(b"<loc>") == SCRIPTED_PAGES
    for path in scripted_paths(site):
        assert f"<loc>{site.base_url}{path}</loc>".encode() in body
    assert fetch(site.base_url + SCRIPTED_SITEMAP + "?pages=40").body.count(b"<loc>") == 40


def test_a_scripted_page_holds_no_body_text_without_its_script(site) -> None:
    path = scripted_paths(site)[0]
    page = fetch(site.base_url + path)
    assert page.status == 200 and APP_JS.encode() in page.body
    first_paragraph = expected_bodies(site)[path].split("\n\n")[0]
    assert first_paragraph.encode() not in page.body
    result = extract_html(page.body.decode(), url=site.base_url + path)
    assert result.status == "not_article"


def test_the_json_endpoint_holds_the_expected_paragraphs(site) -> None:
    path = scripted_paths(site)[3]
    page = fetch(site.base_url + path).body.decode()
    data_src = re.search(r'data-src="([^"]+)"', page)
    assert data_src is not None
    story = json.loads(fetch(site.base_url + data_src.group(1)).body)
    assert "\n\n".join(story["paragraphs"]) == expected_bodies(site)[path]


def test_nothing_on_the_site_leads_to_the_scripted_publication(site) -> None:
    for path in ("/robots.txt", "/planet/sitemap-index.xml", "/gazette/sitemap.xml", "/"):
        assert b"/scripted/" not in fetch(site.base_url + path).body


def test_unknown_scripted_paths_are_not_found(site) -> None:
    assert fetch(site.base_url + "/scripted/1999/01/01/story-0/").status == 404
    assert fetch(site.base_url + "/scripted/nothing").status == 404
