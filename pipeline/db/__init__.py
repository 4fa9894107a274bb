"""PostgreSQL access: which database to use, connecting, migrations and analytics views."""

from pipeline.db.connection import connect, database_url, describe_url, mask_url
from pipeline.db.migrations import apply_migrations, pending_migrations
from pipeline.db.prepare import prepare_database, prepared_for_the_run
from pipeline.db.sql_files import MIGRATIONS_DIR

__all__ = [
    "MIGRATIONS_DIR",
    "apply_migrations",
    "connect",
    "database_url",
    "describe_url",
    "mask_url",
    "pending_migrations",
    "prepare_database",
    "prepared_for_the_run",
]
