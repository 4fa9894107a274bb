"""``python -m devtools.sample_site``: serve the sample news site until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

import click

from devtools.sample_site.site import SampleSite, SiteConfig, _utc_today


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
@click.option(
    "--port-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the bound port here once serving.",
)
@click.option(
    "--sources-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a newsflow sources file for the site here.",
)
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day with articles [default: today, UTC].",
)
@click.option("--days", default=14, show_default=True)
@click.option("--articles-per-day", default=10, show_default=True, help="Per publication.")
@click.option("--page-kb", default=20, show_default=True)
@click.option("--slow-seconds", default=3.0, show_default=True)
@click.option("--oversized-mb", default=12, show_default=True)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append every request to this JSONL file.",
)
def main(
    host: str,
    port: int,
    port_file: Path | None,
    sources_file: Path | None,
    seed: int,
    today: datetime | None,
    days: int,
    articles_per_day: int,
    page_kb: int,
    slow_seconds: float,
    oversized_mb: int,
    log_file: Path | None,
) -> None:
    """Serve the deterministic sample news site (three publications) on HOST:PORT."""
    try:
        config = SiteConfig(
            seed=seed,
            today=today.date() if today else _utc_today(),
            days=days,
            articles_per_day=articles_per_day,
            page_kb=page_kb,
            slow_seconds=slow_seconds,
            oversized_mb=oversized_mb,
            log_file=log_file,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        serving = SampleSite(config).serve(host=host, port=port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    with serving as site:
        if sources_file is not None:
            site.write_sources_file(sources_file)
        if port_file is not None:
            port_file.write_text(site.base_url.rsplit(":", 1)[1] + "\n", encoding="utf-8")
        click.echo(f"serving {site.base_url}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass


if __name__ == "__main__":
    main()
