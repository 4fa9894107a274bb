"""``newsflow run`` starts its crawler process before it imports the steps."""

from __future__ import annotations

from tests.fresh_python import python_output


def test_importing_the_runner_imports_neither_the_database_driver_nor_scrapy() -> None:
    # run_pipeline starts the crawler (crawlers.spare) first: whatever this module
    # imports is paid before the crawler's own imports can begin.
    code = (
        "import sys\n"
        "import pipeline.local_run\n"
        "print(sorted({'psycopg', 'scrapy', 'pipeline.steps'} & set(sys.modules)))\n"
    )
    assert python_output(code) == "[]"


def test_the_spare_module_imports_the_standard_library_only() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import crawlers.spare\n"
        "print(sorted(m for m in set(sys.modules) - before\n"
        "             if m.split('.')[0] not in sys.stdlib_module_names\n"
        "             and m.split('.')[0] != 'crawlers'))\n"
    )
    assert python_output(code) == "[]"
