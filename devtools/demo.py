"""``make demo``: the nightly pipeline, through Airflow, on the bundled sample news site.

What it does, from nothing:

1. starts (or reuses) the embedded PostgreSQL under ``NEWSFLOW_HOME`` (default for the
   demo: ``.newsflow/`` in the project, so the demo never touches a real installation);
2. serves the bundled sample news site (three publications) on a fixed loopback port,
   so the article URLs, and therefore the warehouse rows, are the same on every run;
3. sets up a local Airflow under ``.airflow/`` (``scripts/airflow-local.sh init``) and
   runs ``airflow dags test newsflow_nightly`` over the site's last week;
4. prints the run summary, a per-source table, three sample rows, one analyst query and
   how to connect with ``psql`` and open the Airflow UI;
5. writes the HTML report (``newsflow report``) to ``$NEWSFLOW_HOME/demo/report.html``
   and prints its path.

A second ``make demo`` on the same day re-runs the same Airflow run: every page is
unchanged, so it reports 0 new articles.

Environment: ``NEWSFLOW_HOME``, ``NEWSFLOW_DATABASE_URL`` as everywhere;
``NEWSFLOW_DEMO_PORT`` (default 8765) for the sample site; ``NEWSFLOW_DEMO_DAYS``
(default 7) for the number of days the run covers.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from pipeline.cli.output import stdout_console
from pipeline.cli.paths import output_file, writing_to
from pipeline.config import Settings
from pipeline.db import connect, describe_url, prepare_database
from pipeline.errors import NewsflowError, PermanentError
from pipeline.report.data import ReportQuery, gather
from pipeline.report.render import render_html
from pipeline.runs import COUNTERS

ROOT = Path(__file__).resolve().parents[1]
DAG_ID = "newsflow_nightly"
DEFAULT_PORT = 8765
DEFAULT_DAYS = 7
ARTICLES_PER_DAY = 10

console = Console(width=max(120, Console().width)) if Console().is_terminal else stdout_console()
"""The terminal (at least 120 columns), or a wide console when the output goes to a file."""


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What the demo runs: where, on which port, over which days."""

    env: dict[str, str]
    """The environment of the demo and of the Airflow processes it starts."""
    port: int
    since: date
    until: date
    today: date

    @property
    def logical_date(self) -> str:
        # The scheduled run that covers ``until``: its data interval starts that day at 02:00.
        return datetime.combine(self.until, clock(2), UTC).isoformat()


def plan_demo(environ: dict[str, str]) -> DemoPlan:
    """The demo's environment and window (the demo is an edge, like the CLI)."""
    env = dict(environ)
    env.setdefault("NEWSFLOW_HOME", str(ROOT / ".newsflow"))
    env.setdefault("AIRFLOW_HOME", str(ROOT / ".airflow"))
    port = int(env.get("NEWSFLOW_DEMO_PORT", DEFAULT_PORT))
    days = int(env.get("NEWSFLOW_DEMO_DAYS", DEFAULT_DAYS))
    today = datetime.now(UTC).date()
    env["NEWSFLOW_SOURCES"] = str(Path(env["NEWSFLOW_HOME"]) / "demo" / "sources.yaml")
    return DemoPlan(
        env=env,
        port=port,
        since=today - timedelta(days=days),
        until=today - timedelta(days=1),
        today=today,
    )


def main() -> None:
    plan = plan_demo(dict(os.environ))
    settings = Settings.from_env(plan.env)
    started = time.monotonic()
    try:
        url = _step("database", lambda: prepare_database(settings))
        console.print(f"  {describe_url(settings, url)}")
        with _sample_site(plan) as site:
            _run_airflow(plan, site.base_url)
        _print_results(settings, url, plan)
        _write_report(settings, url, plan)
    except NewsflowError as exc:
        console.print(f"[red]demo failed:[/red] {exc}")
        sys.exit(exc.exit_code)
    console.print(f"\n[green]demo finished in {time.monotonic() - started:.0f} s[/green]")


def _step(name: str, action):
    with console.status(f"{name} ..."):
        begun = time.monotonic()
        result = action()
    console.print(f"[bold]✓ {name}[/bold] ({time.monotonic() - begun:.1f} s)")
    return result


# --- the sample site ------------------------------------------------------------------------


