"""What every extraction worker needs, loaded once in the forkserver that forks them.

:mod:`pipeline.extract.pool` starts its workers from a forkserver that imports this
module (``multiprocessing``'s ``set_forkserver_preload``; only the fingerprint's modules
before it, when the workers compute fingerprints, so that the freeze covers them too).
Each worker is then a fork of a process that has already imported lxml, trafilatura
and the extractor and loaded the language model, instead of a fresh interpreter that
does all of that again (about 0.7 s of CPU per worker, and again each time a worker is
recycled). Importing this module has that one side effect on purpose: :func:`warm_up`
runs at import.
"""

from __future__ import annotations

import gc
import threading

from pipeline.extract.language import detect_language

_SENTENCE = "A sentence long enough for the language detector to load its model."
_SAMPLE = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + "<p>A paragraph long enough for trafilatura to keep it as the article text.</p>" * 8
    + "</article></body></html>"
)


def warm_up() -> None:
    """Import the extractor and load what it otherwise loads lazily on a worker's first
    page (the language model, trafilatura's and lxml's first-use state), then freeze
    all of it out of the garbage collector's reach.

    The language model loads in a thread while this one imports the extractor. It is
    mapped from its decompressed copy in the user's cache in a few milliseconds
    (:mod:`pipeline.extract.langid_model`); only the first load, which writes that copy,
    decompresses it (~0.5 s, mostly LZMA, which releases the GIL, so the two overlap).
    The thread has ended before any worker is forked.

    ``gc.freeze()``: a forked worker shares these objects with the forkserver page by
    page until it writes to one; the collector's full passes would write to every one
    (their GC headers), copying those pages into each worker and walking tens of
    thousands of objects that never become garbage.
    """
    model = threading.Thread(target=detect_language, args=(_SENTENCE,), name="language-model")
    model.start()
    from pipeline.extract.core import extract_html

    model.join()
    extract_html(_SAMPLE)
    gc.freeze()


warm_up()
