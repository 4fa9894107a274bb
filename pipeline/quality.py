"""Per-source data-quality checks run after each source is loaded.

The checks compare what one run produced for one source against thresholds from
``Settings.quality`` and against the source's own recent history, so a site redesign
that silently breaks extraction fails a task instead of quietly loading junk, and a
source a bot wall answers for most pages fails instead of quietly collecting nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import psycopg

from pipeline.config import QualityThresholds
from pipeline.records import SCRIPT_SHELLS

TRAILING_RUNS = 7
MAX_SCRIPT_SHELL_SHARE = 0.5
"""More than this share of a source's fetched pages being JavaScript shells fails it
with the hint to render them."""


@dataclass(frozen=True, slots=True)
class SourceRunFigures:
    """What one run did for one source (shares are computed from these)."""

    pages_fetched: int
    """Pages fetched for this run's window (pages held for another day and articles in a
    language the source does not keep left out)."""
    articles: int
    """Pages that yielded an article (new, updated, unchanged or duplicate)."""
    duplicates: int
    loaded: int
    """Article rows this run touched (for the title/date/author/empty shares)."""
    with_title: int
    with_date: int
    with_author: int
    empty_body: int
    trailing_yield: float | None
    """Mean article yield (articles / pages fetched) of the source's previous runs."""
    blocked: int = 0
    """Article pages a bot wall answered instead of the page (not in ``pages_fetched``)."""
    with_image: int = 0
    """Loaded article rows with a top image (coverage only: no limit applies)."""
    with_section: int = 0
    with_tags: int = 0
    with_modified: int = 0
    truncated: int = 0
    """Article rows this run touched whose body a paywall cut off (a figure, no limit)."""
    script_shells: int = 0
    """Fetched pages that came back as JavaScript shells (scripts, almost no text)."""


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The outcome of the checks: ``breaches`` empty means they passed."""

    source: str
    checked: bool
    """False when the run was too small to judge."""
    metrics: dict[str, float | None] = field(default_factory=dict)
    breaches: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.breaches

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def blocked_breach(source: str, figures: SourceRunFigures, limits: QualityThresholds) -> str | None:
    """Why the source fails when a bot wall answered most of its pages, else None. Judged
    however few pages there were: a source walled off entirely has nothing else to check."""
    asked = figures.pages_fetched + figures.blocked
    if not figures.blocked or figures.blocked / asked <= limits.max_blocked_share:
        return None
    return (
        f"source '{source}': blocked by a bot wall ({figures.blocked} of {asked} pages); "
        "newsflow does not get around bot walls: ask the site for access or leave the source out"
    )


def script_shell_breach(source: str, figures: SourceRunFigures) -> str | None:
    """Why the source fails when most of its pages came back as JavaScript shells (their
    text is inserted by scripts: the source may need ``render: browser``), else None.
    Judged however few pages there were, like a bot wall."""
    shells, fetched = figures.script_shells, figures.pages_fetched
    if not shells or shells <= fetched * MAX_SCRIPT_SHELL_SHARE:
        return None
    return (
        f"source '{source}': {shells} of {fetched} pages came back as JavaScript shells "
        "(scripts and almost no text); the site may need rendering: set 'render: browser' "
        "for the source in the sources file"
    )


COVERAGE_METRICS = ("image_share", "section_share", "tags_share", "modified_share")
"""Shares of the loaded articles that have each optional field. Reported, never judged:
many sites give no section or tags at all, and that is no fault of the extraction."""


def coverage(figures: SourceRunFigures) -> dict[str, float | None]:
    """The ``COVERAGE_METRICS`` of one source's run."""
    parts = (figures.with_image, figures.with_section, figures.with_tags, figures.with_modified)
    return {name: _share(part, figures.loaded) for name, part in zip(COVERAGE_METRICS, parts)}


