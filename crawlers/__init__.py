"""The crawling stage: discovery, polite fetching and the raw WARC archive.

``crawlers.run.crawl_sources`` is the entry point: it crawls each source in its own
child process (``crawlers.worker``), because Scrapy's Twisted reactor cannot be
restarted in one process. Pure parts (URL canonicalisation, sitemap/feed parsing, the
fetch decision) live in their own modules; Scrapy components (spider, middlewares,
pipelines) are thin and switched on in ``crawlers.scrapy_settings``.
"""
