"""Fixtures of the analyst-layer tests: a migrated database loaded with a small,
realistic newsroom (``fixtures/newsroom.sql``), and the example queries of
``docs/analyst-queries.sql`` split into named queries."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from pipeline.load.derive import derive_pending

HERE = Path(__file__).resolve().parent
NEWSROOM_SQL = HERE / "fixtures" / "newsroom.sql"
ANALYST_QUERIES = HERE.parents[1] / "docs" / "analyst-queries.sql"

_NAME_LINE = re.compile(r"^-- name: ([a-z0-9_]+)\s*$", re.M)


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    description: str
    """The comment lines under the name, joined."""
    sql: str


def split_queries(text: str) -> list[NamedQuery]:
    """The ``-- name: NAME`` blocks of an analyst-queries file, in file order."""
    parts = _NAME_LINE.split(text)
    queries = []
    for name, block in zip(parts[1::2], parts[2::2]):
        lines = block.strip().splitlines()
        comment = [line.removeprefix("--").strip() for line in lines if line.startswith("--")]
        sql = "\n".join(line for line in lines if not line.startswith("--")).strip()
        queries.append(NamedQuery(name, " ".join(comment), sql))
    return queries


@pytest.fixture(scope="session")
def newsroom_url(make_migrated_database: Callable[[], str]) -> str:
    """A migrated database holding the newsroom fixture (tests must not change it)."""
    url = make_migrated_database()
    with psycopg.connect(url) as conn:
        conn.execute(NEWSROOM_SQL.read_text(encoding="utf-8"))
        derive_pending(conn)
        conn.execute("ANALYZE")
    return url


@pytest.fixture
def newsroom(newsroom_url: str) -> Iterator[psycopg.Connection]:
    """A connection to the newsroom database whose changes are rolled back."""
    with psycopg.connect(newsroom_url) as conn:
        yield conn
        conn.rollback()
