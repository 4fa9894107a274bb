"""The extraction → loading hand-off file round-trips every field."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

from pipeline.dedup.fingerprint import with_fingerprint
from pipeline.records import Article, ExtractionResult
from pipeline.results_file import read_results, write_results


def test_results_round_trip(tmp_path):
    results = [
        with_fingerprint(
            ExtractionResult(
                status="ok",
                url="https://a.example/x",
                article=Article(
                    url="https://a.example/x",
                    title="Tïtle",
                    body="One.\n\nTwo.",
                    authors=("Ann Lee", "Bo Chen"),
                    published_at=datetime(2026, 11, 3, 0, 0, tzinfo=UTC),
                    published_date_only=True,
                    language="en",
                    description="d",
                    extractor_version="v1",
                    source="s",
                    fetched_url="https://a.example/x?utm_source=f",
                    top_image_url="https://cdn.a.example/x.jpg",
                    section="Politics",
                    tags=("Budget", "Tax"),
                    modified_at=datetime(2026, 11, 3, 9, 30, tzinfo=UTC),
                    is_accessible_for_free=False,
                    truncated=True,
                ),
            )
        ),
        ExtractionResult(
            status="ok",
            url="https://a.example/y",
            article=Article(url="https://a.example/y", title="No fingerprint", body="Three."),
        ),
        ExtractionResult(status="not_article", url="https://a.example/", message="index page"),
        ExtractionResult(status="error", url="https://a.example/bad", message="not HTML"),
    ]
    path = tmp_path / "r" / "extracted.jsonl.gz"
    assert write_results(path, results) == 4
    assert list(read_results(path)) == results
    assert results[0].fingerprint is not None and len(results[0].fingerprint.minhash) == 512
    assert not (tmp_path / "r" / "extracted.jsonl.gz.tmp").exists()


def test_a_results_file_from_before_the_paywall_fields_reads_as_unknown_and_whole(tmp_path):
    path = tmp_path / "old.jsonl.gz"
    line = {
        "status": "ok",
        "url": "https://a.example/x",
        "article": {"url": "https://a.example/x", "title": "T", "body": "B"},
    }
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
    (result,) = read_results(path)
    assert result.article is not None
    assert (result.article.is_accessible_for_free, result.article.truncated) == (None, False)
