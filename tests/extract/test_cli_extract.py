"""``newsflow extract`` run as a user would: output formats, error reporting, exit codes."""

from __future__ import annotations

import io
import itertools
import json
import os
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.cli.extract import extract
from pipeline.config import Settings
from pipeline.extract import DEFAULT_MIN_ARTICLE_CHARS, extract_html
from pipeline.sample_format import sample_file_name
from tests.cli_helpers import run_newsflow

FIXTURES = Path(__file__).parent.parent / "fixtures"
ARTICLE = FIXTURES / "extract" / "article_furniture.html"
EXPECTED = (FIXTURES / "extract" / "article_furniture.txt").read_text(encoding="utf-8")
SHARED_SAMPLE = FIXTURES / "sample-format" / "000_0f7b4c98e858c67a.txt"
INDEX = FIXTURES / "extract" / "index_page.html"
BINARY = FIXTURES / "extract" / "binary.bin"


def newsflow(*args: str | Path, env: dict[str, str] | None = None):
    return run_newsflow(*(str(a) for a in args), env=env)


def layout(text: str) -> list[str]:
    """The shape of a sample-format text: 'T' title, 'P' paragraph, 'B' byline, '' blank."""
    lines = text.split("\n")
    shape = ["T" if i == 0 else ("" if not line else "P") for i, line in enumerate(lines)]
    shape[-1] = "B"
    return shape


def test_text_output_is_the_sample_format_followed_by_one_newline():
    result = newsflow("extract", ARTICLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED + "\n"


def test_text_output_has_the_layout_of_the_shared_sample():
    article = newsflow("extract", ARTICLE).stdout.removesuffix("\n")
    sample = SHARED_SAMPLE.read_text(encoding="utf-8")
    for text in (article, sample):
        shape = layout(text)
        assert shape[:2] == ["T", ""] and shape[-2:] == ["", "B"]
        assert all(a != b for a, b in itertools.pairwise(shape))  # one blank line between blocks
        assert not text.endswith("\n")


def test_out_writes_exact_sample_files_named_like_the_samples(tmp_path):
    result = newsflow("extract", ARTICLE, INDEX, "--out", tmp_path / "articles")
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "articles").iterdir())
    assert [f.name for f in files] == [sample_file_name(0, str(ARTICLE))]
    assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", files[0].name)
    assert files[0].read_text(encoding="utf-8") == EXPECTED
    assert result.stdout == ""


def test_jsonl_gives_one_object_per_input_in_order():
    missing = FIXTURES / "extract" / "does-not-exist.html"
    result = newsflow("extract", "--format", "jsonl", ARTICLE, BINARY, INDEX, missing)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["path"], r["status"]) for r in records] == [
        (str(ARTICLE), "ok"),
        (str(BINARY), "error"),
        (str(INDEX), "not_article"),
        (str(missing), "error"),
    ]
    ok = records[0]
    assert ok["title"] == "Council expands tram network"
    assert ok["authors"] == ["Jane Doe", "John Smith"]
    assert ok["published_at"] == "2024-05-03T13:47:42+00:00"
    assert ok["language"] == "en"
    assert ok["text"] == EXPECTED
    assert ok["body"] == EXPECTED.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]
    assert records[3]["message"].startswith("cannot read file")
    assert all(r["body"] is None and r["message"] for r in records[1:])


def test_text_mode_reports_not_articles_and_errors_on_stderr():
    result = newsflow("extract", BINARY, ARTICLE, INDEX)
    assert result.stdout == EXPECTED + "\n"
    assert result.stderr.splitlines() == [
        f"{BINARY}: error: input is empty or not HTML",
        f"{INDEX}: not_article: index page: mostly links and little text",
    ]


def test_articles_are_separated_by_one_blank_line():
    result = newsflow("extract", ARTICLE, ARTICLE)
    assert result.stdout == EXPECTED + "\n\n" + EXPECTED + "\n"


def test_one_bad_input_among_good_ones_exits_0():
    assert newsflow("extract", ARTICLE, BINARY).returncode == 0


def test_no_article_at_all_exits_1():
    assert newsflow("extract", BINARY, INDEX).returncode == 1


def test_strict_exits_1_when_any_input_is_not_an_article():
    assert newsflow("extract", "--strict", ARTICLE, INDEX).returncode == 1
    assert newsflow("extract", "--strict", ARTICLE).returncode == 0


def test_gzip_file_is_accepted():
    result = newsflow("extract", FIXTURES / "extract" / "article_furniture.html.gz")
    assert result.stdout == EXPECTED + "\n"


def test_url_dates_a_page_without_other_dates():
    result = newsflow(
        "extract",
        "--format",
        "jsonl",
        FIXTURES / "extract" / "url_date_only.html",
        "--url",
        "https://example.com/2023/11/07/council-tram",
    )
    record = json.loads(result.stdout)
    assert record["url"] == "https://example.com/2023/11/07/council-tram"
    assert record["published_at"] == "2023-11-07T00:00:00+00:00"
    assert record["published_date_only"] is True


