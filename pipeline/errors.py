"""newsflow's exception types and the exit codes the CLI gives them.

Every error a user can cause or fix is one of these, with a message that says what
to do next. Each is either transient (worth retrying: a database that is restarting, a
dropped connection) or permanent (retrying changes nothing: a bad sources file, an
unknown source name), so retry decisions are mechanical. The CLI prints ``str(error)``
on one line and exits with ``exit_code``; the DAG tasks retry transient errors and fail
the task at once, with the same line, on permanent ones.

Exit codes of ``newsflow`` (the README's table lists them too):

* 0 - success;
* 1 - the command ran but its outcome is a failure: a run or crawl with a failed source,
  no article extracted, ``db docs --check`` out of date;
* 2 - permanent error (``PermanentError``) or wrong usage: fix the input, then re-run;
* 3 - transient error (``TransientError``): re-run later as is (e.g. the database is
  unreachable, or a host stayed busy with another crawl: ``HostBusyError``);
* 130 - interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_PERMANENT = 2
EXIT_TRANSIENT = 3
EXIT_INTERRUPTED = 130


class NewsflowError(Exception):
    """Base class of every error newsflow raises on purpose; raise one of its transient
    or permanent subclasses, never this class itself."""

    exit_code = EXIT_PERMANENT
    transient = False


class TransientError(NewsflowError):
    """Something that may succeed when tried again later."""

    exit_code = EXIT_TRANSIENT
    transient = True


class PermanentError(NewsflowError):
    """Something that fails the same way until the user changes an input."""


class ConfigError(PermanentError):
    """The environment or the sources file is invalid."""


class SourcesFileError(ConfigError):
    """The sources file cannot be read or does not validate."""


class UnknownSourceError(ConfigError):
    """A source name was asked for that the sources file does not define."""


class DatabaseUnavailableError(TransientError):
    """The database cannot be reached, or the connection dropped."""


class LostLoadsError(TransientError):
    """A crash of the database server lost the last load batches of a source, committed
    without waiting for the disk (``pipeline.load.batch``); their pages are still
    pending: load the source again (not a ``DatabaseUnavailableError``: loading only the
    next batch again would leave them out)."""


class UnknownRunError(PermanentError, LookupError):
    """A step was given a run id that ``warehouse.crawl_runs`` does not hold (a run is
    created by ``newsflow run`` or ``crawl`` or by a DAG's first task; steps only work on
    one). Also a ``LookupError``."""

    def __init__(self, run_id: int) -> None:
        super().__init__(
            f"run {run_id} does not exist in warehouse.crawl_runs: pass the id of a run that "
            "newsflow run, newsflow crawl or the DAG's start task created"
        )
        self.run_id = run_id


class HostBusyError(TransientError):
    """Another crawl (another run, command or machine) is crawling a host of the source,
    and it did not end within ``NEWSFLOW_HOST_LOCK_WAIT`` (``pipeline.host_lock``)."""


class DatabasePermissionError(PermanentError):
    """The database role newsflow connects as lacks a privilege the command needs."""


class SchemaDocsOutOfDateError(PermanentError):
    """docs/schema.md does not match the migrations (``newsflow db docs --check``)."""

    exit_code = EXIT_FAILED


class MigrationError(PermanentError):
    """A migration file is malformed or failed to apply."""


class ArchiveError(PermanentError):
    """The raw page archive cannot be written or read."""


class ArchiveObjectMissingError(ArchiveError):
    """An object the archive should hold (a WARC file) is not in its store."""


class StoreAccessError(ArchiveError):
    """The archive's store cannot be reached or refuses the request (after retries)."""


class OutputPathError(PermanentError):
    """An output path given on the command line (``--out``) cannot be created or written."""


class InputFileError(PermanentError):
    """A file given on the command line (e.g. a WARC file) cannot be read as that kind of file."""


class WindowError(PermanentError):
    """A date window ends before it starts (since after until)."""


class RunPlanError(PermanentError):
    """A run plan (``start_run``'s result, an XCom between DAG tasks) is malformed."""


class CrawlError(PermanentError):
    """A crawl could not run at all (individual page failures are not errors): unusable
    crawl options, or the crawl process failed, timed out or was killed. Permanent, so a
    DAG task does not start a long crawl again by itself."""


class QualityCheckError(PermanentError):
    """A data-quality threshold was breached."""


def first_line(error: BaseException | str) -> str:
    """The first line of an error's message (its type's name when it has none), for
    one-line reports."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
