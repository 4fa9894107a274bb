"""The extraction → load hand-off file, in a folder or in the S3 archive (moto)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.s3_server import S3Server
from pipeline import handoff, steps
from pipeline.config import Settings
from pipeline.errors import ArchiveError
from pipeline.records import ExtractionResult
from pipeline.store import is_remote
from tests.s3_fault_proxy import fault_proxy

RESULTS = [
    ExtractionResult(status="not_article", url=f"https://a.example/{i}", message="short")
    for i in range(3)
]


def files_under(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())


def test_results_go_through_the_bucket_and_leave_nothing_under_home(s3_settings: Settings) -> None:
    location, count = handoff.store_results(s3_settings, 7, "src", RESULTS)
    assert count == 3 and is_remote(location)
    assert location == f"{s3_settings.archive_url}/runs/7/src/extracted.jsonl.gz"
    assert location == handoff.results_location(s3_settings, 7, "src")
    assert s3_settings.archive_store().exists(location)
    assert files_under(s3_settings.home) == []
    with handoff.stored_results(s3_settings, 7, "src") as results:
        assert results is not None and list(results) == RESULTS
    assert not s3_settings.tmp_dir.exists()
    with handoff.stored_results(s3_settings, 8, "src") as results:
        assert results is None  # extraction left nothing for this run


def test_results_stay_in_the_runs_folder_with_a_local_archive(settings: Settings) -> None:
    location, count = handoff.store_results(settings, 7, "src", RESULTS)
    assert count == 3
    assert Path(location) == settings.runs_dir / "7" / "src" / "extracted.jsonl.gz"
    with handoff.stored_results(settings, 7, "src") as results:
        assert results is not None and list(results) == RESULTS
    with handoff.stored_results(settings, 8, "src") as results:
        assert results is None


def test_an_unreachable_store_fails_naming_the_object(s3_settings: Settings) -> None:
    env = dict(s3_settings.storage_env) | {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    down = s3_settings.with_overrides(storage_env=env)
    with pytest.raises(ArchiveError) as failure:
        handoff.store_results(down, 7, "src", RESULTS)
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith(f"cannot write {s3_settings.archive_url}/runs/7/src/")
    assert "testing-secret" not in message
    assert files_under(s3_settings.home) == []


@pytest.mark.parametrize("status", [403, 500])
def test_a_refusing_store_fails_naming_the_object(
    s3_settings: Settings, s3_server: S3Server, status: int
) -> None:
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail = status
        env = dict(s3_settings.storage_env) | {"AWS_ENDPOINT_URL": proxy.endpoint}
        refusing = s3_settings.with_overrides(storage_env=env)
        with pytest.raises(ArchiveError) as failure:
            handoff.store_results(refusing, 7, "src", RESULTS)
    message = str(failure.value)
    assert "\n" not in message and "testing-secret" not in message
    assert message.startswith(f"cannot write {s3_settings.archive_url}/runs/7/src/")
    assert files_under(s3_settings.home) == []


def test_the_extract_and_load_steps_hand_over_through_the_bucket(
    s3_settings: Settings, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: alpha\n    sitemaps: [http://a.test/s.xml]\n")
    plan = steps.start_run(s3_settings, sources_file=str(sources))
    extracted = steps.extract_source(s3_settings, plan, "alpha")
    assert extracted["path"] == handoff.results_location(s3_settings, plan.run_id, "alpha")
    assert s3_settings.archive_store().exists(extracted["path"])
    assert steps.load_source(s3_settings, plan, "alpha")["articles_new"] == 0
    assert files_under(s3_settings.home) == []
