"""The ``newsflow run`` report names the discovery documents that failed in a source
that still succeeded."""

from __future__ import annotations

from pipeline.cli.run import print_run_report
from pipeline.runs import COUNTERS


def source(status: str, failed: list[str], error: str | None = None) -> dict:
    return {
        "status": status,
        "error": error,
        "crawl": {"failed_documents": failed},
        **dict.fromkeys(COUNTERS, 0),
    }


def test_report_names_failed_documents_of_a_source_that_succeeded(capsys):
    print_run_report(
        {
            "run_id": 1,
            "status": "partial",
            "sources": {
                "mixed": source("success", ["https://a.com/old.rss answered 404"]),
                "moved": source(
                    "failed", ["https://b.com/sitemap.xml answered 404"], "source 'moved'"
                ),
                "fine": source("success", []),
            },
        }
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if "discovery documents" in line]
    assert lines == ["mixed: discovery documents that failed: https://a.com/old.rss answered 404"]