@contextmanager
def _sample_site(plan: DemoPlan) -> Iterator[Any]:
    from devtools.sample_site import SampleSite, SiteConfig

    days = (plan.today - plan.since).days + 1
    config = SiteConfig(seed=7, today=plan.today, days=days, articles_per_day=ARTICLES_PER_DAY)
    try:
        serving = SampleSite(config).serve(host="127.0.0.1", port=plan.port)
        site = serving.__enter__()
    except OSError as exc:
        raise DemoError(
            f"port {plan.port} is busy ({exc.strerror}); stop what uses it or set "
            "NEWSFLOW_DEMO_PORT to a free port (a new port means new article URLs)"
        ) from exc
    try:
        sources = Path(plan.env["NEWSFLOW_SOURCES"])
        sources.parent.mkdir(parents=True, exist_ok=True)
        site.write_sources_file(sources)
        total = len(site.expected_articles())
        console.print(
            f"[bold]✓ sample news site[/bold] on {site.base_url}: 3 publications, "
            f"{total} articles over {days} days"
        )
        yield site
    finally:
        serving.__exit__(None, None, None)


class DemoError(PermanentError):
    """The demo cannot run here (busy port, Airflow failed)."""


# --- Airflow ----------------------------------------------------------------------------------


def _run_airflow(plan: DemoPlan, base_url: str) -> None:
    script = ROOT / "scripts" / "airflow-local.sh"
    conf = json.dumps(
        {
            "since": plan.since.isoformat(),
            "until": plan.until.isoformat(),
            "sources_file": plan.env["NEWSFLOW_SOURCES"],
        }
    )
    log_path = Path(plan.env["NEWSFLOW_HOME"]) / "demo" / "airflow-dags-test.log"
    command = (
        f'eval "$({shlex.quote(str(script))} env)" && '
        f"{shlex.quote(str(script))} init && "
        f"airflow dags test {DAG_ID} {shlex.quote(plan.logical_date)} "
        f"--conf {shlex.quote(conf)}"
    )
    console.print(
        f"  Airflow home {plan.env['AIRFLOW_HOME']}; "
        f"window {plan.since} .. {plan.until}; log {log_path}"
    )
    begun = time.monotonic()
    with log_path.open("w") as log, console.status("airflow dags test newsflow_nightly") as status:
        process = subprocess.Popen(
            ["bash", "-c", command], env=plan.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        while process.poll() is None:
            status.update(
                f"airflow dags test {DAG_ID}: {_last_task(log_path)} "
                f"({time.monotonic() - begun:.0f} s)"
            )
            time.sleep(0.5)
    if process.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-25:])
        console.print(tail, markup=False, highlight=False)
        raise DemoError(
            f"airflow dags test {DAG_ID} failed (exit {process.returncode}); "
            f"the full log is {log_path}"
        )
    console.print(f"[bold]✓ airflow dags test {DAG_ID}[/bold] ({time.monotonic() - begun:.1f} s)")


def _last_task(log_path: Path) -> str:
    """The most recent task the Airflow log mentions, for the progress line."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()[-200:]
    except OSError:
        return "starting"
    for line in reversed(lines):
        for marker in ("task_id=", "Running task "):
            if marker in line:
                return line.split(marker, 1)[1].split()[0].strip(",'\"")
    return "starting"


# --- the results --------------------------------------------------------------------------------

_LATEST_RUN = """
SELECT run_id, status, window_since, window_until, started_at, finished_at, error, {counters}
FROM warehouse.crawl_runs ORDER BY run_id DESC LIMIT 1
""".format(counters=", ".join(COUNTERS))

_RUN_SOURCES = """
SELECT source, status, {counters}, error FROM warehouse.crawl_run_sources
WHERE run_id = %s ORDER BY source
""".format(counters=", ".join(COUNTERS))

_WAREHOUSE_TOTALS = """
SELECT count(*) FILTER (WHERE duplicate_of IS NULL),
       count(*) FILTER (WHERE duplicate_of IS NOT NULL)
