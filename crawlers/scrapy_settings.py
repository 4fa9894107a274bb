"""The Scrapy settings of a crawl: our components switched on, limits from the job."""

from __future__ import annotations

from typing import Any

from crawlers.job import CrawlJob

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,  # COOKIES_ENABLED is off
    "crawlers.middlewares.offsite.OffsiteRedirectMiddleware": 50,
    # The source's headers/cookies on its hosts only, its proxy; before Scrapy's
    # HttpProxyMiddleware (750), which turns the proxy's credentials into a header.
    "crawlers.middlewares.source_requests.SourceRequestsMiddleware": 60,
    "crawlers.middlewares.robots.RobotsFirstMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.retry.PoliteRetryMiddleware": 550,
    # Above retry (a wall is not retried), below decompression (reads decoded bodies).
    "crawlers.middlewares.botwall.BotWallMiddleware": 560,
    # Below retry (sees final responses only), above decompression (sees decoded bodies).
    "crawlers.middlewares.archive.WarcArchiveMiddleware": 545,
}

RENDER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    # Closest to the downloader: marks only what every other component let through.
    "crawlers.middlewares.render.RenderMiddleware": 950,
}
"""The middlewares of a ``render: browser`` source's crawl (see ``crawlers.render``)."""

ITEM_PIPELINES = {"crawlers.pipelines.CrawlStatePipeline": 100}
EXTENSIONS = {
    # Neither console belongs in an unattended pipeline. Scrapy 2.19's remote control
    # runs Python code sent to a local HTTP port and writes its token under
    # ~/.local/state/scrapy.
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawlers.extensions.content_type.HtmlOnlyExtension": 100,
    # robots.txt Crawl-delay as AutoThrottle's floor, per host
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawlers.extensions.throttle.RobotsAwareAutoThrottle": 0,
}


def enabled(
    components: dict[str, int | None], base: dict[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """The two Scrapy settings of a component kind, ``(ours, base)``, with the
    switched-off components left out of both (``components``: ours, None switching one
    of Scrapy's off; ``base``: Scrapy's ``*_BASE`` default).

    The same components run as with ``components`` as it is; but Scrapy imports every
    component a setting names to compare it with the ``*_BASE`` one, those switched off
    included (its remote control extension alone imports aiohttp: about 0.25 s of the
    crawler process's start).
    """
    off = {path for path, order in components.items() if order is None}
    ours = {path: order for path, order in components.items() if order is not None}
    return ours, {path: order for path, order in base.items() if path not in off}


def component_paths() -> list[str]:
    """Import paths of every component a crawl imports (see ``crawlers.worker.preload``):
    Scrapy's download handlers and the middlewares, extensions and pipelines that run
    (``enabled``)."""
    from scrapy.settings import default_settings as defaults

    middlewares, middlewares_base = enabled(
        DOWNLOADER_MIDDLEWARES, defaults.DOWNLOADER_MIDDLEWARES_BASE
    )
    extensions, extensions_base = enabled(EXTENSIONS, defaults.EXTENSIONS_BASE)
    paths = list(defaults.DOWNLOAD_HANDLERS_BASE.values())
    for components in (
        middlewares_base,
        middlewares,
        defaults.SPIDER_MIDDLEWARES_BASE,
        extensions_base,
        extensions,
        ITEM_PIPELINES,
    ):
        paths += [path for path in components if path not in paths]
    return paths


def _components(
    setting: str, components: dict[str, int | None], base: dict[str, int]
) -> dict[str, dict[str, int]]:
    """``setting`` and ``setting_BASE`` for ``components`` (see ``enabled``)."""
    ours, kept = enabled(components, base)
    return {setting: ours, f"{setting}_BASE": kept}


def scrapy_settings(job: CrawlJob) -> dict[str, Any]:
    """Settings for ``CrawlerProcess`` running ``job`` (with the browser's for a
    ``render: browser`` source)."""
    from scrapy.settings import default_settings as defaults

    limits = job.limits
    delay = job.source.download_delay
    # AutoThrottle starts at the larger of the delay and its start delay, unless the
    # source sets its own delay: the operator decided for this site, AutoThrottle still
    # slows down when the site does.
    start_delay = (
        delay
        if delay is not None
        else max(
            limits.download_delay_s,
            min(limits.autothrottle_start_delay_s, limits.autothrottle_max_delay_s),
        )
    )
    delay = limits.download_delay_s if delay is None else delay
    settings = {
        "NEWSFLOW_JOB": job,
        "BOT_NAME": "newsflow",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": False,  # our RobotsFirstMiddleware does it, for every request
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": job.log_level,
        **_components(
            "DOWNLOADER_MIDDLEWARES", DOWNLOADER_MIDDLEWARES, defaults.DOWNLOADER_MIDDLEWARES_BASE
        ),
        "ITEM_PIPELINES": ITEM_PIPELINES,
        **_components("EXTENSIONS", EXTENSIONS, defaults.EXTENSIONS_BASE),
        # Scrapy reads each generator callback's source (inspect, ast) for a ``return
        # value`` it would warn about, for every crawler again: ~10 ms a callback.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # Scrapy starts this many tasks for every callback's output; ours yield a few
        # items each, and the default 100 costs more than the download of a page.
        "CONCURRENT_ITEMS": 4,
        "CONCURRENT_REQUESTS": limits.concurrency_total,
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.concurrency_per_host,
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": start_delay,
        "AUTOTHROTTLE_MAX_DELAY": limits.autothrottle_max_delay_s,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(limits.concurrency_per_host),
        "DOWNLOAD_TIMEOUT": limits.download_timeout_s,
        "DOWNLOAD_MAXSIZE": limits.max_response_bytes,
        "DOWNLOAD_WARNSIZE": limits.warn_response_bytes,
        "REDIRECT_MAX_TIMES": limits.max_redirects,
        "RETRY_TIMES": limits.retry_times,
        "NEWSFLOW_RETRY_AFTER_MAX": limits.retry_after_max_s,
        "NEWSFLOW_BACKOFF_BASE": limits.backoff_base_s,
        "NEWSFLOW_BACKOFF_MAX": limits.backoff_max_s,
        "CLOSESPIDER_TIMEOUT": max(1, int(limits.crawl_timeout_s * 0.95)),
        "DEPTH_LIMIT": 0,
        "MEMUSAGE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    if job.source.render == "browser":
        # Only here: a plain-HTTP source's crawl never imports the browser machinery.
        from crawlers.render import render_settings

        settings.update(
            _components(
                "DOWNLOADER_MIDDLEWARES", RENDER_MIDDLEWARES, defaults.DOWNLOADER_MIDDLEWARES_BASE
            )
        )
        settings.update(render_settings(job))
    return settings
