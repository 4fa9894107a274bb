"""A deterministic sample news site with three publications, served on 127.0.0.1.

Used by ``make demo``, the end-to-end tests and the benchmarks::

    from devtools.sample_site import SampleSite, SiteConfig

    with SampleSite(SiteConfig(seed=7, today=date(2026, 11, 25))).serve() as site:
        site.write_sources_file("sources.yaml")
        expected = site.expected_articles()

One server, three publications under path prefixes, each with its own page template and
discovery method:

- ``daily-planet`` (``/planet/``): JSON-LD pages; a sitemap index, a Google News sitemap
  and gzipped per-day sitemaps; the trap pages under ``/planet/traps/``.
- ``metro-herald`` (``/herald/``): OpenGraph/meta pages; RSS 2.0 (links with ``utm_*``
  tracking parameters) and Atom feeds; some articles are exact copies of planet articles.
- ``valley-gazette`` (``/gazette/``): pages with visible-only dates; the ``Sitemap:``
  lines of /robots.txt and paginated section pages; some articles are near copies.

A bot-wall trap, opt-in (nothing links to it): the sitemap ``/walled/sitemap.xml``
lists pages that answer with a challenge, 403 or 200 (:mod:`devtools.sample_site.walls`).
A consent-wall trap, opt-in too: ``/consent/sitemap.xml`` lists pages that show a consent
interstitial unless the cookie ``consent=yes`` is sent (:mod:`devtools.sample_site.consent`).
A paywall trap, opt-in as well: the sitemap ``/paywalled/sitemap.xml`` lists articles
declared ``isAccessibleForFree: false`` whose text stops at a subscribe prompt, and one
free article (:mod:`devtools.sample_site.paywalled`).
A JavaScript publication, opt-in too: the sitemap ``/scripted/sitemap.xml`` lists pages
whose body a script fetches as JSON and inserts (:mod:`devtools.sample_site.scripted`).

Sitemaps and feeds carry an ETag and a Last-Modified and answer a matching conditional
request with 304, except the valley-gazette's, whose server gives no validators at all.
``SiteConfig(late_article=True)`` holds one daily-planet article back until
``publish_late`` (or POST ``/_control/publish-late``): one day sitemap changes between
two runs, nothing else.

Everything is generated from the seed (no copyrighted text), lazily per article, and
known in advance: :meth:`SampleSite.expected_articles` is what a perfect pipeline stores.
``advance_day`` publishes a new day and revises one article. Every request is kept in
``request_log`` (and appended to ``SiteConfig.log_file``); ``/_control/requests``,
``/_control/expected``, ``/_control/traps`` (GET), ``/_control/advance-day`` and
``/_control/publish-late`` (POST)
let another process drive a running site. Run one with ``python -m devtools.sample_site``.
"""

from devtools.sample_site.site import (
    ExpectedArticle,
    RequestRecord,
    SampleSite,
    SiteConfig,
)

__all__ = ["ExpectedArticle", "RequestRecord", "SampleSite", "SiteConfig"]
