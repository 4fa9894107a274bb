"""Reading WARC files record by record: layouts, versions and damaged input."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from crawlers.warc import RollingWarcWriter
from crawlers.warc_read import NotWarcError, ReadCounts, iter_responses
from devtools.warc_files import WarcPage, other_pages, truncate_member, write_warc
from pipeline.archive import read_record


def _read(data: bytes) -> tuple[list[str], ReadCounts]:
    counts = ReadCounts()
    urls = [r.url for r in iter_responses(io.BytesIO(data), "input.warc.gz", counts)]
    return urls, counts


def test_cc_news_layout_gives_only_the_html_responses(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "CC-NEWS-20261130.warc.gz"
    write_warc(path, [*pages, *other_pages(pages[0].captured_at)])
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    urls, counts = _read(path.read_bytes())
    assert urls == [p.url for p in pages]
    # warcinfo + 18 pages + css, json and a redirect
    assert counts == ReadCounts(records=22, responses=21, not_html=3, corrupt=0)


def test_a_response_keeps_its_capture_time_status_and_body(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "one.warc.gz"
    write_warc(path, pages[:1])
    (response,) = iter_responses(path.open("rb"), "one", ReadCounts())
    assert response.captured_at == pages[0].captured_at
    assert (response.status, response.body) == (200, pages[0].body)
    assert response.content_type.startswith("text/html")


def test_uncompressed_warc_1_1_with_request_records_is_read(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "crawler.warc"
    write_warc(path, pages, gzip=False, version="WARC/1.1", with_requests=True)
    assert path.read_bytes().startswith(b"WARC/1.1")
    urls, counts = _read(path.read_bytes())
    assert urls == [p.url for p in pages]
    assert counts.records == 1 + 2 * len(pages) and counts.corrupt == 0


def test_a_truncated_gzip_member_is_skipped_and_the_rest_is_read(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "damaged.warc.gz"
    offsets = write_warc(path, pages)
    urls, counts = _read(truncate_member(path.read_bytes(), offsets, 4))
    assert urls == [p.url for p in pages if p is not pages[4]]
    assert counts.corrupt == 1


def test_a_file_cut_off_inside_its_last_record_keeps_the_records_before(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, pages)
    urls, counts = _read(path.read_bytes()[: offsets[-1] + 300])
    assert urls == [p.url for p in pages[:-1]]
    assert counts.corrupt == 1


def test_a_garbled_member_is_skipped(tmp_path: Path, pages: list[WarcPage]) -> None:
    path = tmp_path / "garbled.warc.gz"
    offsets = write_warc(path, pages)
    data = bytearray(path.read_bytes())
    data[offsets[2] + 40 : offsets[2] + 120] = b"x" * 80
    urls, counts = _read(bytes(data))
    assert urls == [p.url for p in pages if p is not pages[2]]
    assert counts.corrupt == 1


def test_an_uncompressed_file_cut_inside_a_body_does_not_give_that_page(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "cut.warc"
    write_warc(path, pages, gzip=False)
    urls, counts = _read(path.read_bytes()[:-3000])
    assert urls == [p.url for p in pages[:-1]]
    assert counts.corrupt == 1


@pytest.mark.parametrize(
    "data",
    [b"<html>not an archive</html>", b"", gzip.compress(b"col1,col2\n1,2\n")],
    ids=["text", "empty", "gzip-csv"],
)
def test_a_file_that_is_not_warc_is_one_error(data: bytes) -> None:
    with pytest.raises(NotWarcError, match="not a WARC file"):
        _read(data)


def test_a_record_alone_in_its_gzip_member_keeps_that_member_as_read(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "CC-NEWS.warc.gz"
    offsets = write_warc(path, pages)
    data = path.read_bytes()
    responses = list(iter_responses(io.BytesIO(data), "cc", ReadCounts()))
    ends = [*offsets[1:], len(data)]
    assert [r.member for r in responses] == [data[a:b] for a, b in zip(offsets, ends)]


def test_a_member_copied_into_the_archive_reads_back_as_the_page(
    tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "CC-NEWS.warc.gz"
    write_warc(path, pages[:3])
    writer = RollingWarcWriter(tmp_path / "archive", "history", 1)
    responses = list(iter_responses(path.open("rb"), "cc", ReadCounts()))
    locations = [writer.write_member(r.member or b"") for r in responses]
    writer.close()
    for response, where in zip(responses, locations):
        headers, body = read_record(tmp_path / "archive", where.path, where.offset, where.length)
        assert body == response.body
        assert headers["content-type"] == response.content_type


@pytest.mark.parametrize("layout", ["uncompressed", "one-member"])
def test_records_not_alone_in_a_gzip_member_keep_no_member(
    tmp_path: Path, pages: list[WarcPage], layout: str
) -> None:
    path = tmp_path / "crawler.warc"
    write_warc(path, pages, gzip=False, with_requests=True)
    data = path.read_bytes() if layout == "uncompressed" else gzip.compress(path.read_bytes())
    responses = list(iter_responses(io.BytesIO(data), "crawler", ReadCounts()))
    assert [r.url for r in responses] == [p.url for p in pages]
    assert all(r.member is None for r in responses)