FROM warehouse.articles
"""

_SAMPLE_ROWS = """
SELECT source, published_at, title, authors, left(body, 150) AS body_start, syndication_count
FROM analytics.articles ORDER BY syndication_count DESC, published_at DESC, article_id LIMIT 3
"""

ANALYST_QUERY = """\
SELECT source, published_date, articles, duplicates
FROM analytics.daily_source_counts
WHERE published_date >= current_date - 3
ORDER BY published_date DESC, source"""


def source_table(rows: list[tuple[Any, ...]]) -> Table:
    """The per-source table of ``_RUN_SOURCES`` rows (source, status, the ``COUNTERS`` in
    order, error): one column per source (the demo crawls three) and one named row per
    figure, so every name fits a terminal in full."""
    table = Table("", *(str(row[0]) for row in rows), title="Per source")
    columns = [(status, rest[:-1], rest[-1]) for _, status, *rest in rows]
    table.add_row("status", *(status for status, _, _ in columns))
    for index, counter in enumerate(COUNTERS):
        table.add_row(
            counter.replace("_", " "), *(str(numbers[index]) for _, numbers, _ in columns)
        )
    if any(error for _, _, error in columns):
        table.add_row("error", *(error or "" for _, _, error in columns))
    return table


def _print_results(settings: Settings, url: str, plan: DemoPlan) -> None:
    with connect(url) as conn:
        _print_run(conn)
        _print_samples(conn)
    _print_next(url, plan)


def _print_run(conn: psycopg.Connection) -> None:
    """The latest run's status and counts, the warehouse totals and the per-source table."""
    run = conn.execute(_LATEST_RUN).fetchone()
    if run is None:
        raise DemoError("the Airflow run recorded no crawl run; see the Airflow log")
    run_id, status, since, until, _, _, error, *counts = run
    totals = dict(zip(COUNTERS, counts))
    console.print(
        f"\n[bold]Run {run_id}[/bold] ({since} .. {until}): [bold]{status}[/bold]"
        + (f" — {error}" if error else "")
    )
    console.print(
        "  " + ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in totals.items())
    )
    originals, copies = conn.execute(_WAREHOUSE_TOTALS).fetchone()
    console.print(
        f"  the warehouse holds {originals} articles and {copies} duplicates "
        "linked to their originals"
    )
    if totals["articles_new"] == 0:
        console.print("  0 new articles: every page was already loaded (re-runs are idempotent)")

    console.print(source_table(conn.execute(_RUN_SOURCES, (run_id,)).fetchall()))
    console.print(
        "  (failed pages are the sample site's traps: 404, 500, an oversized "
        "page, a PDF, a redirect loop)"
    )


def _print_samples(conn: psycopg.Connection) -> None:
    """Three rows of analytics.articles and an analyst query with its answer."""
    console.print("\n[bold]Three rows of analytics.articles[/bold]")
    for source, published, title, authors, body, copies in conn.execute(_SAMPLE_ROWS):
        when = f"{published:%Y-%m-%d %H:%M} UTC" if published else "date unknown"
        console.print(f"• [bold]{title}[/bold]", highlight=False)
        console.print(
            f"  {source} · {when} · by {', '.join(authors) or 'unknown'}"
            f" · {copies} syndicated cop{'y' if copies == 1 else 'ies'}",
            highlight=False,
        )
        console.print(f"  {body} …", markup=False, highlight=False)

    console.print("\n[bold]An analyst query[/bold]")
    console.print(ANALYST_QUERY, markup=False, highlight=False)
    cursor = conn.execute(ANALYST_QUERY)
    answer = Table(*(column.name for column in cursor.description))
    for row in cursor:
        answer.add_row(*map(str, row))
    console.print(answer)


def report_path(plan: DemoPlan) -> Path:
    """Where the demo writes its HTML report: ``$NEWSFLOW_HOME/demo/report.html``."""
    return Path(plan.env["NEWSFLOW_HOME"]) / "demo" / "report.html"


def _write_report(settings: Settings, url: str, plan: DemoPlan) -> None:
    """The report ``newsflow report`` would write, under the demo's home; prints its path."""
    out = output_file(report_path(plan))
    with connect(url) as conn:
        data = gather(conn, ReportQuery(), settings.quality, datetime.now(UTC))
    with writing_to(out):
        out.write_text(render_html(data), encoding="utf-8")
    console.print(f"\n[bold]Report[/bold] (open it in a browser, it works offline): {out}")


def _print_next(url: str, plan: DemoPlan) -> None:
    """What to do next: psql, the Airflow UI, the site, the demo's data, stopping the database."""
    console.print("\n[bold]Next[/bold]")
    console.print(f"  Query the warehouse:  psql {shlex.quote(url)}")
    console.print(
        "                        (docs/analyst-queries.sql has more queries, "
        "docs/schema.md every column)"
    )
    console.print(
        f"  Airflow UI:           NEWSFLOW_HOME={shlex.quote(plan.env['NEWSFLOW_HOME'])} "
        f"NEWSFLOW_SOURCES={shlex.quote(plan.env['NEWSFLOW_SOURCES'])} "
        "scripts/airflow-local.sh   then open http://localhost:8080"
    )
    console.print(
        "  The newsflow page:    http://localhost:8080/newsflow/ (in the Airflow UI's menu; "
        "after `make install`, which registers the plugin)"
    )
    console.print(
        f"  Serve the site again: .venv/bin/python -m devtools.sample_site --port "
        f"{plan.port} --days {(plan.today - plan.since).days + 1}"
    )
    home = shlex.quote(plan.env["NEWSFLOW_HOME"])
    console.print(
        f"  Use the demo's data:  NEWSFLOW_HOME={home} .venv/bin/newsflow stats "
        "(or export, run, ...)"
    )
    console.print(f"  Stop the database:    NEWSFLOW_HOME={home} .venv/bin/newsflow db stop")


if __name__ == "__main__":
    main()
