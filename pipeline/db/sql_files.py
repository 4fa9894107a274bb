"""Where newsflow's SQL files are: ``sql/`` of the checkout, a copy inside the installed wheel.

``pipeline/sql`` is a symbolic link to the top-level ``sql/`` directory, so a checkout
(editable install or ``PYTHONPATH``) reads the files where a reader finds them, and the
wheel carries them as package data of ``pipeline`` (``pyproject.toml``).
"""

from __future__ import annotations

import hashlib
from importlib.resources import files
from importlib.resources.abc import Traversable

SQL_ROOT: Traversable = files("pipeline") / "sql"
MIGRATIONS_DIR: Traversable = SQL_ROOT / "migrations"
"""``NNNN_name.sql``: ordered migrations, each applied once (``pipeline.db.migrations``)."""
VIEWS_DIR: Traversable = SQL_ROOT / "views"
"""``NN_view.sql``: the current analytics views, re-applied by every upgrade
(``pipeline.db.views``)."""


def sql_files(directory: Traversable) -> list[Traversable]:
    """The ``*.sql`` files in ``directory``, sorted by name."""
    return sorted(
        (f for f in directory.iterdir() if f.name.endswith(".sql") and f.is_file()),
        key=lambda f: f.name,
    )


class SqlText:
    """The text and checksum of the SQL file at ``self.path`` (a migration, a view file)."""

    __slots__ = ()
    path: Traversable

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        """SHA-256 (hex) of the file's bytes: what is recorded once it is applied."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()
