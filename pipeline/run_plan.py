"""``RunPlan``: what every step of one run needs to know, and its XCom (JSON) form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from pipeline.errors import RunPlanError, WindowError
from pipeline.sources import Source, load_sources, parse_sources, select_sources
from pipeline.window import Window


def _malformed(problem: str) -> RunPlanError:
    return RunPlanError(
        f"malformed run plan: {problem}; a plan comes from start_run (in "
        "Airflow, clear the DAG run from its start_run task)"
    )


@dataclass(frozen=True, slots=True)
class RunPlan:
    """A recorded run: its id, the sources it covers and how to crawl them.

    ``start_run`` returns it and every later step takes it. Airflow passes it between
    tasks as an XCom, in its dict form (``to_xcom`` / ``from_xcom``).
    """

    run_id: int
    sources: tuple[str, ...]
    """Names of the sources of the run, in the order they are processed."""
    sources_file: Path | str
    """The sources file the names come from: a path, or an ``s3://`` URL (a str)."""
    window: Window = field(default_factory=Window)
    max_pages: int | None = None
    """Pages per source at most; None: the sources file's."""
    sources_text: str | None = None
    """The sources file as ``start_run`` read it: the steps parse this instead of
    reading the file again, so workers need no copy of it (None: read ``sources_file``)."""

    def __post_init__(self) -> None:
        if isinstance(self.run_id, bool) or not isinstance(self.run_id, int) or self.run_id < 1:
            raise _malformed(f"run_id must be a positive integer, got {self.run_id!r}")
        # Typed a tuple, but callers outside mypy's view (tests, hand-made plans) pass a str.
        if isinstance(cast(object, self.sources), (str, bytes)) or not all(
            isinstance(name, str) and name for name in self.sources
        ):
            raise _malformed(f"sources must be a list of source names, got {self.sources!r}")
        if self.max_pages is not None and (
            isinstance(self.max_pages, bool)
            or not isinstance(self.max_pages, int)
            or self.max_pages < 1
        ):
            raise _malformed(f"max_pages must be empty or at least 1, got {self.max_pages!r}")
        if self.sources_text is not None and not isinstance(self.sources_text, str):
            raise _malformed("sources_text must be the sources file's text")
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "sources_file", sources_location(self.sources_file))

    def load_sources(self, names: Sequence[str] = ()) -> list[Source]:
        """The plan's sources named ``names`` (default: all of the run's), as defined in
        the sources file ``start_run`` read."""
        if self.sources_text is None:
            defined = load_sources(self.sources_file)
        else:
            defined = parse_sources(self.sources_text, origin=str(self.sources_file))
        return select_sources(defined, list(names) or list(self.sources))

    @property
    def since(self) -> date | None:
        return self.window.since

    @property
    def until(self) -> date | None:
        return self.window.until

    def to_xcom(self) -> dict[str, Any]:
        """The JSON-able dict Airflow stores as the ``start_run`` task's XCom."""
        since, until = self.window.iso()
        return {
            "run_id": self.run_id,
            "sources": list(self.sources),
            "sources_file": str(self.sources_file),
            "since": since,
            "until": until,
            "max_pages": self.max_pages,
            "sources_text": self.sources_text,
        }

    @classmethod
    def from_xcom(cls, data: Mapping[str, Any]) -> RunPlan:
        """The plan of a ``to_xcom`` dict; ``RunPlanError`` naming what is wrong with it."""
        if not isinstance(data, Mapping):
            raise _malformed(f"a run plan must be a JSON object, got {type(data).__name__}")
        missing = sorted({"run_id", "sources", "sources_file"} - set(data))
        if missing:
            raise _malformed(f"the run plan lacks {', '.join(missing)}")
        try:
            window = Window.from_iso(data.get("since"), data.get("until"))
        except (TypeError, ValueError) as exc:
            raise _malformed(f"since/until must be ISO dates like 2026-03-01: {exc}") from None
        except WindowError as exc:
            raise _malformed(str(exc)) from None
        sources = data["sources"]
        if not isinstance(sources, (list, tuple)):
            raise _malformed(f"sources must be a list of source names, got {sources!r}")
        return cls(
            run_id=data["run_id"],
            sources=tuple(sources),
            sources_file=str(data["sources_file"]),
            window=window,
            max_pages=data.get("max_pages"),
            sources_text=data.get("sources_text"),
        )


def sources_location(location: Path | str) -> Path | str:
    """A sources file's location: a URL (``s3://...``) stays a str, anything else is a
    ``Path``."""
    return str(location) if "://" in str(location) else Path(location)
