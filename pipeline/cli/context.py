"""State shared by the CLI commands of one invocation: settings and the database."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from pipeline.config import Settings
from pipeline.sources import Source, load_sources, select_sources


@dataclass
class CliContext:
    """Lazily built settings and database URL, so ``--help`` never touches either."""

    _settings: Settings | None = None
    _database_url: str | None = None
    announce: bool = field(default=True)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    def database(self) -> str:
        """URL of the migrated database; says on stderr which one is used."""
        if self._database_url is None:
            from pipeline.db import describe_url, prepare_database  # psycopg: only when used

            self._database_url = prepare_database(self.settings)
            if self.announce:
                click.echo(describe_url(self.settings, self._database_url), err=True)
        return self._database_url

    def sources(self, path: str | None, names: tuple[str, ...] = ()) -> list[Source]:
        """The chosen sources from ``path`` (default: NEWSFLOW_SOURCES)."""
        return select_sources(
            load_sources(path or self.settings.sources_path, self.settings.storage_env), names
        )


pass_cli = click.make_pass_decorator(CliContext)
