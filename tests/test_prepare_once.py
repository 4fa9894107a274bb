"""``prepared_for_the_run``: a run checks its database's migrations and views once."""

from __future__ import annotations

import pytest

from pipeline.db import prepare as prepare_module
from pipeline.db import prepare_database, prepared_for_the_run


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The URLs whose migrations and views were checked, in order."""
    checked: list[str] = []
    real = prepare_module.apply_migrations

    def counting(conn):
        checked.append(conn.info.dbname)
        return real(conn)

    monkeypatch.setattr(prepare_module, "apply_migrations", counting)
    return checked


def test_inside_the_block_the_database_is_checked_once(settings, checks) -> None:
    with prepared_for_the_run(settings) as url:
        assert prepare_database(settings) == url
        assert prepare_database(settings) == url
    assert len(checks) == 1


def test_after_the_block_each_call_checks_again(settings, checks) -> None:
    with prepared_for_the_run(settings):
        pass
    prepare_database(settings)
    assert len(checks) == 2


def test_nested_blocks_keep_the_database_prepared_until_the_outer_one_ends(
    settings, checks
) -> None:
    with prepared_for_the_run(settings):
        with prepared_for_the_run(settings):
            pass
        prepare_database(settings)
        assert len(checks) == 1
    prepare_database(settings)
    assert len(checks) == 2


def test_another_database_is_still_checked(settings, make_migrated_database, checks) -> None:
    other = settings.with_overrides(database_url=make_migrated_database())
    with prepared_for_the_run(settings):
        prepare_database(other)
    assert len(checks) == 2
