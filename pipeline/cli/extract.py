"""``newsflow extract``: extract articles from local HTML files or a WARC file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from pipeline.extract import DEFAULT_MIN_CHARS, extract_html, ordered_map
from pipeline.records import ExtractionResult
from pipeline.sample_format import format_article

PROGRESS_EVERY = 100
"""Batches longer than this report progress on stderr every this many files."""


def _extract_file(job: tuple[str, str | None], min_chars: int) -> ExtractionResult:
    """Read and extract one file; unreadable files become error records (worker function)."""
    path, url = job
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ExtractionResult("error", url=url, message=f"cannot read file: {exc.strerror or exc}",
                                path=path)
    try:
        return extract_html(data, url, min_chars=min_chars, path=path)
    except Exception as exc:  # one bad file must never abort the batch
        return ExtractionResult("error", url=url, message=f"{type(exc).__name__}: {exc}", path=path)


def _extract_record(job: tuple[bytes, str | None, str | None, str], min_chars: int) -> ExtractionResult:
    """Extract one WARC response body (worker function)."""
    body, url, charset, path = job
    try:
        return extract_html(body, url, http_charset=charset, min_chars=min_chars, path=path)
    except Exception as exc:
        return ExtractionResult("error", url=url, message=f"{type(exc).__name__}: {exc}", path=path)


def _charset(content_type: str | None) -> str | None:
    if not content_type or "charset=" not in content_type.lower():
        return None
    return content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None


def iter_warc_responses(warc: Path) -> Iterator[tuple[bytes, str | None, str | None, str]]:
    """(body, target URI, HTTP charset, "file#offset") of every HTML-ish response record."""
    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
            body = record.content_stream().read()
            yield body, url, _charset(ctype), f"{warc}#{iterator.get_record_offset()}"


def result_json(result: ExtractionResult) -> dict[str, object]:
    """The JSON object printed for one input with ``--format jsonl``."""
    art = result.article
    return {
        "path": result.path,
        "url": result.url,
        "status": result.status,
        "message": result.message,
        "title": art.title if art else None,
        "authors": list(art.authors) if art else [],
        "published_at": art.published_at.isoformat() if art and art.published_at else None,
        "published_date_only": art.published_date_only if art else None,
        "language": art.language if art else None,
        "description": art.description if art else None,
        "body": art.body if art else None,
        "text": format_article(art.title, art.body, art.authors) if art else None,
        "extractor_version": art.extractor_version if art else None,
    }


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--url", help="URL of the page (used for dates in the path); only with one FILE.")
@click.option("--warc", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Extract every response record of this WARC file.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text",
              show_default=True, help="text: the sample format; jsonl: one JSON object per input.")
@click.option("--min-chars", type=int, default=DEFAULT_MIN_CHARS, show_default=True,
              help="Bodies shorter than this are reported as not_article.")
@click.option("--processes", type=int, default=None, help="Worker processes (default: all cores).")
def extract(files: tuple[Path, ...], url: str | None, warc: Path | None, fmt: str,
            min_chars: int, processes: int | None) -> None:
    """Extract articles from local HTML FILES (gzip accepted) or from a WARC file.

    Unreadable or unparsable inputs give an error record and never stop the batch.
    Exit code 1 when any input failed or was not an article.
    """
    if not files and warc is None:
        raise click.UsageError("give one or more FILEs or --warc FILE")
    if files and warc is not None:
        raise click.UsageError("give either FILEs or --warc, not both")
    if url and len(files) != 1:
        raise click.UsageError("--url needs exactly one FILE")
    if warc is not None:
        results = ordered_map(_extract_record, iter_warc_responses(warc), min_chars,
                              processes=processes)
        total = None
    else:
        jobs = [(str(f), url) for f in files]
        results = ordered_map(_extract_file, jobs, min_chars,
                              processes=1 if len(jobs) < 4 else processes)
        total = len(jobs)
    failed = 0
    for n, result in enumerate(results, 1):
        if result.status != "ok":
            failed += 1
        if fmt == "jsonl":
            click.echo(json.dumps(result_json(result), ensure_ascii=False))
        elif result.article is not None:
            if n > 1:
                click.echo("")
            click.echo(format_article(result.article.title, result.article.body,
                                      result.article.authors))
        else:
            click.echo(f"{result.path or result.url}: {result.status}: {result.message}", err=True)
        if n % PROGRESS_EVERY == 0:
            click.echo(f"extract: {n}{'/' + str(total) if total else ''} done", err=True)
    if failed:
        sys.exit(1)