def evaluate(source: str, figures: SourceRunFigures, limits: QualityThresholds) -> QualityReport:
    """Judge one source's run against ``limits`` (pure)."""
    # Judged however few pages there were: a site that answered nothing usable.
    found = (blocked_breach(source, figures, limits), script_shell_breach(source, figures))
    always = [breach for breach in found if breach]
    if figures.pages_fetched < limits.min_pages_for_checks:
        return QualityReport(
            source,
            checked=False,
            metrics={"pages_fetched": figures.pages_fetched, "blocked": figures.blocked},
            breaches=tuple(always),
        )
    metrics = {
        "article_share": _share(figures.articles, figures.pages_fetched),
        "title_share": _share(figures.with_title, figures.loaded),
        "date_share": _share(figures.with_date, figures.loaded),
        "author_share": _share(figures.with_author, figures.loaded),
        "empty_body_share": _share(figures.empty_body, figures.loaded),
        "duplicate_share": _share(figures.duplicates, figures.articles),
        "trailing_article_share": figures.trailing_yield,
        **coverage(figures),
        "truncated_share": _share(figures.truncated, figures.loaded),
    }
    breaches: list[str] = list(always)

    def at_least(name: str, low: float, what: str) -> None:
        value = metrics[name]
        if value is not None and value < low:
            breaches.append(f"{what} {value:.0%} is below the minimum {low:.0%}")

    def at_most(name: str, high: float, what: str) -> None:
        value = metrics[name]
        if value is not None and value > high:
            breaches.append(f"{what} {value:.0%} is above the maximum {high:.0%}")

    at_least("article_share", limits.min_article_share, "share of fetched pages with an article")
    at_least("title_share", limits.min_title_share, "share of articles with a title")
    at_least("date_share", limits.min_date_share, "share of articles with a date")
    at_least("author_share", limits.min_author_share, "share of articles with an author")
    at_most("empty_body_share", limits.max_empty_body_share, "share of empty bodies")
    at_most("duplicate_share", limits.max_duplicate_share, "share of duplicates")
    trailing, current = figures.trailing_yield, metrics["article_share"]
    if trailing and current is not None and current < trailing * limits.max_drop_vs_trailing:
        breaches.append(
            f"article yield {current:.0%} dropped below {limits.max_drop_vs_trailing:.0%} of the "
            f"trailing {TRAILING_RUNS}-run average {trailing:.0%} (site redesign?)"
        )
    return QualityReport(source, checked=True, metrics=metrics, breaches=tuple(breaches))


_FIGURES = """
SELECT s.pages_fetched - s.held_by_date - s.other_language,
       s.articles_new + s.articles_updated + s.articles_unchanged + s.duplicates,
       s.duplicates,
       a.loaded, a.with_title, a.with_date, a.with_author, a.empty_body,
       (SELECT avg((p.articles_new + p.articles_updated + p.articles_unchanged
                    + p.duplicates)::float
                   / (p.pages_fetched - p.held_by_date - p.other_language))
        FROM (SELECT * FROM warehouse.crawl_run_sources p
              WHERE p.source = s.source AND p.run_id < s.run_id AND p.status = 'success'
                AND p.pages_fetched - p.held_by_date - p.other_language >= %(min_pages)s
              ORDER BY p.run_id DESC LIMIT %(trailing)s) p),
       s.blocked,
       a.with_image, a.with_section, a.with_tags, a.with_modified, a.truncated,
       coalesce((s.crawl_stats ->> %(shells)s)::int, 0)
FROM warehouse.crawl_run_sources s,
LATERAL (SELECT count(*) AS loaded,
                count(*) FILTER (WHERE btrim(a.title) <> '') AS with_title,
                count(*) FILTER (WHERE a.published_at IS NOT NULL) AS with_date,
                count(*) FILTER (WHERE cardinality(a.authors) > 0) AS with_author,
                count(*) FILTER (WHERE btrim(a.body) = '') AS empty_body,
                count(*) FILTER (WHERE a.top_image_url IS NOT NULL) AS with_image,
                count(*) FILTER (WHERE a.section IS NOT NULL) AS with_section,
                count(*) FILTER (WHERE cardinality(a.tags) > 0) AS with_tags,
                count(*) FILTER (WHERE a.modified_at IS NOT NULL) AS with_modified,
                count(*) FILTER (WHERE a.truncated) AS truncated
         FROM warehouse.articles a WHERE a.run_id = s.run_id AND a.source = s.source) a
WHERE s.run_id = %(run_id)s AND s.source = %(source)s
"""


def source_run_figures(
    conn: psycopg.Connection, run_id: int, source: str, limits: QualityThresholds
) -> SourceRunFigures:
    """Read what run ``run_id`` did for ``source`` from the warehouse."""
    row = conn.execute(
        _FIGURES,
        {
            "run_id": run_id,
            "source": source,
            "trailing": TRAILING_RUNS,
            "min_pages": limits.min_pages_for_checks,
            "shells": SCRIPT_SHELLS,
        },
    ).fetchone()
    if row is None:
        raise LookupError(f"run {run_id} has no record for source {source!r}")
    return SourceRunFigures(*row)
