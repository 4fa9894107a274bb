"""A three-article site on 127.0.0.1 for fault tests, and running ``newsflow`` on it."""

from __future__ import annotations

from pathlib import Path

from tests.crawlers.site import TestSite, article_html

ARTICLES = ("/news/one", "/news/two", "/news/three")


def small_site(site: TestSite) -> None:
    """robots.txt, a sitemap and three article pages (call inside ``site.serve()``)."""
    b = site.base_url
    site.add(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {b}/sitemap.xml\n",
        headers={"Content-Type": "text/plain"},
    )
    urls = "".join(f"<url><loc>{b}{p}</loc><lastmod>2024-05-01</lastmod></url>" for p in ARTICLES)
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{urls}</urlset>',
        headers={"Content-Type": "application/xml"},
    )
    for path in ARTICLES:
        site.add(path, article_html(path, words=300))


def write_sources(path: Path, base_url: str, name: str = "site") -> Path:
    path.write_text(
        f"sources:\n  - name: {name}\n    sitemaps: [robots]\n"
        f"    start_urls: [{base_url}/]\n    allow: ['/news/']\n",
        encoding="utf-8",
    )
    return path
