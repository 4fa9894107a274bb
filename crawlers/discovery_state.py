"""``warehouse.discovery_state``: what the crawler remembers of each discovery document.

Per source, kind and URL (``sql/migrations/0019_discovery_validators.sql``): the
validators and body hash of the last successful read, the lastmod the parent index gave
for a child sitemap, and the documents it led to. The source's rows are read once when
its crawl starts; what the crawl learns is buffered and written when it closes
(``flush``): successful reads only when the crawl finished with every admitted page
handled (``save=True``), so a crawl cut short never marks a document as seen; failures
always. The decisions taken from this state are ``crawlers.conditional``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from crawlers.conditional import Child, DocumentState
from pipeline.utc import parse_utc

_LOAD = """
SELECT kind, url, etag, last_modified, body_sha256, index_lastmod, children, failed_attempts
FROM warehouse.discovery_state WHERE source = %s
"""

_READ = """
INSERT INTO warehouse.discovery_state (
    source, kind, url, etag, last_modified, body_sha256, index_lastmod, children,
    last_fetched_at, last_changed_at, failed_attempts, failure_reason, run_id)
VALUES (%(source)s, %(kind)s, %(url)s, %(etag)s, %(last_modified)s, %(sha256)s,
    %(index_lastmod)s, %(children)s, %(at)s, %(changed_at)s, 0, NULL, %(run_id)s)
ON CONFLICT (source, kind, url) DO UPDATE SET
    etag = EXCLUDED.etag,
    last_modified = EXCLUDED.last_modified,
    body_sha256 = EXCLUDED.body_sha256,
    index_lastmod = EXCLUDED.index_lastmod,
    children = EXCLUDED.children,
    last_fetched_at = EXCLUDED.last_fetched_at,
    last_changed_at = COALESCE(EXCLUDED.last_changed_at, discovery_state.last_changed_at),
    failed_attempts = 0,
    failure_reason = NULL,
    run_id = EXCLUDED.run_id
"""

# A failed read forgets the validators: the next run asks for the whole document and
# reads it, and a child sitemap is asked again even when its index's lastmod is the same.
_FAILED = """
INSERT INTO warehouse.discovery_state (source, kind, url, failed_attempts, failure_reason, run_id)
VALUES (%(source)s, %(kind)s, %(url)s, 1, %(reason)s, %(run_id)s)
ON CONFLICT (source, kind, url) DO UPDATE SET
    etag = NULL,
    last_modified = NULL,
    body_sha256 = NULL,
    index_lastmod = NULL,
    failed_attempts = discovery_state.failed_attempts + 1,
    failure_reason = EXCLUDED.failure_reason,
    run_id = EXCLUDED.run_id
"""


def _children(value: Any) -> tuple[Child, ...]:
    return tuple(Child(c["url"], parse_utc(c.get("lastmod"))) for c in value or ())


def _children_json(children: tuple[Child, ...]) -> Jsonb:
    return Jsonb(
        [{"url": c.url, "lastmod": c.lastmod.isoformat() if c.lastmod else None} for c in children]
    )


class DiscoveryStateStore:
    """Reads and buffered writes of ``warehouse.discovery_state`` for one source's crawl."""

    def __init__(self, conn: psycopg.Connection, *, source: str, run_id: int) -> None:
        self.conn = conn
        self.source = source
        self.run_id = run_id
        self._known: dict[tuple[str, str], DocumentState] | None = None
        self._reads: dict[tuple[str, str], dict[str, Any]] = {}
        self._failures: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, kind: str, url: str) -> DocumentState | None:
        """What the last run remembered of the document (None: never read)."""
        if self._known is None:
            rows = self.conn.execute(_LOAD, (self.source,)).fetchall()
            self._known = {
                (row[0], row[1]): DocumentState(
                    etag=row[2],
                    last_modified=row[3],
                    body_sha256=row[4],
                    index_lastmod=row[5],
                    children=_children(row[6]),
                    failed_attempts=row[7],
                )
                for row in rows
            }
        return self._known.get((kind, url))

    def read(
        self,
        kind: str,
        url: str,
        state: DocumentState,
        *,
        changed: bool,
    ) -> None:
        """Remember a successful read (``changed``: a new body was parsed) or a document
        found unchanged (``state``: what to remember of it)."""
        now = datetime.now(UTC)
        self._failures.pop((kind, url), None)
        self._reads[(kind, url)] = {
            "source": self.source,
            "kind": kind,
            "url": url,
            "etag": state.etag,
            "last_modified": state.last_modified,
            "sha256": state.body_sha256,
            "index_lastmod": state.index_lastmod,
            "children": _children_json(state.children),
            "at": now,
            "changed_at": now if changed else None,
            "run_id": self.run_id,
        }

    def failed(self, kind: str, url: str, reason: str) -> None:
        """Remember a failed read: the document is not taken as seen next time."""
        self._reads.pop((kind, url), None)
        self._failures[(kind, url)] = {
            "source": self.source,
            "kind": kind,
            "url": url,
            "reason": reason,
            "run_id": self.run_id,
        }

    def flush(self, *, save: bool) -> None:
        """Write the failures, and the successful reads when ``save`` (the crawl
        finished and handled every page it admitted), in one transaction."""
        reads = [self._reads[k] for k in sorted(self._reads)] if save else []
        failures = [self._failures[k] for k in sorted(self._failures)]
        self._reads, self._failures = {}, {}
        if not (reads or failures):
            return
        with self.conn.transaction(), self.conn.cursor() as cur:
            if reads:
                cur.executemany(_READ, reads)
            if failures:
                cur.executemany(_FAILED, failures)
