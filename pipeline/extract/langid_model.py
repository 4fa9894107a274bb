"""py3langid's language model, kept decompressed in the user's cache directory.

py3langid ships its model as an LZMA-compressed npz (4.5 MB). Decompressing it costs
about 0.5 s of CPU in every process that loads it, and an extraction pool loads it
before it can fork its first worker (:mod:`pipeline.extract.preload`), so that half
second was on the critical path of every ``newsflow extract``. The first load writes
the decompressed arrays (about 68 MB) as ``.npy`` files to
``$XDG_CACHE_HOME/newsflow/py3langid-<digest of the model file>/`` (``~/.cache`` when
``XDG_CACHE_HOME`` is unset); later loads map those files into memory, in a few
milliseconds, and all processes share their pages through the OS page cache. A cache
that cannot be written or read is skipped: the model is then decompressed as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)

CACHE_PREFIX = "py3langid-"
_FILES = ("ptc", "pc", "classes", "nextmove", "row", "output")


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/newsflow``, else ``~/.cache/newsflow``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsflow"


def load_identifier() -> LanguageIdentifier:
    """py3langid's identifier with normalised probabilities, from the cached arrays when
    they are there, else from the packaged model (and then cached for next time)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    source = Path(MODEL_DIR) / MODEL_FILE
    folder = cache_root() / f"{CACHE_PREFIX}{_digest(source)}"
    try:
        return _identifier(_read(folder))
    except (OSError, ValueError) as exc:
        log.debug("no usable language model cache at %s (%s); decompressing", folder, exc)
    arrays = _decompress(source)
    _write(folder, arrays)
    return _identifier(arrays)


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()


def _decompress(source: Path) -> dict[str, Any]:
    import numpy as np
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(source)
    return {
        "ptc": np.asarray(ptc),
        "pc": np.asarray(pc),
        "classes": np.array(classes),
        "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
        "row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
        "output": np.asarray(output, dtype=np.int32),
    }


def _read(folder: Path) -> dict[str, Any]:
    """The cached arrays, mapped read-only (``ValueError`` for a damaged cache)."""
    import numpy as np

    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _FILES}
    rows, classes = arrays["ptc"].shape, len(arrays["pc"])
    if (
        len(rows) != 2
        or rows[1] != classes
        or len(arrays["classes"]) != classes
        or len(arrays["nextmove"]) % 256
        or len(arrays["row"]) != len(arrays["output"])
    ):
        raise ValueError(f"the arrays in {folder} do not fit together")
    return arrays


def _write(folder: Path, arrays: dict[str, Any]) -> None:
    """Write ``arrays`` to ``folder`` atomically (a temporary folder renamed), removing
    the caches of other model files; on any failure leave no cache behind."""
    import numpy as np

    tmp: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-" + CACHE_PREFIX, dir=folder.parent))
        for name in _FILES:
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arrays[name]))
        os.rename(tmp, folder)
        tmp = None
        for old in folder.parent.glob(f"{CACHE_PREFIX}*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:  # another process was first, or the cache cannot be written
        log.debug("language model cache not written to %s: %s", folder, exc)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


_TYPECODES: dict[int, Literal["H", "I", "Q"]] = {2: "H", 4: "I", 8: "Q"}


def _identifier(arrays: dict[str, Any]) -> LanguageIdentifier:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    def flat(name: str) -> memoryview[int]:
        # py3langid walks its automaton with int indexing of stdlib arrays; a memoryview
        # of the mapped file indexes the same way without copying it.
        values = np.ascontiguousarray(arrays[name])
        return values.data.cast("B").cast(_TYPECODES[values.itemsize])

    return LanguageIdentifier(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        arrays["classes"].tolist(),
        flat("nextmove"),
        arrays["output"].tolist(),
        norm_probs=True,
        tk_row=flat("row"),
    )
