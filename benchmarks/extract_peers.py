"""The extraction peers: what a user would install instead of newsflow, HTML in, body out.

One small adapter per peer turns a page's raw HTML (and its URL) into body text, the way
the peer's README shows it. Every adapter runs inside :class:`PeerRunner`, which never
raises: a missing package or a crash on a page becomes an ``error`` in the page's result,
so one broken peer gives a "failed: <reason>" row and the benchmark goes on
(``benchmarks/bench_extract_peers.py`` runs them; the packages are pinned in the
``bench`` extras of pyproject.toml, never in the runtime dependencies).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

Adapter = Callable[[bytes, str], str]

FALLBACK_URL = "https://example.com/article"
"""Given to peers that insist on a URL when a page has none."""

BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
     "table", "tr", "td", "th", "section", "article", "header", "footer", "figure",
     "figcaption", "dd", "dt"}
)  # fmt: skip


def decode(html: bytes) -> str:
    """The page as text, decoded the way trafilatura decodes it (the same for every peer
    that wants ``str``)."""
    from trafilatura.utils import decode_file

    return decode_file(html)


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block element (so that words of two
    paragraphs never run together)."""
    import lxml.html

    if not fragment.strip():
        return ""
    tree = lxml.html.fromstring(fragment)
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return str(tree.text_content()).strip()


def newspaper4k(html: bytes, url: str) -> str:
    """``Article.download(input_html=...)``, ``parse()``, ``.text``."""
    from newspaper import Article

    article = Article(url or FALLBACK_URL, fetch_images=False)
    article.download(input_html=decode(html))
    article.parse()
    return str(article.text or "")


def readability(html: bytes, _url: str) -> str:
    """readability-lxml's ``Document(html).summary()``, as text."""
    from readability import Document

    return html_fragment_text(Document(decode(html)).summary(html_partial=True))


@cache
def _goose() -> Any:
    from goose3 import Goose

    return Goose({"enable_image_fetching": False})


def goose3(html: bytes, url: str) -> str:
    """``Goose().extract(raw_html=...).cleaned_text``."""
    return str(_goose().extract(url=url or None, raw_html=decode(html)).cleaned_text or "")


@cache
def _all_stopwords() -> frozenset[str]:
    import justext

    return frozenset(w for lang in justext.get_stoplists() for w in justext.get_stoplist(lang))


def justext_body(html: bytes, _url: str) -> str:
    """``justext.justext(html, stoplist)`` non-boilerplate paragraphs. The pages are in many
    languages, so the stop list is every language's together (as trafilatura's fallback
    does)."""
    import justext

    paragraphs = justext.justext(html, _all_stopwords())
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def resiliparse(html: bytes, _url: str) -> str:
    """``extract_plain_text(HTMLTree.parse_from_bytes(html), main_content=True)``."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import detect_encoding
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse_from_bytes(html, detect_encoding(html) or "utf-8")
    return str(extract_plain_text(tree, main_content=True))


def boilerpy3(html: bytes, _url: str) -> str:
    """``ArticleExtractor().get_content(html)``."""
    from boilerpy3 import extractors

    return str(extractors.ArticleExtractor(raise_on_failure=False).get_content(decode(html)))


def news_please(html: bytes, url: str) -> str:
    """``NewsPlease.from_html(html, url).maintext`` (its extraction only; no crawler)."""
    from newsplease import NewsPlease

    article = NewsPlease.from_html(decode(html), url=url or None, fetch_images=False)
    return str(getattr(article, "maintext", None) or "")


@dataclass(frozen=True, slots=True)
class Peer:
    """One peer: its name in the tables, its PyPI distribution and its adapter."""

    name: str
    distribution: str
    adapter: Adapter
    call: str
    """How the adapter calls the peer, for the report."""


PEERS: list[Peer] = [
    Peer("newspaper4k", "newspaper4k", newspaper4k, "`Article.download(input_html=…)`, `parse()`"),
    Peer("readability-lxml", "readability-lxml", readability, "`Document(html).summary()`"),
    Peer("goose3", "goose3", goose3, "`Goose().extract(raw_html=…)`"),
    Peer("jusText", "jusText", justext_body, "`justext.justext(html, all stop lists)`"),
    Peer("resiliparse", "resiliparse", resiliparse, "`extract_plain_text(main_content=True)`"),
    Peer("boilerpy3", "boilerpy3", boilerpy3, "`ArticleExtractor().get_content(html)`"),
    Peer("news-please", "news-please", news_please, "`NewsPlease.from_html(html, url)`"),
]
BY_NAME = {p.name: p for p in PEERS}


def version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message that
    says something (NLTK frames its messages in rows of stars)."""
    lines = [x.strip() for x in str(exc).splitlines() if any(c.isalnum() for c in x)]
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _read(path: Path) -> bytes:
    import gzip

    with gzip.open(path, "rb") as fh:
        return fh.read()


@dataclass(frozen=True, slots=True)
class PeerRunner:
    """A picklable worker function: one peer on one page, ``(path, url)`` in, a result
    dict out (``body``, ``cpu`` seconds, and ``error``: None or the one-line reason).
    It never raises, whatever the peer does short of killing the process."""

    name: str
    adapters: dict[str, Adapter] | None = None
    """Adapters to look ``name`` up in (the tests' fakes); None: :data:`BY_NAME`."""

    def adapter(self) -> Adapter:
        table = self.adapters if self.adapters is not None else {p.name: p.adapter for p in PEERS}
        return table[self.name]

    def __call__(self, job: tuple[str, str]) -> dict[str, Any]:
        path, url = job
        started = time.process_time()
        try:
            html = _read(Path(path)) if path.endswith(".gz") else Path(path).read_bytes()
            body, error = self.adapter()(html, url) or "", None
        except Exception as exc:  # a peer's crash is a result, not the benchmark's end
            body, error = "", one_line(exc)
        return {"body": body, "cpu": time.process_time() - started, "error": error}


def failure_reason(outputs: list[dict[str, Any]]) -> str | None:
    """Why a peer counts as failed: it failed on every page (an ImportError on every page
    means it is not installed); None when it ran. Errors on some pages only count as
    empty outputs (see :func:`page_errors`)."""
    errors = [o["error"] for o in outputs if o.get("error")]
    if not errors or len(errors) < len(outputs):
        return None
    if all(e.startswith(("ImportError", "ModuleNotFoundError")) for e in errors):
        return f"not installed ({errors[0]}); `pip install -e '.[bench]'`"
    return f"failed on every page: {errors[0]}"


def page_errors(outputs: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """The pages the peer raised on: (count, reason) per reason, commonest first."""
    from collections import Counter

    errors = Counter(o["error"] for o in outputs if o.get("error"))
    return [(n, reason) for reason, n in errors.most_common()]
