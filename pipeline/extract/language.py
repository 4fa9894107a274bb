"""Language of an article: declared by the page, else detected from its text."""

from __future__ import annotations

import re

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


def detect_language(text: str) -> str | None:
    """ISO 639-1 code detected by py3langid, or None for texts too short to tell."""
    if len(text) < _MIN_DETECT_CHARS:
        return None
    import py3langid  # imported lazily: loading its model costs ~0.2 s per process

    code, _score = py3langid.classify(text[:5000])
    return code or None


def choose_language(declared: list[str | None], text: str) -> str | None:
    """The first valid declared language, else the one detected from ``text``."""
    for tag in declared:
        code = normalise_language(tag)
        if code:
            return code
    return detect_language(text)
