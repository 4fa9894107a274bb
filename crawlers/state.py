"""``warehouse.crawl_state``: what the crawler remembers per canonical URL.

The only module of ``crawlers`` that talks to PostgreSQL. Writes are buffered and sent
in batches (one transaction each) so a crawl of tens of thousands of pages costs a few
hundred round trips, not tens of thousands.

Columns written (see ``sql/migrations/0001_warehouse.sql``): discovery dates on
discovery; on a fetch attempt ``outcome`` (``fetched``, ``not_modified``, ``not_html``,
``canonical_elsewhere``, ``failed``, ``blocked`` (a bot wall answered; it waits before
its next try like a failure), ``skipped_by_robots``, ``skipped_by_date``),
``failure_reason``, HTTP status, validators, the WARC record location,
``pending_extract`` (true for every newly fetched HTML page), ``last_attempt_at``,
``failed_attempts`` (consecutive failures, for the wait before the next try) and
``robots_sha256`` (the robots.txt that disallowed the URL) and ``sitemap_keywords``
(the news sitemap's ``news:keywords``, for extraction's tags;
``sql/migrations/0018_article_fields.sql``). Section pages followed for
their links are rows of ``kind`` ``navigation`` (outcome ``followed`` when read;
``sql/migrations/0013_navigation_and_robots_state.sql``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import psycopg

from crawlers.policy import KnownState

log = logging.getLogger(__name__)

FLUSH_EVERY = 200

_KNOWN = """
SELECT url, discovered_lastmod, last_fetched_at, outcome, etag, last_modified,
       failed_attempts, last_attempt_at, robots_sha256
FROM warehouse.crawl_state WHERE url = ANY(%s)
"""

# The article URLs of a source that discovery would act on even when it lists them as
# before: failed or blocked (the frontier decides whether their wait is over), refused
# by robots.txt (asked again once it changes), never requested, skipped by date but
# dated inside this run's window, undated and fetched longer ago than the revisit
# interval. Asked when a discovery document was not read again (it had not
# changed), so the URLs it listed are not forgotten (crawlers.conditional).
_DUE = """
SELECT url, COALESCE(fetched_url, url), discovered_lastmod
FROM warehouse.crawl_state
WHERE source = %(source)s AND kind = 'article' AND (
    outcome IN ('failed', 'blocked', 'skipped_by_robots') OR outcome IS NULL
    OR (outcome = 'skipped_by_date'
        AND (%(since)s::date IS NULL OR (discovered_lastmod AT TIME ZONE 'UTC')::date >= %(since)s)
        AND (%(until)s::date IS NULL OR (discovered_lastmod AT TIME ZONE 'UTC')::date <= %(until)s))
    OR (discovered_lastmod IS NULL AND last_fetched_at < %(stale_before)s))
ORDER BY url
"""

# A URL skipped before it was ever fetched keeps its row up to date; a URL fetched
# before keeps the lastmod of that fetch, which is what "unchanged" compares against.
_DISCOVERED = """
INSERT INTO warehouse.crawl_state (url, source, discovered_lastmod, outcome, run_id, kind)
VALUES (%(url)s, %(source)s, %(lastmod)s, %(outcome)s, %(run_id)s, %(kind)s)
ON CONFLICT (url) DO UPDATE SET
    last_discovered_at = now(),
    source = EXCLUDED.source,
    kind = EXCLUDED.kind,
    discovered_lastmod = CASE WHEN crawl_state.last_fetched_at IS NULL
        THEN EXCLUDED.discovered_lastmod ELSE crawl_state.discovered_lastmod END,
    outcome = CASE WHEN crawl_state.last_fetched_at IS NULL AND EXCLUDED.outcome IS NOT NULL
        THEN EXCLUDED.outcome ELSE crawl_state.outcome END
"""

# Keywords a news sitemap gave for a URL another document listed first this run; a
# fetch recorded without keywords keeps them (COALESCE in _FETCHED).
_KEYWORDS = """
INSERT INTO warehouse.crawl_state (url, source, run_id, sitemap_keywords)
VALUES (%(url)s, %(source)s, %(run_id)s, %(sitemap_keywords)s)
ON CONFLICT (url) DO UPDATE SET sitemap_keywords = EXCLUDED.sitemap_keywords
"""

# A failed or skipped attempt never erases the archive location of an earlier good fetch.
_FETCHED = """
INSERT INTO warehouse.crawl_state (
    url, source, discovered_lastmod, last_fetched_at, http_status, outcome, failure_reason,
    etag, last_modified, fetched_url, content_type, warc_path, warc_offset, warc_length,
    pending_extract, run_id, failed_attempts, last_attempt_at, kind, robots_sha256,
    sitemap_keywords)
