"""``make demo``: set up the embedded database and show which database is in use.

The full demo (sample site, nightly pipeline through Airflow, summary) replaces this
as the pipeline stages land.
"""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.db import describe_url, prepare_database


def main() -> None:
    settings = Settings.from_env()
    url = prepare_database(settings)
    print(describe_url(settings, url))
    print("newsflow is installed; run '.venv/bin/newsflow --help' to see the commands.")


if __name__ == "__main__":
    main()
