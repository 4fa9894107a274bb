"""Worker functions of ``newsflow extract``: one HTML file or one WARC record in, one
result out.

They live here, not in :mod:`pipeline.cli`, because a pool's forkserver preloads the
module of its worker function (see :func:`pipeline.extract.pool.pool_context`): this
module costs nothing to preload, while ``pipeline.cli`` would bring every command's
imports into the forkserver. The extractor is imported inside the functions, so that
the process that only hands out the jobs (the CLI) never loads trafilatura.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.records import ExtractionResult

FileJob = tuple[str, str | None]
"""(path, URL of the page or None)."""
RecordJob = tuple[bytes, str | None, str | None, str]
"""(HTTP body, target URI, HTTP charset, "file#offset")."""


def extract_file(job: FileJob, min_chars: int) -> ExtractionResult:
    """Read and extract one file; an unreadable file or any failure becomes an
    ``error`` result, so that one bad file never stops a batch."""
    from pipeline.extract.core import extract_html

    path, url = job
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ExtractionResult(
            "error", url=url, message=f"cannot read file: {exc.strerror or exc}", path=path
        )
    try:
        return extract_html(data, url, min_chars=min_chars, path=path)
    except Exception as exc:  # one bad file must never abort the batch
        return ExtractionResult("error", url=url, message=f"{type(exc).__name__}: {exc}", path=path)


def extract_record(job: RecordJob, min_chars: int) -> ExtractionResult:
    """Extract one WARC response body; any failure becomes an ``error`` result."""
    from pipeline.extract.core import extract_html

    body, url, charset, path = job
    try:
        return extract_html(body, url, http_charset=charset, min_chars=min_chars, path=path)
    except Exception as exc:  # one bad record must never abort the batch
        return ExtractionResult("error", url=url, message=f"{type(exc).__name__}: {exc}", path=path)


def file_failed(job: FileJob, why: str) -> ExtractionResult:
    """The ``error`` result of a file whose worker died or overran its time
    (:func:`pipeline.extract.pool.ordered_map`'s ``on_failure``)."""
    path, url = job
    return ExtractionResult("error", url=url, message=why, path=path)


def record_failed(job: RecordJob, why: str) -> ExtractionResult:
    """The ``error`` result of a WARC record whose worker died or overran its time."""
    _body, url, _charset, path = job
    return ExtractionResult("error", url=url, message=why, path=path)
