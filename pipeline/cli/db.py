"""``newsflow db``: database administration."""

from __future__ import annotations

import click

from pipeline.cli.context import CliContext, pass_cli
from pipeline.db import apply_migrations, connect, database_url, mask_url, pending_migrations


@click.group()
def db() -> None:
    """Manage the newsflow database (migrations, connection)."""


@db.command()
@pass_cli
def upgrade(ctx: CliContext) -> None:
    """Apply every missing migration. Safe to repeat and to run concurrently."""
    url = database_url(ctx.settings)
    click.echo(f"database: {mask_url(url)}", err=True)
    with connect(url) as conn:
        applied = apply_migrations(conn)
    if applied:
        for migration in applied:
            click.echo(f"applied {migration.path.name}")
    else:
        click.echo("database is up to date")


@db.command()
@pass_cli
def status(ctx: CliContext) -> None:
    """List migrations not yet applied."""
    url = database_url(ctx.settings)
    with connect(url) as conn:
        pending = pending_migrations(conn)
    if not pending:
        click.echo("database is up to date")
    for migration in pending:
        click.echo(f"pending {migration.path.name}")


@db.command()
@pass_cli
def url(ctx: CliContext) -> None:
    """Print the URL of the database in use (password masked).

    Starts the embedded PostgreSQL when NEWSFLOW_DATABASE_URL is unset.
    """
    click.echo(mask_url(database_url(ctx.settings)))
