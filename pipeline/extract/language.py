"""Language of an article: declared by the page, else detected from its text."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")
# ISO 639-2/3 codes pages sometimes declare, mapped to ISO 639-1.
_THREE_TO_TWO = {
    "ger": "de",
    "deu": "de",
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "spa": "es",
    "ita": "it",
    "jpn": "ja",
    "kor": "ko",
    "tur": "tr",
    "ukr": "uk",
    "rus": "ru",
    "nor": "no",
    "nob": "nb",
    "por": "pt",
    "pol": "pl",
    "ces": "cs",
    "cze": "cs",
    "zho": "zh",
    "chi": "zh",
    "swe": "sv",
    "dan": "da",
    "nld": "nl",
    "dut": "nl",
}
_MIN_DETECT_CHARS = 40


def normalise_language(tag: str | None) -> str | None:
    """ISO 639-1 code of a language tag such as ``en-GB``, ``de_DE`` or ``ger``; else None."""
    if not tag:
        return None
    match = _CODE.match(tag.strip())
    if not match:
        return None
    code = match.group(1).lower()
    if len(code) == 3:
        return _THREE_TO_TWO.get(code)
    return code


HINT_MIN_PROBABILITY = 0.1
"""A source's language hint wins over the detected language when the detector gives the
hint at least this probability (0-1): it decides between close candidates (Croatian or
Bosnian, Indonesian or Malay, Norwegian Bokmål or Danish), never against clear text."""


@functools.cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model with normalised probabilities, loaded once per process: mapped
    from its decompressed copy in the user's cache (a few ms), decompressed the first
    time (~0.5 s; see :mod:`pipeline.extract.langid_model`)."""
    from pipeline.extract.langid_model import load_identifier

    return load_identifier()


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code detected by py3langid, or None for texts too short to tell.

    With a ``hint``, the hint is chosen when the detector gives it at least
    ``HINT_MIN_PROBABILITY``, even if another language scores higher.
    """
    if len(text) < _MIN_DETECT_CHARS:
        return None
    ranked = _identifier().rank(text[:5000])
    if not ranked:
        return None
    if hint is not None:
        for code, probability in ranked:
            if probability < HINT_MIN_PROBABILITY:
                break
            if code == hint:
                return hint
    return str(ranked[0][0]) or None


def choose_language(declared: list[str | None], text: str, hint: str | None = None) -> str | None:
    """The first valid declared language, else the one detected from ``text`` (where
    ``hint``, the source's usual language, decides between close candidates)."""
    for tag in declared:
        code = normalise_language(tag)
        if code:
            return code
    return detect_language(text, hint)
