"""``newsflow extract``: extract articles from local HTML files or a WARC file."""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import click

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.paths import OUTPUT_PATH, output_dir, writing_to
from pipeline.errors import InputFileError
from pipeline.extract.files import extract_file, extract_record, file_failed, record_failed
from pipeline.extract.pool import ordered_map
from pipeline.records import DEFAULT_MIN_ARTICLE_CHARS, ExtractionResult
from pipeline.sample_format import format_article, sample_file_name

PROGRESS_EVERY = 100
"""Batches longer than this report progress on stderr every this many inputs."""

EXIT_OK = 0
EXIT_NOTHING_EXTRACTED = 1
"""No input gave an article (or, with --strict, some input did not)."""


def _charset(content_type: str | None) -> str | None:
    if not content_type or "charset=" not in content_type.lower():
        return None
    return content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None


def iter_warc_responses(warc: Path) -> Iterator[tuple[bytes, str | None, str | None, str]]:
    """(body, target URI, HTTP charset, "file#offset") of every response record, streamed.

    Raises :class:`InputFileError` when ``warc`` is not a readable WARC file (records
    read before the damage have been yielded already).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with warc.open("rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                if record.format != "warc":  # warcio reads some garbage as (old) ARC
                    raise ArchiveLoadFailed(
                        f"record at offset {iterator.get_record_offset()} is not a WARC record"
                    )
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                ctype = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else None
                )
                body = record.content_stream().read()
                yield body, url, _charset(ctype), f"{warc}#{iterator.get_record_offset()}"
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"{warc} is not a readable WARC file ({exc}); pass a .warc or .warc.gz file"
        ) from exc


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
        "top_image_url": art.top_image_url if art else None,
        "section": art.section if art else None,
        "tags": list(art.tags) if art else [],
        "modified_at": art.modified_at.isoformat() if art and art.modified_at else None,
        "body": art.body if art else None,
        "text": format_article(art.title, art.body, art.authors) if art else None,
        "extractor_version": art.extractor_version if art else None,
        "is_accessible_for_free": art.is_accessible_for_free if art else None,
        "truncated": art.truncated if art else None,
    }


def exit_code(ok: int, total: int, strict: bool) -> int:
    """0 when at least one input gave an article (with ``strict``: when every input did),
    else 1. An empty batch (a WARC file without responses) is not a failure."""
    if total == 0:
        return EXIT_OK
    if strict:
        return EXIT_OK if ok == total else EXIT_NOTHING_EXTRACTED
    return EXIT_OK if ok else EXIT_NOTHING_EXTRACTED


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--url", help="URL of the page (its path can date the article); only with one FILE.")
@click.option(
    "--warc",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Extract every response record of this WARC file (.warc or .warc.gz).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="text: each article in the sample format; jsonl: one JSON object per input "
    "(path, url, status, message, title, authors, published_at, language, body, "
    "text, is_accessible_for_free, truncated, ...).",
)
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_PATH,
    metavar="DIR",
    help="With --format text: write each article to DIR/NNN_<16 hex of sha256(url or "
    "path)>.txt, exactly in the sample format, instead of printing it.",
)
@click.option(
    "--min-chars",
    type=click.IntRange(min=0),
    default=None,
    help="Bodies shorter than this are reported as not_article. "
    f"Default: $NEWSFLOW_MIN_ARTICLE_CHARS, else {DEFAULT_MIN_ARTICLE_CHARS}.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes. Default: $NEWSFLOW_EXTRACT_PROCESSES, else all cores.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 if any input is not an article or cannot be read, not only when none is.",
)
@pass_cli
def extract(
    cli: CliContext,
    files: tuple[Path, ...],
    url: str | None,
    warc: Path | None,
    fmt: str,
    out_dir: Path | None,
    min_chars: int | None,
    processes: int | None,
    strict: bool,
) -> None:
    """Extract articles from local HTML FILES (gzip accepted) or from a WARC file.

    Every input gives one result: ok (an article), not_article (an index, error or
    too-short page) or error (unreadable or not HTML, or a page that crashed its worker
    process or took longer than NEWSFLOW_EXTRACT_TIMEOUT seconds; pages are always
    extracted in worker processes, one at least, so that one page cannot stop a batch
    of any size). With
    --format text, articles go to stdout in the sample format (title, blank line,
    paragraphs separated by blank lines, blank line, authors; each article ends with one
    newline and articles are separated by a blank line), and not_article/error inputs
    are reported on stderr as "PATH: STATUS: MESSAGE". With --format jsonl, every input
    is one line on stdout.

    A bad input never stops the batch. Exit status: 0 when at least one input gave an
    article (or there were no inputs, e.g. an empty WARC file), 1 when none did
    (with --strict: when any input did not), 2 for wrong usage or an unreadable WARC file.
    Batches of more than 100 inputs report progress on stderr.
    """
    _check_usage(files, url, warc, fmt, out_dir)
    if out_dir is not None:
        output_dir(out_dir)
    min_chars = cli.settings.min_article_chars if min_chars is None else min_chars
    processes = processes or cli.settings.extract_processes
    if warc is not None:
        results = ordered_map(
            extract_record,
            iter_warc_responses(warc),
            min_chars,
            processes=processes,
            on_failure=record_failed,
            task_timeout=cli.settings.extract_timeout_s,
        )
        total = None
    else:
        jobs = [(str(f), url) for f in files]
        results = ordered_map(
            extract_file,
            jobs,
            min_chars,
            processes=max(1, min(processes, len(jobs))),
            on_failure=file_failed,
            task_timeout=cli.settings.extract_timeout_s,
        )
        total = len(jobs)
    seen = ok = 0
    for seen, result in enumerate(results, 1):
        if result.status == "ok":
            ok += 1
        _emit(result, fmt, out_dir, first_article=ok == 1, index=ok - 1)
        if seen % PROGRESS_EVERY == 0:
            click.echo(
                f"extract: {seen}{'/' + str(total) if total else ''} inputs done, {ok} articles",
                err=True,
            )
    if out_dir is not None:
        click.echo(f"extract: wrote {ok} article files to {out_dir}", err=True)
    sys.exit(exit_code(ok, seen, strict))


def _check_usage(
    files: tuple[Path, ...], url: str | None, warc: Path | None, fmt: str, out_dir: Path | None
) -> None:
    """``click.UsageError`` (exit 2) for options that do not go together."""
    if not files and warc is None:
        raise click.UsageError("give one or more FILEs or --warc FILE")
    if files and warc is not None:
        raise click.UsageError("give either FILEs or --warc, not both")
    if url and len(files) != 1:
        raise click.UsageError("--url needs exactly one FILE")
    if out_dir is not None and fmt != "text":
        raise click.UsageError(
            "--out writes sample-format text files; it cannot be used with --format jsonl"
        )


def _emit(
    result: ExtractionResult, fmt: str, out_dir: Path | None, *, first_article: bool, index: int
) -> None:
    """Print (or write) one result in the chosen format."""
    if fmt == "jsonl":
        click.echo(json.dumps(result_json(result), ensure_ascii=False))
        return
    art = result.article
    if art is None:
        click.echo(f"{result.path or result.url}: {result.status}: {result.message}", err=True)
        return
    text = format_article(art.title, art.body, art.authors)
    if out_dir is not None:
        name = sample_file_name(index, art.url or result.path or str(index))
        with writing_to(out_dir):
            (out_dir / name).write_text(text, encoding="utf-8")
        return
    if not first_article:
        click.echo("")
    click.echo(text)
