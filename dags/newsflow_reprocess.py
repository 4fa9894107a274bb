"""
### newsflow_reprocess

Re-extracts already archived pages after the extractor improved, without any network
request: the pages come from the WARC archive, and the new results go through the
usual dedup + load path, so a changed body becomes a new article version (counted as
`articles_updated` in the run report).

Trigger it by hand with, for example, `extractor_version_below` set to the version the
new extractor replaced (empty: every archived article), optionally narrowed to a date
range of publication and to some sources.

* **reprocess** – re-extracts and reloads; returns the run report.
* **verdict** – fails the DAG run when the reprocessing run did not succeed.
"""

from __future__ import annotations

from typing import Any

import newsflow_common as nf
from airflow.sdk import Param, dag, get_current_context, task

DAG_ID = "newsflow_reprocess"


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=nf.START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=nf.TAGS,
    doc_md=__doc__,
    default_args={"owner": nf.OWNER, "on_failure_callback": nf.on_task_failure, **nf.DB_RETRIES},
    params={
        "extractor_version_below": Param(
            None,
            type=["null", "string"],
            title="Extractor version below",
            description="Re-extract articles extracted by a version older than this "
            "(e.g. 2026.3.1); empty: every archived article.",
        ),
        "since": nf.date_param("Only articles published on or after this day."),
        "until": nf.date_param("Only articles published on or before this day."),
        "source": nf.sources_param(),
    },
)
def newsflow_reprocess() -> None:

    @task(execution_timeout=nf.TIMEOUT_REPROCESS, **nf.PROCESS_QUEUE)
    def reprocess() -> dict[str, Any]:
        """Re-extract the chosen archived pages and reload them; the run report."""
        return nf.reprocess(get_current_context())

    @task(execution_timeout=nf.TIMEOUT_REPORT, **nf.NO_RETRIES)
    def verdict(run_report: dict[str, Any]) -> str:
        """Fail the DAG run when the reprocessing run did not succeed."""
        return nf.verdict(run_report)

    verdict(reprocess())


newsflow_reprocess()
