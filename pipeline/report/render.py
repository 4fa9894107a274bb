"""The report as one self-contained HTML page: styles, plotly.js and data inlined."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from html import escape

from pipeline.report.attention import Attention, needs_attention
from pipeline.report.charts import source_figure
from pipeline.report.data import ReportData, ReportQuery, RunSummary
from pipeline.utc import as_utc

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status-success { color: #2ca02c; } .status-partial { color: #ff7f0e; }
.status-failed, .status-running { color: #d62728; } .empty { font-size: 1.2em; color: #555; }
section.source { margin-top: 2em; }
"""

_LATEST_COUNTS = (
    ("pages discovered", "pages_discovered"),
    ("pages fetched", "pages_fetched"),
    ("new", "articles_new"),
    ("updated", "articles_updated"),
    ("unchanged", "articles_unchanged"),
    ("duplicates", "duplicates"),
    ("not article", "not_article"),
    ("other language", "other_language"),
    ("failed", "failed"),
    ("discovery failed", "discovery_failed"),
    ("blocked by a bot wall", "blocked"),
)


def render_html(data: ReportData) -> str:
    """The whole page for ``data``; it says so when there are no runs to show."""
    body = [
        "<h1>newsflow report</h1>",
        f'<p class="meta">{escape(_scope(data.query))} · generated {_time(data.generated_at)}</p>',
    ]
    if not data.runs:
        body.append(
            '<p class="empty">The warehouse holds no runs '
            f"{'in this range' if _filtered(data.query) else 'yet'}: nothing to report. "
            "Run <code>newsflow run</code> (or the Airflow DAG) first.</p>"
        )
    else:
        if data.latest is not None:
            body.append(_latest_run(data.latest, _reasons_of_run(data, data.latest.run_id)))
        body.append(_attention(needs_attention(data.runs, data.thresholds)))
        body.append(_paywalls(data))
        body.extend(_source_sections(data))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>newsflow report</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _source_sections(data: ReportData) -> list[str]:
    sections = []
    for index, source in enumerate(data.sources):
        runs = data.runs[source]
        failures = {run.run_id: data.failures.get((run.run_id, source), {}) for run in runs}
        figure = source_figure(source, runs, data.daily.get(source, []), data.thresholds, failures)
        chart = figure.to_html(
            full_html=False,
            include_plotlyjs=index == 0,  # inlined once, so the page opens offline
            config={"displaylogo": False, "responsive": True},
        )
        sections.append(
            f'<section class="source" id="source-{escape(source)}">'
            f"<h2>{escape(source)}</h2>{chart}</section>"
        )
    return sections


def _reasons_of_run(data: ReportData, run_id: int) -> dict[str, int]:
    """Failed requests of the run by reason, summed over its sources, most frequent first."""
    total: Counter[str] = Counter()
    for (failed_run, _), by_reason in data.failures.items():
        if failed_run == run_id:
            total.update(by_reason)
    return dict(sorted(total.items(), key=lambda item: (-item[1], item[0])))


def _latest_run(run: RunSummary, reasons: dict[str, int]) -> str:
    window = f"{run.window_since or '…'} to {run.window_until or '…'}"
    rows = [
        ("run", f"#{run.run_id} ({escape(run.trigger)})"),
        ("status", f'<span class="status-{escape(run.status)}">{escape(run.status)}</span>'),
        ("window (publication days)", window),
        ("started", _time(run.started_at)),
        ("duration", _duration(run.duration)),
        ("sources", escape(", ".join(run.sources))),
    ]
    rows += [(label, str(getattr(run, attr))) for label, attr in _LATEST_COUNTS]
    if reasons:
        by_reason = ", ".join(f"{escape(reason)} {count}" for reason, count in reasons.items())
        rows.append(("failed by reason", by_reason))
    if run.error:
        rows.append(("error", escape(run.error)))
    cells = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return f'<h2>Latest run</h2><table id="latest-run">{cells}</table>'


def _attention(found: list[Attention]) -> str:
    if not found:
        return "<h2>Sources that need attention</h2><p>None: every source is within its limits.</p>"
    rows = "".join(
        f'<tr><td><a href="#source-{escape(a.source)}">{escape(a.source)}</a></td>'
        f'<td class="n">#{a.run_id}</td><td class="n">{a.off:.0%}</td>'
        f"<td>{'<br>'.join(escape(reason) for reason in a.reasons)}</td></tr>"
        for a in found
    )
    return (
        "<h2>Sources that need attention</h2>"
        '<table id="attention"><tr><th>source</th><th>run</th><th>off by</th><th>why</th></tr>'
        f"{rows}</table>"
    )


def _paywalls(data: ReportData) -> str:
    """Per source, the share of its latest run's articles that a paywall cut off."""
    rows = []
    for source in data.sources:
        share = data.runs[source][-1].truncated_share
        shown = f"{share:.0%}" if share is not None else "not checked"
        rows.append(
            f'<tr><td><a href="#source-{escape(source)}">{escape(source)}</a></td>'
            f'<td class="n">{shown}</td></tr>'
        )
    return (
        "<h2>Articles cut off by a paywall</h2>"
        "<p>Share of each source's articles in its latest run whose text stops at a paywall "
        "(<code>truncated</code>; leave them out with <code>WHERE NOT truncated</code>).</p>"
        '<table id="paywalls"><tr><th>source</th><th>truncated</th></tr>'
        f"{''.join(rows)}</table>"
    )


def _scope(query: ReportQuery) -> str:
    sources = ", ".join(query.sources) if query.sources else "all sources"
    since, until = query.days.since, query.days.until
    days = f", started {since or '…'} to {until or '…'} (UTC)" if since or until else ""
    return f"{sources} · the last {query.runs} runs of each source{days}"


def _filtered(query: ReportQuery) -> bool:
    return bool(query.days.since or query.days.until or query.sources)


def _time(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def _duration(duration: timedelta | None) -> str:
    if duration is None:
        return "still running (or killed)"
    minutes, seconds = divmod(int(duration.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"
