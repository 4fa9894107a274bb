"""newsflow's exception types.

Every error a user can cause or fix is one of these, with a message that says what
to do next. They are split into transient errors (worth retrying: a database that is
restarting, a dropped connection) and permanent ones (retrying changes nothing: a bad
sources file, an unknown source name), so retry decisions are mechanical. The CLI
prints ``str(error)`` on one line and exits with ``exit_code``; the DAG tasks let them
fail the task with the same line.
"""

from __future__ import annotations


class NewsflowError(Exception):
    """Base class of every error newsflow raises on purpose."""

    exit_code = 2
    transient = False


class TransientError(NewsflowError):
    """Something that may succeed when tried again later."""

    exit_code = 3
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
    """The database cannot be reached."""

    exit_code = 2


class DatabasePermissionError(PermanentError):
    """The database role newsflow connects as lacks a privilege the command needs."""


class SchemaDocsOutOfDateError(PermanentError):
    """docs/schema.md does not match the migrations (``newsflow db docs --check``)."""

    exit_code = 1


class MigrationError(PermanentError):
    """A migration file is malformed or failed to apply."""


class ArchiveError(PermanentError):
    """The raw page archive cannot be written or read."""


class InputFileError(PermanentError):
    """A file given on the command line (e.g. a WARC file) cannot be read as that kind of file."""


class WindowError(PermanentError):
    """A date window ends before it starts (since after until)."""


class RunPlanError(PermanentError):
    """A run plan (``start_run``'s result, an XCom between DAG tasks) is malformed."""


class CrawlError(NewsflowError):
    """A crawl could not run at all (individual page failures are not errors)."""


class QualityCheckError(PermanentError):
    """A data-quality threshold was breached."""


def first_line(error: BaseException | str) -> str:
    """The first line of an error's message (its type's name when it has none), for
    one-line reports."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
