"""What every extraction worker needs, loaded once in the forkserver that forks them.

:mod:`pipeline.extract.pool` starts its workers from a forkserver that imports this
module first (``multiprocessing``'s ``set_forkserver_preload``). Each worker is then a
fork of a process that has already imported lxml, trafilatura and the extractor and
loaded the language model, instead of a fresh interpreter that does all of that again
(about 0.7 s of CPU per worker, and again each time a worker is recycled). Importing
this module has that one side effect on purpose: :func:`warm_up` runs at import.
"""

from __future__ import annotations

import pipeline.dedup.fingerprint  # noqa: F401  (preloaded: --fingerprint workers use it)
from pipeline.extract.core import extract_html
from pipeline.extract.language import detect_language

_SAMPLE = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + "<p>A paragraph long enough for trafilatura to keep it as the article text.</p>" * 8
    + "</article></body></html>"
)


def warm_up() -> None:
    """Load what the extractor otherwise loads lazily on a worker's first page: the
    language model and trafilatura's and lxml's first-use state."""
    detect_language("A sentence long enough for the language detector to load its model.")
    extract_html(_SAMPLE)


warm_up()
