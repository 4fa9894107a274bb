"""
### newsflow_nightly

Crawls every source of the sources file, extracts the articles, drops duplicates and
loads the result into PostgreSQL; then checks each source's quality and reports.

* **start_run** – validates the sources file, migrates the database, records the run.
* **source_names** – the run's source names, which the next group is mapped over.
* **source** (one mapped group per source) – `crawl` (child process, network) →
  `extract` (process pool, from the WARC archive) → `load` (upsert) → `link`
  (near-duplicate index and links, which make the new articles visible to analysts;
  then their search vectors) → `check` (quality thresholds). A source that fails
  leaves the others running; its failure and reason are recorded in the run.
* **Queues.** Under the CeleryExecutor, `crawl` goes to NEWSFLOW_CRAWL_QUEUE and
  `extract`, `load`, `link`, `check` to NEWSFLOW_PROCESS_QUEUE (both: the default queue
  when unset); with the archive in a bucket (NEWSFLOW_ARCHIVE_URL) they need no shared disk.
* **report** – links what a failed `link` left, closes the run (`success`, `partial` or
  `failed`) and returns the report.
* **verdict** – fails the DAG run when any source failed, naming them, so the run is red
  and alerts fire; the report itself stays available in `report`'s XCom.

**Window.** Leave `since`/`until` empty and the run covers its data interval: the
scheduled run at 02:00 UTC covers the previous day; a backfill run covers its own day.

Re-running a run (or a backfill day) is idempotent: the same crawl run row is reused
and unchanged articles are counted as unchanged, not inserted again.
"""

from __future__ import annotations

from typing import Any

import newsflow_common as nf
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group

DAG_ID = "newsflow_nightly"


@dag(
    dag_id=DAG_ID,
    schedule=CronDataIntervalTimetable(nf.schedule_from_config(), timezone="UTC"),
    start_date=nf.START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=nf.TAGS,
    doc_md=__doc__,
    default_args={"owner": nf.OWNER, "on_failure_callback": nf.on_task_failure, **nf.DB_RETRIES},
    params={
        "sources_file": Param(
            None,
            type=["null", "string"],
            title="Sources file",
            description="Path or s3:// URL of the sources file, read once by start_run (the "
            "run plan carries it to the other tasks); empty means NEWSFLOW_SOURCES.",
        ),
        "source": nf.sources_param(),
        "since": nf.date_param("First day of the window; empty: from the run's data interval."),
        "until": nf.date_param(
            "Last day of the window (inclusive); empty: from the run's data interval."
        ),
        "max_pages": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            title="Max pages",
            description="Pages per source at most; empty: the sources file's.",
        ),
    },
)
def newsflow_nightly() -> None:

    @task(execution_timeout=nf.TIMEOUT_START)
    def start_run() -> dict[str, Any]:
        """Validate the sources and record the run; the plan every other task gets."""
        return nf.start_run(get_current_context())

    @task(execution_timeout=nf.TIMEOUT_REPORT, **nf.NO_RETRIES)
    def source_names(plan: dict[str, Any]) -> list[str]:
        """The sources of the run, one mapped group each."""
        return list(nf.run_plan(plan).sources)

    @task_group(group_id="source")
    def per_source(plan: dict[str, Any], source: str) -> None:

        @task(
            pool=nf.CRAWL_POOL,
            execution_timeout=nf.TIMEOUT_CRAWL,
            map_index_template=nf.MAP_INDEX_TEMPLATE,
            **nf.CRAWL_QUEUE,
        )
        def crawl(plan: dict[str, Any], source: str) -> dict[str, Any]:
            return nf.run_source_step("crawl_source", plan, source)

        @task(
            execution_timeout=nf.TIMEOUT_EXTRACT,
            map_index_template=nf.MAP_INDEX_TEMPLATE,
            **nf.PROCESS_QUEUE,
        )
        def extract(plan: dict[str, Any], source: str) -> dict[str, Any]:
            return nf.run_source_step("extract_source", plan, source)

        @task(
            execution_timeout=nf.TIMEOUT_LOAD,
            map_index_template=nf.MAP_INDEX_TEMPLATE,
            **nf.PROCESS_QUEUE,
        )
        def load(plan: dict[str, Any], source: str) -> dict[str, Any]:
            return nf.run_source_step("load_source", plan, source)

        @task(
            execution_timeout=nf.TIMEOUT_LINK,
            map_index_template=nf.MAP_INDEX_TEMPLATE,
            **nf.PROCESS_QUEUE,
        )
        def link(plan: dict[str, Any], source: str) -> dict[str, Any]:
            return nf.run_source_step("link_source", plan, source)

        @task(
            execution_timeout=nf.TIMEOUT_CHECK,
            map_index_template=nf.MAP_INDEX_TEMPLATE,
            **nf.PROCESS_QUEUE,
        )
        def check(plan: dict[str, Any], source: str) -> dict[str, Any]:
            return nf.run_source_step("check_source", plan, source)

        (
            crawl(plan, source)
            >> extract(plan, source)
            >> load(plan, source)
            >> link(plan, source)
            >> check(plan, source)
        )

    @task(trigger_rule="all_done", execution_timeout=nf.TIMEOUT_REPORT)
    def report(plan: dict[str, Any]) -> dict[str, Any]:
        """Close the run and return its report, whatever happened to the sources."""
        return nf.finish_run(plan, get_current_context())

    @task(execution_timeout=nf.TIMEOUT_REPORT, **nf.NO_RETRIES)
    def verdict(run_report: dict[str, Any]) -> str:
        """Fail the DAG run when a source failed, naming each one and why."""
        return nf.verdict(run_report)

    plan = start_run()
    names = source_names(plan)
    sources = per_source.partial(plan=plan).expand(source=names)
    run_report = report(plan)
    sources >> run_report
    verdict(run_report)


newsflow_nightly()