def test_jsonl_gives_the_paywall_flags():
    paywalled = FIXTURES / "extract" / "paywall" / "prompt_end.html"
    result = newsflow("extract", "--format", "jsonl", paywalled, ARTICLE)
    flags = [
        (r["is_accessible_for_free"], r["truncated"])
        for r in map(json.loads, result.stdout.splitlines())
    ]
    assert flags == [(False, True), (None, False)]


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--url", "https://example.com/a", str(ARTICLE), str(INDEX)),
        ("--format", "jsonl", "--out", "somewhere", str(ARTICLE)),
    ],
)
def test_usage_errors_exit_2(args):
    result = newsflow("extract", *args)
    assert result.returncode == 2
    assert "Error:" in result.stderr


def test_min_chars_default_comes_from_the_environment():
    result = newsflow(
        "extract", "--format", "jsonl", ARTICLE, env={"NEWSFLOW_MIN_ARTICLE_CHARS": "5000"}
    )
    assert json.loads(result.stdout)["status"] == "not_article"
    assert result.returncode == 1


def test_min_chars_option_overrides_the_environment():
    result = newsflow(
        "extract", ARTICLE, "--min-chars", "10", env={"NEWSFLOW_MIN_ARTICLE_CHARS": "5000"}
    )
    assert result.returncode == 0


def write_warc(path: Path, records: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in records:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )


def test_warc_response_records_are_extracted_in_order(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    write_warc(
        warc,
        [
            ("https://example.com/news/tram", ARTICLE.read_bytes()),
            ("https://example.com/news", INDEX.read_bytes()),
        ],
    )
    result = newsflow("extract", "--warc", warc, "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["url"], r["status"]) for r in records] == [
        ("https://example.com/news/tram", "ok"),
        ("https://example.com/news", "not_article"),
    ]
    assert records[0]["path"].startswith(f"{warc}#")
    assert result.returncode == 0


def test_a_file_that_is_not_a_warc_is_one_error_line_and_exit_2(tmp_path):
    bogus = tmp_path / "not.warc.gz"
    bogus.write_bytes(b"\x1f\x8b this is not gzip at all")
    result = newsflow("extract", "--warc", bogus)
    assert result.returncode == 2
    assert result.stderr.startswith("newsflow: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a readable WARC file" in result.stderr


def test_long_batches_report_progress_on_stderr():
    result = newsflow("extract", "--format", "jsonl", "--processes", "2", *[ARTICLE] * 101)
    assert len(result.stdout.splitlines()) == 101
    assert "extract: 100/101 inputs done, 100 articles" in result.stderr


@pytest.mark.parametrize("processes", [[], ["--processes", "1"]])
def test_a_small_batch_survives_an_input_that_hangs_its_worker(tmp_path, processes):
    # A FIFO without a writer blocks the worker that opens it, as a page that hangs
    # lxml would: even a batch of two files runs in a worker that can be stopped.
    fifo = tmp_path / "never-written.html"
    os.mkfifo(fifo)
    result = newsflow(
        "extract", "--format", "jsonl", *processes, fifo, ARTICLE,
        env={"NEWSFLOW_EXTRACT_TIMEOUT": "2"},
    )  # fmt: skip
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["path"], r["status"]) for r in records] == [
        (str(fifo), "error"),
        (str(ARTICLE), "ok"),
    ]
    assert "took over 2 s and was stopped" in records[0]["message"]
    assert result.returncode == 0


def test_help_names_every_option_and_the_exit_statuses():
    result = newsflow("extract", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for param in extract.params:
        for opt in param.opts:
            if opt.startswith("-"):
                assert opt in text
    for phrase in (
        "sample format",
        "gzip accepted",
        "--strict",
        "Exit status: 0 when at least one input gave an article",
        "1 when none did",
        "2 for wrong usage",
        "$NEWSFLOW_MIN_ARTICLE_CHARS",
        "$NEWSFLOW_EXTRACT_PROCESSES",
        "progress on stderr",
    ):
        assert phrase in text


def _page_with_body_of(chars: int) -> str:
    sentence = "The council approved the new budget for the harbour district today. "
    body = (sentence * (chars // len(sentence) + 1))[:chars].rsplit(" ", 1)[0] + "."
    return (
        "<html><head><title>Budget approved</title></head><body><article>"
        f"<h1>Budget approved</h1><p>{body}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "chars, status",
    [(DEFAULT_MIN_ARTICLE_CHARS - 20, "not_article"), (DEFAULT_MIN_ARTICLE_CHARS + 20, "ok")],
)
def test_the_library_the_settings_and_the_cli_share_one_minimum_length(tmp_path, chars, status):
    assert Settings.from_env({}).min_article_chars == DEFAULT_MIN_ARTICLE_CHARS
    html = _page_with_body_of(chars)
    assert extract_html(html.encode(), "http://a.test/budget").status == status
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = newsflow("extract", page, "--format", "jsonl")
    assert json.loads(result.stdout)["status"] == status
