"""newsflow's importable core: extraction, deduplication, loading, checks, config, CLI."""

__version__ = "0.1.0"
