"""The sample text format of an article: title, body, byline.

Layout: the title line, a blank line, the body paragraphs separated by blank lines, a
blank line, then the byline (author names joined by ", "). No trailing newline. Without
authors the byline block is left out.
"""

from __future__ import annotations

import hashlib

SEPARATOR = "\n\n"


def format_article(title: str, body: str, authors: tuple[str, ...] | list[str]) -> str:
    """Render an article in the sample format (see module docstring)."""
    blocks = [" ".join(title.split())]
    paragraphs = [p.strip() for p in body.split(SEPARATOR) if p.strip()]
    blocks.extend(paragraphs)
    if authors:
        blocks.append(", ".join(a.strip() for a in authors if a.strip()))
    return SEPARATOR.join(blocks)


def parse_sample(text: str) -> tuple[str, str, tuple[str, ...]]:
    """Split a sample-format text into (title, body, authors).

    The last block is read as the byline: a sample written without authors cannot be
    told apart from one whose last paragraph is short, so callers that know a text has
    no byline should not rely on the authors returned here.
    """
    blocks = text.split(SEPARATOR)
    title = blocks[0]
    if len(blocks) < 3:
        return title, SEPARATOR.join(blocks[1:]), ()
    authors = tuple(a.strip() for a in blocks[-1].split(",") if a.strip())
    return title, SEPARATOR.join(blocks[1:-1]), authors


def sample_file_name(index: int, key: str) -> str:
    """``NNN_<first 16 hex digits of sha256(key)>.txt``, the sample files' naming; ``key``
    is the article's URL (or, without one, its input path)."""
    return f"{index:03d}_{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.txt"