VALUES (%(url)s, %(source)s, %(lastmod)s, %(fetched_at)s, %(http_status)s, %(outcome)s,
    %(failure_reason)s, %(etag)s, %(last_modified)s, %(fetched_url)s, %(content_type)s,
    %(warc_path)s, %(warc_offset)s, %(warc_length)s, %(pending)s, %(run_id)s,
    CASE WHEN %(outcome)s IN ('failed', 'blocked') THEN 1 ELSE 0 END, %(attempted_at)s, %(kind)s,
    %(robots_sha256)s, %(sitemap_keywords)s)
ON CONFLICT (url) DO UPDATE SET
    source = EXCLUDED.source,
    kind = EXCLUDED.kind,
    robots_sha256 = EXCLUDED.robots_sha256,
    last_discovered_at = now(),
    run_id = EXCLUDED.run_id,
    http_status = EXCLUDED.http_status,
    outcome = EXCLUDED.outcome,
    failure_reason = EXCLUDED.failure_reason,
    discovered_lastmod = CASE WHEN EXCLUDED.outcome IN ('fetched', 'not_modified', 'not_html',
        'canonical_elsewhere') THEN EXCLUDED.discovered_lastmod
        ELSE crawl_state.discovered_lastmod END,
    last_fetched_at = COALESCE(EXCLUDED.last_fetched_at, crawl_state.last_fetched_at),
    etag = COALESCE(EXCLUDED.etag, crawl_state.etag),
    last_modified = COALESCE(EXCLUDED.last_modified, crawl_state.last_modified),
    fetched_url = COALESCE(EXCLUDED.fetched_url, crawl_state.fetched_url),
    content_type = COALESCE(EXCLUDED.content_type, crawl_state.content_type),
    warc_path = COALESCE(EXCLUDED.warc_path, crawl_state.warc_path),
    warc_offset = CASE WHEN EXCLUDED.warc_path IS NULL THEN crawl_state.warc_offset
        ELSE EXCLUDED.warc_offset END,
    warc_length = CASE WHEN EXCLUDED.warc_path IS NULL THEN crawl_state.warc_length
        ELSE EXCLUDED.warc_length END,
    pending_extract = crawl_state.pending_extract OR EXCLUDED.pending_extract,
    held_published_at = CASE WHEN EXCLUDED.pending_extract THEN NULL
        ELSE crawl_state.held_published_at END,
    failed_attempts = CASE WHEN EXCLUDED.outcome IN ('failed', 'blocked')
        THEN crawl_state.failed_attempts + 1 ELSE 0 END,
    last_attempt_at = EXCLUDED.last_attempt_at,
    sitemap_keywords = COALESCE(EXCLUDED.sitemap_keywords, crawl_state.sitemap_keywords)
"""


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The outcome of one attempt to fetch an article or a section page."""

    url: str
    """Canonical URL (the ``crawl_state`` key)."""
    outcome: str
    fetched_at: datetime | None = None
    """When a response arrived (None when none did), UTC."""
    lastmod: datetime | None = None
    """The discovery date this fetch corresponds to."""
    http_status: int | None = None
    failure_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_url: str | None = None
    content_type: str | None = None
    warc_path: str | None = None
    """The WARC file's location in the archive store: relative to the archive folder,
    or an ``s3://`` URL (``pipeline.store``)."""
    warc_offset: int | None = None
    warc_length: int | None = None
    pending_extract: bool = False
    attempted_at: datetime | None = None
    """When the request was made or refused (None: when the record is written), UTC."""
    kind: str = "article"
    """``article``, or ``navigation`` for a section page followed only for its links."""
    robots_sha256: str | None = None
    """SHA-256 of the robots.txt that disallowed the URL (outcome ``skipped_by_robots``)."""
    sitemap_keywords: tuple[str, ...] = ()
    """The news sitemap's keywords for the URL (kept for extraction's tags)."""


class Gate(Protocol):
    """Holds back fetch records whose archive location is not durable yet
    (``crawlers.warc_parts.StoredWarcWriter``)."""

    def admit(self, record: FetchRecord) -> bool:
        """Whether ``record`` may be written now (else the gate keeps or drops it)."""
        ...


