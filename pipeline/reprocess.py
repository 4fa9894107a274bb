"""Re-processing: extract archived pages of loaded articles again and reload them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline import runs
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import StoreAccessError, first_line
from pipeline.steps import (
    Progress,
    derive_articles,
    link_articles,
    link_leftovers,
    load_results,
    quiet,
    run_report,
)
from pipeline.window import Window

_REPROCESS_CANDIDATES = """
SELECT s.url, a.extractor_version, a.source
FROM warehouse.articles a
JOIN warehouse.crawl_state s ON s.url = a.url OR s.fetched_url = a.fetched_url
WHERE s.warc_path IS NOT NULL
  AND (%(sources)s::text[] IS NULL OR a.source = ANY(%(sources)s::text[]))
  AND (%(since)s::date IS NULL OR a.published_at >= %(since)s::date)
  AND (%(until)s::date IS NULL OR a.published_at < %(until)s::date + 1)
ORDER BY s.url
"""


def version_key(version: str) -> tuple[int | str, ...]:
    """Sort key of an extractor version: numeric parts compare as numbers (2026.11.10 > .9)."""
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def reprocess(
    settings: Settings,
    *,
    extractor_version_below: str | None = None,
    window: Window = Window(),
    source_names: Sequence[str] = (),
    external_id: str | None = None,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Re-extract archived pages of loaded articles and reload them (no network).

    Takes the articles whose ``extractor_version`` is below ``extractor_version_below``
    (every article when None), optionally only those published in ``window`` and from
    the named sources; reads their pages from the WARC archive (ranged reads of the
    records, from the local folder or the bucket their locations name: nothing is
    fetched from the web and nothing is needed under ``NEWSFLOW_HOME``), extracts them
    again and loads the results through the same path as a run's load
    (``steps.load_results``: upsert, a new connection when one is lost; then the link
    step, ``link_articles``, and the derive step), so changed bodies become new
    versions. A source whose archive store cannot be read (unreachable, refusing, after
    the retries) fails with one line naming the object; the others go on; what it
    loaded is linked before the run ends. Returns the run report.
    """
    url = prepare_database(settings)
    # Autocommit: the run's rows are visible to the connections that load its batches.
    with connect(url, autocommit=True) as conn:
        rows = conn.execute(
            _REPROCESS_CANDIDATES,
            {"sources": list(source_names) or None, "since": window.since, "until": window.until},
        ).fetchall()
        below = version_key(extractor_version_below) if extractor_version_below else None
        by_source: dict[str, list[str]] = {}
        for page_url, version, source in rows:
            if below is None or version_key(version or "0") < below:
                by_source.setdefault(source, []).append(page_url)
        run_id = runs.create_run(
            conn,
            sources=sorted(by_source),
            since=window.since,
            until=window.until,
            trigger="reprocess",
            external_id=external_id,
        )
        for source, urls in sorted(by_source.items()):
            runs.start_source(conn, run_id, source)
            progress(f"{source}: re-extracting {len(urls)} archived pages")
            try:
                _reprocess_source(settings, url, run_id, source, urls, progress)
            except StoreAccessError as exc:  # the store failed after its retries
                progress(f"{source}: failed: {first_line(exc)}")
                runs.finish_source(conn, run_id, source, error=first_line(exc))
                continue
            runs.finish_source(conn, run_id, source)
        link_leftovers(url, settings, run_id)  # what a failed source loaded
        runs.finish_run(conn, run_id)
        return run_report(conn, run_id)


def _reprocess_source(
    settings: Settings, url: str, run_id: int, source: str, page_urls: list[str], progress: Progress
) -> None:
    """Extract the archived ``page_urls`` of ``source`` again, load, link and derive them."""
    from pipeline.archive import iter_archived_pages
    from pipeline.extract import iter_extract
    from pipeline.store_locate import StoreLocator

    # Pages stream from their own connection while the batches load on others.
    with connect(url) as reader:
        archive = StoreLocator.for_settings(settings)
        pages = iter_archived_pages(reader, archive, source=source, urls=page_urls)
        results = iter_extract(
            pages,
            processes=settings.extract_processes,
            task_timeout=settings.extract_timeout_s,
            min_chars=settings.min_article_chars,
            fingerprint=True,
        )
        load_results(
            url, results, settings=settings, run_id=run_id, source=source, progress=progress
        )
    link_articles(url, source, settings=settings, run_id=run_id, progress=progress)
    derive_articles(url, source, settings.derive_connections, progress)
