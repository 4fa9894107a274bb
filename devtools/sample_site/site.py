"""The sample site's state (its day, revisions, request log) and what it promises.

``SampleSite`` knows, without serving anything, which articles it publishes and what a
perfect extractor returns for each (:meth:`SampleSite.expected_articles`); ``serve``
starts the HTTP server (:mod:`devtools.sample_site.server`) in a background thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from devtools.sample_site.catalog import (
    GAZETTE,
    HERALD,
    PLANET,
    PUBLICATIONS,
    ArticleKey,
    Catalog,
)

if TYPE_CHECKING:
    from devtools.sample_site.server import Serving

PLACEHOLDER_BASE_URL = "http://sample-site.invalid"
"""Base URL of expectations computed for a site that is not serving."""
DISALLOWED_PATHS = ("/private/", "/herald/admin/", "/_control/")
REVISION_TIME = time(5, 0)
"""Revisions made by ``advance_day`` are stamped 05:00 UTC on the new day."""

TRAP_PATHS = {
    "/planet/traps/server-error/": "500",
    "/planet/traps/gone/": "404",
    "/planet/traps/slow/": "slow",
    "/planet/traps/oversized/": "oversized",
    "/planet/traps/annual-report.pdf": "pdf",
    "/planet/traps/loop-a/": "redirect_loop",
    "/planet/traps/rate-limited/": "429",
    "/planet/traps/latin1/": "latin1",
}
"""The trap pages a crawler finds (the loop's second page, ``loop-b/``, it is sent to)."""
LOGGED_HEADERS = (
    "user-agent",
    "if-none-match",
    "if-modified-since",
    "accept-encoding",
    "referer",
    "host",
    "cookie",
)


def _utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """How big the sample site is and how it behaves.

    Articles are published on each of the ``days`` days ending with ``today``
    (inclusive), ``articles_per_day`` per publication and day. ``page_kb`` pads every
    article page to about that many kilobytes of realistic markup.
    """

    seed: int = 7
    today: date = field(default_factory=_utc_today)
    days: int = 14
    articles_per_day: int = 10
    page_kb: int = 20
    slow_seconds: float = 3.0
    oversized_mb: int = 12
    log_file: str | Path | None = None
    """Also append every request, as one JSON line, to this file."""
    late_article: bool = False
    """Hold back one daily-planet article (the last of the day three days before
    ``today``, or of the first day) until :meth:`SampleSite.publish_late` (or POST
    /_control/publish-late) publishes it: then its day's sitemap, and that sitemap's
    lastmod in the index, change, and nothing else does (a late addition that a crawl
    reading sitemaps conditionally must still see)."""

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if not 1 <= self.articles_per_day < 10_000:
            raise ValueError(f"articles_per_day must be 1..9999, got {self.articles_per_day}")
        if self.page_kb < 0 or self.oversized_mb < 1 or self.slow_seconds < 0:
            raise ValueError("page_kb and slow_seconds must be >= 0, oversized_mb >= 1")


@dataclass(frozen=True, slots=True)
class ExpectedArticle:
    """One article the site publishes, as a perfect pipeline would store it."""

    url: str
    """Absolute canonical URL (no tracking parameters)."""
    source: str
    """Publication name, as in the sources file."""
    title: str
    body: str
    """Paragraphs joined by one blank line: exactly what a perfect extractor returns."""
    authors: tuple[str, ...]
    published_at: datetime
    """UTC, whole minutes."""
    date_only_visible: bool
    """True when the page shows the time only as visible text (no metadata)."""
    kind: str
    """'original', 'exact_copy' (same body) or 'near_copy' (one sentence or line added)."""
    original_url: str | None
    """The URL of the article a copy copies; None for originals."""
    version: int
    """1, or 2 once ``advance_day`` revised the article."""

    def to_json(self) -> dict[str, Any]:
        """The article as JSON values (``published_at`` in ISO 8601)."""
        return {
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "body": self.body,
            "authors": list(self.authors),
            "published_at": self.published_at.isoformat(),
            "date_only_visible": self.date_only_visible,
            "kind": self.kind,
            "original_url": self.original_url,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the site answered (control requests under /_control/ excluded)."""

    method: str
    path: str
    """Path and query, as requested."""
    status: int
    headers: dict[str, str]
    """The request headers of interest (lower-case names): user-agent, if-none-match,
    if-modified-since, accept-encoding, referer, host, cookie; only those sent."""
    timestamp: datetime
    """When the response started (after the slow trap's wait), UTC."""
    body_bytes: int = 0
    """Length of the response body sent (0 for HEAD and 304; a streamed body: 0)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "headers": self.headers,
            "timestamp": self.timestamp.isoformat(),
            "body_bytes": self.body_bytes,
        }


class SampleSite:
    """A deterministic news site with three publications; see the package docstring."""

    def __init__(self, config: SiteConfig | None = None) -> None:
        self.config = config or SiteConfig()
        self.first_day = self.config.today - timedelta(days=self.config.days - 1)
        self.trap_day = max(self.first_day, self.config.today - timedelta(days=1))
        self.catalog = Catalog(
            self.config.seed, self.config.articles_per_day, self.first_day, self.trap_day
        )
        self._lock = threading.RLock()
        self._today = self.config.today
        self._revisions: dict[ArticleKey, datetime] = {}
        self._advances = 0
        self._log: list[RequestRecord] = []
        self._log_file: IO[str] | None = None
        self._rate_limited_seen: set[str] = set()
        self._base_url: str | None = None
        late_day = max(self.first_day, self.config.today - timedelta(days=3))
        self._held_back: ArticleKey | None = (
            ArticleKey(PLANET, late_day, self.config.articles_per_day - 1)
            if self.config.late_article
            else None
        )

    # --- state -----------------------------------------------------------------------

    @property
    def today(self) -> date:
        """The last day with published articles (moves with :meth:`advance_day`)."""
        with self._lock:
            return self._today

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` (no trailing slash) while serving."""
        if self._base_url is None:
            raise RuntimeError("the sample site is not serving; use SampleSite(...).serve()")
        return self._base_url

    def days(self) -> list[date]:
        """Every published day, newest first."""
        today = self.today
        return [today - timedelta(days=n) for n in range((today - self.first_day).days + 1)]

    def is_published(self, key: ArticleKey) -> bool:
        if key == self._held_back:
            return False
        return (key.index < 0 and key.day == self.trap_day) or (
            key.index >= 0 and self.first_day <= key.day <= self.today
        )

    def day_keys(self, publication: str, day: date) -> list[ArticleKey]:
        """The regular articles of one publication and day that are published."""
        return [k for k in self.catalog.keys(publication, day) if k != self._held_back]

    def publish_late(self) -> str:
        """Publish the article ``SiteConfig.late_article`` held back; its path."""
        with self._lock:
            if self._held_back is None:
                raise ValueError("no article is held back: use SiteConfig(late_article=True)")
            key, self._held_back = self._held_back, None
        return self.catalog.spec(key).path

    def revised_at(self, key: ArticleKey) -> datetime | None:
        with self._lock:
            return self._revisions.get(key)

    def modified_at(self, key: ArticleKey) -> datetime:
        """When the article last changed: its revision, else its publication."""
        return self.revised_at(key) or self.catalog.published_at(key)

    def advance_day(self) -> date:
        """Move ``today`` forward one day: that day's articles appear, and one earlier
        original (without copies) is revised. Returns the new ``today``.

        Extractors reject publication dates more than about a day ahead of the wall
        clock, so a site that will be advanced should start with ``today`` in the past
        (e.g. yesterday) rather than run ahead of the real date.
        """
        with self._lock:
            self._today += timedelta(days=1)
            self._advances += 1
            target = self.catalog.revision_target(
                self._advances, self._today, self.first_day, frozenset(self._revisions)
            )
            self._revisions[target] = datetime.combine(self._today, REVISION_TIME, UTC)
            return self._today

    def first_request_of(self, path: str) -> bool:
        """True the first time ``path`` is asked this way (the 429 trap's memory)."""
        with self._lock:
            if path in self._rate_limited_seen:
                return False
            self._rate_limited_seen.add(path)
            return True

    # --- the request log -------------------------------------------------------------

    @property
    def request_log(self) -> list[RequestRecord]:
        """A copy of every request answered so far, in the order answered."""
        with self._lock:
            return list(self._log)

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._log.append(entry)
            if self._log_file is not None:
                self._log_file.write(json.dumps(entry.to_json()) + "\n")
                self._log_file.flush()

    # --- expectations ----------------------------------------------------------------

    def _base(self, base_url: str | None) -> str:
        return (base_url or self._base_url or PLACEHOLDER_BASE_URL).rstrip("/")

    def expected_article(self, key: ArticleKey, base_url: str | None = None) -> ExpectedArticle:
        base = self._base(base_url)
        spec = self.catalog.spec(key)
        revised = self.revised_at(key)
        paragraphs = self.catalog.paragraphs(key, revised.date() if revised else None)
        original = self.catalog.spec(spec.original).path if spec.original else None
        return ExpectedArticle(
            url=base + spec.path,
            source=key.publication,
            title=spec.title,
            body="\n\n".join(paragraphs),
            authors=spec.authors,
            published_at=spec.published_at,
            date_only_visible=key.publication == GAZETTE,
            kind=spec.kind,
            original_url=base + original if original else None,
            version=2 if revised else 1,
        )

    def article_keys(self) -> list[ArticleKey]:
        """Every published article, oldest day first, then publication, then index."""
        keys: list[ArticleKey] = []
        for day in reversed(self.days()):
            for publication in PUBLICATIONS:
                keys.extend(self.day_keys(publication, day))
            if day == self.trap_day:
                keys.extend(self.catalog.trap_keys())
        return keys

    def expected_articles(self, base_url: str | None = None) -> list[ExpectedArticle]:
        """Every article published as of ``today`` (copies included, the two trap
        articles included), for ``base_url`` (default: the serving URL, else a
        placeholder)."""
        return [self.expected_article(k, base_url) for k in self.article_keys()]

    def trap_urls(self, base_url: str | None = None) -> dict[str, str]:
        """Absolute trap URL -> kind: '500', '404', 'slow', 'oversized', 'pdf',
        'redirect_loop', '429' (then an article), 'latin1' (an article)."""
        base = self._base(base_url)
        return {base + path: kind for path, kind in TRAP_PATHS.items()}

    @staticmethod
    def disallowed_paths() -> list[str]:
        """The path prefixes robots.txt disallows for every user agent."""
        return list(DISALLOWED_PATHS)

    def sources_yaml(self, base_url: str | None = None) -> str:
        """A newsflow sources file for the three publications."""
        base = self._base(base_url)
        return f"""# The bundled sample news site (python -m devtools.sample_site), served at {base}
sources:
  - name: {PLANET}
    sitemaps: [{base}/planet/sitemap-index.xml]
    allow: ['/planet/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+/$', '/planet/traps/']
    language: en
    download_delay: 0
  - name: {HERALD}
    feeds: [{base}/herald/rss.xml]
    allow: ['/news/[a-z0-9-]+-\\d+\\.html$']
    language: en
    download_delay: 0
  - name: {GAZETTE}
    sitemaps: [robots]
    start_urls: [{base}/gazette/section/news/]
    allow: ['/gazette/\\d{{4}}/\\d{{2}}/[a-z0-9-]+$']
    # The three publications share this one host; on their own hosts this would not be
    # needed. It keeps the gazette's link following out of the other two.
    deny: ['/planet/', '/herald/']
    language: en
    download_delay: 0
"""

    def write_sources_file(self, path: str | Path, base_url: str | None = None) -> Path:
        path = Path(path)
        path.write_text(self.sources_yaml(base_url), encoding="utf-8")
        return path

    # --- serving ---------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Serving:
        """Bind ``host:port`` now (``OSError`` if taken) and serve in a background thread
        inside the ``with`` block; the block gets this site, with ``base_url`` set."""
        from devtools.sample_site.server import Serving

        return Serving(self, host, port)

    def _attach(self, base_url: str) -> None:
        with self._lock:
            self._base_url = base_url
            if self.config.log_file is not None:
                self._log_file = open(  # noqa: SIM115  # open while serving; _detach closes it
                    self.config.log_file, "a", encoding="utf-8"
                )

    def _detach(self) -> None:
        with self._lock:
            self._base_url = None
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