class CrawlStateStore:
    """Reads and buffered writes of ``warehouse.crawl_state`` for one source in one run."""

    def __init__(self, conn: psycopg.Connection, *, source: str, run_id: int) -> None:
        self.conn = conn
        self.source = source
        self.run_id = run_id
        self.gate: Gate | None = None
        """With a remote archive: rows wait here until their WARC part is stored."""
        self._discovered: list[dict[str, Any]] = []
        self._fetched: list[dict[str, Any]] = []
        self._keywords: list[dict[str, Any]] = []

    @classmethod
    def connect(cls, database_url: str, *, source: str, run_id: int) -> CrawlStateStore:
        conn = psycopg.connect(database_url, autocommit=True, application_name="newsflow-crawl")
        return cls(conn, source=source, run_id=run_id)

    def known(self, urls: Sequence[str]) -> dict[str, KnownState]:
        """The remembered state of those of ``urls`` seen in earlier runs."""
        if not urls:
            return {}
        rows = self.conn.execute(_KNOWN, (list(urls),)).fetchall()
        return {url: KnownState(*rest) for url, *rest in rows}

    def due(
        self, since: date | None, until: date | None, stale_before: datetime
    ) -> list[tuple[str, str, datetime | None]]:
        """(canonical URL, URL to request, discovery date) of this source's article URLs
        that discovery would act on again (see ``_DUE``)."""
        params = {
            "source": self.source,
            "since": since,
            "until": until,
            "stale_before": stale_before,
        }
        rows = self.conn.execute(_DUE, params).fetchall()
        return [(url, fetch_url, lastmod) for url, fetch_url, lastmod in rows]

    def discovered(
        self, url: str, lastmod: datetime | None, outcome: str | None = None, kind: str = "article"
    ) -> None:
        """Remember that discovery listed ``url`` (``outcome`` for a skipped, never-fetched URL)."""
        self._discovered.append(
            {
                "url": url,
                "source": self.source,
                "lastmod": lastmod,
                "outcome": outcome,
                "run_id": self.run_id,
                "kind": kind,
            }
        )
        if len(self._discovered) >= FLUSH_EVERY:
            self.flush()

    def sitemap_keywords(self, url: str, keywords: tuple[str, ...]) -> None:
        """Remember the news sitemap's keywords for ``url`` (listed by another document
        first, so its fetch record may not carry them)."""
        self._keywords.append(
            {
                "url": url,
                "source": self.source,
                "run_id": self.run_id,
                "sitemap_keywords": list(keywords),
            }
        )
        if len(self._keywords) >= FLUSH_EVERY:
            self.flush()

    def fetched(self, record: FetchRecord) -> None:
        """Remember a fetch attempt (written at the next flush; with a ``gate``, once
        the gate admits it)."""
        if self.gate is not None and not self.gate.admit(record):
            return
        self._fetched.append(
            {
                "url": record.url,
                "source": self.source,
                "lastmod": record.lastmod,
                "fetched_at": record.fetched_at,
                "http_status": record.http_status,
                "outcome": record.outcome,
                "failure_reason": record.failure_reason,
                "etag": record.etag,
                "last_modified": record.last_modified,
                "fetched_url": record.fetched_url,
                "content_type": record.content_type,
                "warc_path": record.warc_path,
                "warc_offset": record.warc_offset,
                "warc_length": record.warc_length,
                "pending": record.pending_extract,
                "run_id": self.run_id,
                "kind": record.kind,
                "robots_sha256": record.robots_sha256,
                "sitemap_keywords": list(record.sitemap_keywords) or None,
                "attempted_at": record.attempted_at or datetime.now(UTC),
            }
        )
        if len(self._fetched) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write everything buffered, discoveries before keywords before fetches, in one
        transaction."""
        if not (self._discovered or self._fetched or self._keywords):
            return
        discovered, keywords, fetched = self._discovered, self._keywords, self._fetched
        self._discovered, self._keywords, self._fetched = [], [], []
        with self.conn.transaction(), self.conn.cursor() as cur:
            batches = ((_DISCOVERED, discovered), (_KEYWORDS, keywords), (_FETCHED, fetched))
            for statement, rows in batches:
                if rows:
                    cur.executemany(statement, _sorted(rows))

    def close(self) -> None:
        """Flush and close the connection."""
        try:
            self.flush()
        finally:
            self.conn.close()


def _sorted(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    # One row per URL per batch (the last wins), in key order: no deadlock with a
    # concurrent crawl touching the same URLs.
    by_url = {row["url"]: row for row in rows}
    return [by_url[url] for url in sorted(by_url)]
