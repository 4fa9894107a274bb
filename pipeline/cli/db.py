"""``newsflow db``: database administration."""

from __future__ import annotations

import click

from pipeline.cli.context import CliContext, pass_cli
from pipeline.db import apply_migrations, connect, database_url, mask_url, pending_migrations
from pipeline.db.embedded import stop_embedded


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


@db.command()
@pass_cli
def stop(ctx: CliContext) -> None:
    """Stop the embedded PostgreSQL under NEWSFLOW_HOME (the next command restarts it).

    Does nothing when NEWSFLOW_DATABASE_URL points at a server of your own.
    """
    settings = ctx.settings
    if settings.database_url:
        click.echo("NEWSFLOW_DATABASE_URL is set: no embedded PostgreSQL to stop")
        return
    if stop_embedded(settings.embedded_dir):
        click.echo(f"stopped the embedded PostgreSQL in {settings.embedded_dir}")
    else:
        click.echo(f"no embedded PostgreSQL runs in {settings.embedded_dir}")
