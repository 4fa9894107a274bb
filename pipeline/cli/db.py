"""``newsflow db``: database administration."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.paths import OUTPUT_PATH, output_file, writing_to
from pipeline.db import apply_migrations, connect, database_url, mask_url, pending_migrations
from pipeline.db.embedded import stop_embedded
from pipeline.db.roles import DEFAULT_READER, grant_reader
from pipeline.db.schema_docs import SCHEMA_DOC, is_up_to_date, schema_docs
from pipeline.errors import SchemaDocsOutOfDateError


@click.group()
def db() -> None:
    """Manage the newsflow database (migrations, connection, schema docs, reader role)."""


@db.command()
@pass_cli
def upgrade(ctx: CliContext) -> None:
    """Apply every missing migration, then re-create changed analytics views (sql/views).

    Safe to repeat and to run concurrently.
    """
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


@db.command()
@click.option(
    "--out",
    type=OUTPUT_PATH,
    default=SCHEMA_DOC,
    metavar="FILE",
    show_default="docs/schema.md of this checkout",
    help="Markdown file to write (missing folders are created).",
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit with code 1 when the file is not up to date."
)
@pass_cli
def docs(ctx: CliContext, out: Path, check: bool) -> None:
    """Write the schema documentation (tables, views, columns, types, comments, indexes)
    generated from the catalog of the migrated database.
    """
    if not check:
        output_file(out)
    with connect(ctx.database()) as conn:
        markdown = schema_docs(conn)
    if check:
        if not is_up_to_date(out, markdown):
            raise SchemaDocsOutOfDateError(
                f"{out} is out of date with the migrations; run 'newsflow db docs' and commit it"
            )
        click.echo(f"{out} is up to date")
        return
    with writing_to(out):
        out.write_text(markdown, encoding="utf-8")
    click.echo(f"wrote {out}")


@db.command("grant-reader")
@click.argument("name", default=DEFAULT_READER)
@click.option(
    "--login/--no-login",
    default=None,
    help="Let the role log in (set its password with \\password NAME in psql), or "
    "make it a group role to GRANT to people. Default: NOLOGIN for a new role, "
    "unchanged for an existing one.",
)
@pass_cli
def grant_reader_command(ctx: CliContext, name: str, login: bool | None) -> None:
    """Create or update the read-only role NAME (default newsflow_reader): it can read
    the views in schema analytics, and nothing else, in the database in use.

    Run it again after adding databases; views added by later migrations are covered
    when migrations run as the same role as this command.
    """
    with connect(ctx.database()) as conn:
        grant = grant_reader(conn, name, login)
    verb = "created" if grant.created else "updated"
    click.echo(
        f"{verb} role {grant.role}: read-only access to schema analytics in database "
        f"{grant.database} ({'LOGIN' if grant.can_login else 'NOLOGIN'})"
    )
    if not grant.can_login:
        click.echo(f"give it to an analyst with: GRANT {grant.role} TO analyst_login;")
