"""The ``newsflow`` command line.

Each command lives in its own module and is registered on the ``cli`` group below.
Errors newsflow raises on purpose (``NewsflowError``) are printed as one line on
stderr with the error's exit code (2 for bad input, 3 for a transient failure such as
an unreachable database; see ``pipeline.errors``); anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import logging
import sys

import click

from pipeline import __version__
from pipeline.cli.context import CliContext
from pipeline.cli.lazy import LazyGroup
from pipeline.errors import EXIT_INTERRUPTED, NewsflowError

COMMANDS = {
    "archive": "pipeline.cli.archive:archive",
    "crawl": "pipeline.cli.crawl:crawl",
    "db": "pipeline.cli.db:db",
    "export": "pipeline.cli.export:export",
    "extract": "pipeline.cli.extract:extract",
    "import-warc": "pipeline.cli.import_warc:import_warc",
    "report": "pipeline.cli.report:report",
    "reprocess": "pipeline.cli.reprocess:reprocess",
    "run": "pipeline.cli.run:run",
    "stats": "pipeline.cli.stats:stats",
}
"""Each command and where it lives; its module is imported only when it runs."""


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="newsflow")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """newsflow: crawl news sites, extract clean article text, drop duplicates and
    load the result into PostgreSQL.

    Configuration comes from environment variables (NEWSFLOW_DATABASE_URL,
    NEWSFLOW_HOME, NEWSFLOW_SOURCES, ...; see the README) and the sources file.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = CliContext()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="newsflow", standalone_mode=False)
    except NewsflowError as exc:
        click.echo(f"newsflow: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("newsflow: aborted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("newsflow: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
