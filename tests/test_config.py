"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import ConfigError


def test_defaults_without_environment():
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.home == Path("~/.local/share/newsflow").expanduser()
    assert settings.embedded_dir == settings.home / "postgres"
    assert settings.archive_dir == settings.home / "archive"
    assert settings.near_duplicate_threshold == 0.8
    assert 1 <= settings.derive_connections <= 4
    assert "newsflow/" in settings.user_agent and settings.contact_url in settings.user_agent


def test_environment_overrides():
    settings = Settings.from_env(
        {
            "NEWSFLOW_HOME": "/srv/nf",
            "NEWSFLOW_DATABASE_URL": "postgresql://u@h/db",
            "NEWSFLOW_SOURCES": "/etc/nf/sources.yaml",
            "NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": "0.9",
            "NEWSFLOW_CONTACT_URL": "https://example.org/bot",
            "NEWSFLOW_DERIVE_CONNECTIONS": "6",
            "NEWSFLOW_EXTRACT_TIMEOUT": "30",
        }
    )
    assert settings.home == Path("/srv/nf")
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.sources_path == Path("/etc/nf/sources.yaml")
    assert settings.near_duplicate_threshold == 0.9
    assert "https://example.org/bot" in settings.user_agent
    assert settings.derive_connections == 6
    assert settings.extract_timeout_s == 30.0


@pytest.mark.parametrize("value", ["abc", "1.5", "-0.1"])
def test_bad_threshold_is_a_config_error(value):
    with pytest.raises(ConfigError, match="NEWSFLOW_NEAR_DUPLICATE_THRESHOLD"):
        Settings.from_env({"NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": value})


def test_the_derive_step_needs_a_connection():
    with pytest.raises(ConfigError, match="NEWSFLOW_DERIVE_CONNECTIONS must be >= 1"):
        Settings.from_env({"NEWSFLOW_DERIVE_CONNECTIONS": "0"})


def test_the_host_lock_wait_defaults_to_an_hour_and_may_be_zero():
    assert Settings.from_env({}).host_lock_wait_s == 3600.0
    assert Settings.from_env({"NEWSFLOW_HOST_LOCK_WAIT": "0"}).host_lock_wait_s == 0.0
    with pytest.raises(ConfigError, match="NEWSFLOW_HOST_LOCK_WAIT must be >= 0"):
        Settings.from_env({"NEWSFLOW_HOST_LOCK_WAIT": "-1"})
