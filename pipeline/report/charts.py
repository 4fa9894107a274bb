"""One source's plots over its recent runs (Plotly), with the quality thresholds and breaches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipeline.config import QualityThresholds
from pipeline.report.attention import Limit, limits
from pipeline.report.data import SourceRun
from pipeline.utc import as_utc

PANELS = (
    "Articles per publication day",
    "Yield (articles ÷ fetched pages)",
    "Not-article, duplicate and truncated share",
    "Articles with a title, date, author",
    "Failed requests per run, by reason",
)
COLOURS = {
    "yield_share": "#1f77b4",
    "not_article_share": "#8c564b",
    "duplicate_share": "#9467bd",
    "truncated_share": "#e377c2",
    "title_share": "#2ca02c",
    "date_share": "#ff7f0e",
    "author_share": "#17becf",
}
BREACH_COLOUR = "#d62728"
UNRECORDED = "reason not recorded"
_SHARE_PANELS = {
    (1, 2): ("yield_share",),
    (2, 1): ("not_article_share", "duplicate_share", "truncated_share"),
    (2, 2): ("title_share", "date_share", "author_share"),
}
_NAMES = {
    "yield_share": "yield",
    "not_article_share": "not article",
    "duplicate_share": "duplicates",
    "truncated_share": "cut off by a paywall",
    "title_share": "with title",
    "date_share": "with date",
    "author_share": "with author",
}


def source_figure(
    source: str,
    runs: list[SourceRun],
    daily: list[tuple[date, int]],
    thresholds: QualityThresholds,
    failures: Mapping[int, Mapping[str, int]],
) -> go.Figure:
    """Five panels for ``source``: articles per day, yield, not-article/duplicate/truncated share,
    title/date/author shares and failures by reason (``failures``: per run_id); thresholds
    dashed, breaches marked with a red x."""
    figure = make_subplots(
        rows=3,
        cols=2,
        subplot_titles=PANELS,
        vertical_spacing=0.12,
        specs=[[{}, {}], [{}, {}], [{}, None]],
    )
    figure.add_trace(
        go.Bar(
            x=[day.isoformat() for day, _ in daily],
            y=[count for _, count in daily],
            name="articles",
            marker_color="#1f77b4",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    by_metric = {limit.metric: limit for limit in limits(thresholds)}
    started = [_when(run.started_at) for run in runs]
    for (row, col), metrics in _SHARE_PANELS.items():
        for metric in metrics:
            _share_traces(figure, runs, started, metric, by_metric.get(metric), row, col)
        figure.update_yaxes(range=[0, 1.05], tickformat=".0%", row=row, col=col)
    _failure_traces(figure, runs, started, failures)
    figure.update_layout(
        title_text=source,
        height=760,
        template="plotly_white",
        barmode="stack",
        margin={"l": 50, "r": 20, "t": 80, "b": 40},
        legend={"orientation": "h", "y": -0.06},
    )
    return figure


def _share_traces(
    figure: go.Figure,
    runs: list[SourceRun],
    started: list[str],
    metric: str,
    limit: Limit | None,
    row: int,
    col: int,
) -> None:
    values = [getattr(run, metric) for run in runs]
    colour = COLOURS[metric]
    figure.add_trace(
        go.Scatter(
            x=started,
            y=values,
            mode="lines+markers",
            name=_NAMES[metric],
            line={"color": colour},
            hovertemplate="run %{customdata}: %{y:.0%}<extra>" + _NAMES[metric] + "</extra>",
            customdata=[run.run_id for run in runs],
        ),
        row=row,
        col=col,
    )
    if limit is None:
        return
    figure.add_hline(
        y=limit.bound,
        line={"dash": "dash", "color": colour, "width": 1},
        annotation_text=f"{limit.kind} {limit.bound:.0%}",
        annotation_font_color=colour,
        row=row,
        col=col,
    )
    breached = [(x, y) for x, y in zip(started, values) if limit.off_by(y) > 0]
    if breached:
        figure.add_trace(
            go.Scatter(
                x=[x for x, _ in breached],
                y=[y for _, y in breached],
                mode="markers",
                name=f"{_NAMES[metric]} breach",
                marker={"symbol": "x", "size": 12, "color": BREACH_COLOUR},
            ),
            row=row,
            col=col,
        )


def _failure_traces(
    figure: go.Figure,
    runs: list[SourceRun],
    started: list[str],
    failures: Mapping[int, Mapping[str, int]],
) -> None:
    """Failed requests per run, stacked by reason (what the crawl recorded; the rest of
    ``failed`` + ``discovery_failed`` as "reason not recorded"); a failed run is marked
    with a red x above its bar."""
    reasons = sorted({reason for run in runs for reason in failures.get(run.run_id, {})})
    for reason in reasons:
        counts = [failures.get(run.run_id, {}).get(reason, 0) for run in runs]
        figure.add_trace(go.Bar(x=started, y=counts, name=reason), row=3, col=1)
    unrecorded = [failures_unrecorded(run, failures.get(run.run_id, {})) for run in runs]
    if any(unrecorded):
        figure.add_trace(
            go.Bar(x=started, y=unrecorded, name=UNRECORDED, marker_color="#7f7f7f"), row=3, col=1
        )
    failed = [(x, run) for x, run in zip(started, runs) if run.status == "failed"]
    if failed:
        figure.add_trace(
            go.Scatter(
                x=[x for x, _ in failed],
                y=[run.failed + run.discovery_failed for _, run in failed],
                mode="markers",
                name="run failed",
                marker={"symbol": "x", "size": 12, "color": BREACH_COLOUR},
                hovertext=[run.error or "" for _, run in failed],
            ),
            row=3,
            col=1,
        )


def failures_unrecorded(run: SourceRun, by_reason: Mapping[str, int]) -> int:
    """The failures of ``run`` whose reason the crawl did not record (e.g. older runs)."""
    return max(0, run.failed + run.discovery_failed - sum(by_reason.values()))


def _when(moment: datetime) -> str:
    """A run's x: to the second, so runs started within one minute do not share a point."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M:%S")
