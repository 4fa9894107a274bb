"""What one source's crawl needs to know, passed from the parent to the child process."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.config import DEFAULT_CHROMIUM, CrawlLimits
from pipeline.sources import Source
from pipeline.store import ArchiveStore, open_store

ROBOTS_AGENT = "newsflow"
"""The product token matched against robots.txt ``User-agent`` lines."""

# Request.meta keys shared by the spider and the components.
KIND = "newsflow_kind"
"""What a request fetches: ``robots``, ``robots_sitemaps``, ``sitemap``, ``feed``,
``feed_links`` (a page read for the feeds it announces),
``nav`` (a page followed only for its links) or ``article``."""
FOUND = "newsflow_found"
"""The ``Discovered`` record of an article request."""
DEPTH = "newsflow_depth"
"""Link depth from a start URL (absent for sitemap/feed discoveries)."""
WARC = "newsflow_warc"
"""The ``WarcLocation`` of the archived response."""
FETCHED_AT = "newsflow_fetched_at"
BLOCKED = "newsflow_blocked"
"""The ``BotWall`` an article response turned out to be (see ``crawlers.botwall``)."""
RENDERED = "newsflow_rendered"
"""The browser that rendered the response, e.g. ``chromium 156.0.8078.114`` (absent
for pages fetched over plain HTTP); see ``crawlers.render``."""


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """One source's crawl in one run."""

    source: Source
    run_id: int
    database_url: str
    archive_dir: Path
    user_agent: str
    since: date | None = None
    until: date | None = None
    max_pages: int | None = None
    """Overrides the source's ``max_pages`` when smaller."""
    revisit_days: float = 7.0
    retry_failed_hours: float = 20.0
    """Wait after a page's first failure before it is tried again (doubles per failure)."""
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    log_level: str = "INFO"
    chromium_path: str = str(DEFAULT_CHROMIUM)
    """The browser of a ``render: browser`` source."""
    archive_url: str | None = None
    """``NEWSFLOW_ARCHIVE_URL`` (None: the folder ``archive_dir``)."""
    storage_env: dict[str, str] = field(default_factory=dict, repr=False)
    """The AWS variables of a remote archive (secrets: never in ``repr``; the batch file
    that carries them lives in a private temporary directory)."""
    tmp_dir: str = ""
    """Where WARC parts wait for their upload to a remote archive."""

    def archive_store(self) -> ArchiveStore:
        """The store the crawl's WARC files go to."""
        return open_store(self.archive_url, self.archive_dir, self.storage_env)

    @property
    def page_limit(self) -> int:
        return min(self.source.max_pages, self.max_pages or self.source.max_pages)

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["archive_dir"] = str(self.archive_dir)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> CrawlJob:
        data = json.loads(text)
        # JSON has no tuples: the source's sequences (and its (name, value) pairs) come
        # back as lists.
        fields: dict[str, Any] = {
            k: tuple(tuple(i) if isinstance(i, list) else i for i in v)
            if isinstance(v, list)
            else v
            for k, v in data.pop("source").items()
        }
        source = Source(**fields)
        return cls(
            **{
                **data,
                "source": source,
                "archive_dir": Path(data["archive_dir"]),
                "since": date.fromisoformat(data["since"]) if data["since"] else None,
                "until": date.fromisoformat(data["until"]) if data["until"] else None,
                "limits": CrawlLimits(**data["limits"]),
            }
        )
