"""The sources file: which news sites to crawl and how.

The file is YAML with one top-level key, ``sources``, holding a list of sources::

    sources:
      - name: example-times
        sitemaps: [https://example.com/sitemap.xml]   # or "robots"
        feeds: [https://example.com/rss.xml]
        start_urls: []
        allow: ['/news/']
        deny: ['/video/']
        max_pages: 5000
        language: en          # a hint for language detection
        languages: [en, de]   # keep only articles in these languages
        download_delay: 0.5
        render: http          # or browser: article pages rendered in headless Chromium
        headers: {Accept-Language: en}            # sent only to the source's hosts
        cookies: {consent: "yes"}                 # likewise, as one Cookie header
        proxy: http://user:secret@proxy.example:3128
      - name: example-times-history              # a backfill: pages from WARC files
        warc: [/data/cc-news/2024/03/*.warc.gz]  # paths, globs, http(s) URLs
        allow: ['^https://example\\.com/']

``headers``, ``cookies`` and ``proxy`` follow the rules of ``pipeline.source_requests``;
their values never appear in logs or messages (nor in a ``Source``'s repr).

Validation errors name the source, the field and the line, e.g.
``sources.yaml:7: source 'example-times': field 'max_pages' must be a positive integer``;
a field not listed above is an error too (``unknown field 'hosts'``), never ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipeline import source_fields as check
from pipeline.errors import SourcesFileError, UnknownSourceError
from pipeline.source_entry import NAME_PATTERN, SourceEntry, line_of, mapping, string_list
from pipeline.source_fields import AUTO, DEFAULT_MAX_PAGES, RENDER_MODES, ROBOTS
from pipeline.source_warc import warc_problem

__all__ = [
    "AUTO",
    "DEFAULT_MAX_PAGES",
    "NAME_PATTERN",
    "RENDER_MODES",
    "ROBOTS",
    "Source",
    "load_sources",
    "parse_sources",
    "read_sources_text",
    "select_sources",
]

_LIST_FIELDS = ("sitemaps", "feeds", "start_urls", "allow", "deny")
_MAP_FIELDS = ("headers", "cookies")
_KNOWN_FIELDS = (
    "name",
    *_LIST_FIELDS,
    "max_pages",
    "language",
    "languages",
    "download_delay",
    "render",
    *_MAP_FIELDS,
    "proxy",
    "warc",
)
_KNOWN_TOP_LEVEL = ("sources",)


@dataclass(frozen=True, slots=True)
class Source:
    """One news site to crawl."""

    name: str
    sitemaps: tuple[str, ...] = ()
    """Sitemap (index, plain, news, gzipped) URLs; the entry ``"robots"`` means the
    ``Sitemap:`` lines of each host's robots.txt."""
    feeds: tuple[str, ...] = ()
    """RSS/Atom feed URLs; the entry ``"auto"`` means the feeds the start URLs announce."""
    start_urls: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    """Regexes; an article URL must match at least one (all URLs pass when empty)."""
    deny: tuple[str, ...] = ()
    max_pages: int = DEFAULT_MAX_PAGES
    language: str | None = None
    """ISO 639-1 code of the language the site mostly writes in: a hint that decides
    between close candidates when an article's language is detected from its text
    (Bosnian or Croatian, Malay or Indonesian); a language the page declares wins."""
    languages: tuple[str, ...] = ()
    """ISO 639-1 codes: only articles in one of these languages are loaded; the others
    are counted as ``other_language``. Empty means every language (and articles whose
    language cannot be told are always kept)."""
    download_delay: float | None = None
    """Seconds between requests to this source's hosts; None means the global default."""
    render: str = "http"
    """How article pages are fetched: ``http``, or ``browser`` (rendered in headless
    Chromium; see ``crawlers.render``)."""
    headers: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    """(name, value) of extra request headers, sent only to ``hosts``; values never logged."""
    cookies: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    """(name, value) of cookies, sent only to ``hosts`` as one ``Cookie`` header."""
    proxy: str | None = dataclasses.field(default=None, repr=False)
    """``http(s)://[user:password@]host[:port]`` every request of the source goes
    through; None: the process-wide ``HTTPS_PROXY``/``HTTP_PROXY``, if any."""
    warc: tuple[str, ...] = ()
    """WARC files (paths, globs, http(s) URLs) the source's pages are read from instead
    of the web (a backfill, ``pipeline.warc_backfill``); ``allow``/``deny`` filter them."""

    @property
    def hosts(self) -> tuple[str, ...]:
        """Lower-cased host names of every discovery URL, in order of first mention."""
        seen: dict[str, None] = {}
        for url in (*self.sitemaps, *self.feeds, *self.start_urls):
            if url == ROBOTS:
                continue
            host = (urlsplit(url).hostname or "").lower()
            if host:
                seen.setdefault(host, None)
        return tuple(seen)

    @property
    def uses_robots_sitemaps(self) -> bool:
        """True when discovery should read the ``Sitemap:`` lines of robots.txt."""
        return ROBOTS in self.sitemaps or not (self.sitemaps or self.feeds or self.start_urls)


def read_sources_text(path: str | Path, env: Mapping[str, str] | None = None) -> str:
    """The text of a sources file (a path or an ``s3://`` URL, see ``load_sources``)."""
    if "://" in str(path):
        from pipeline.store_locate import read_text

        return read_text(str(path), env or {})
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesFileError(
            f"sources file {path} does not exist; create it or set NEWSFLOW_SOURCES"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"cannot read sources file {path}: {exc}") from None


def load_sources(path: str | Path, env: Mapping[str, str] | None = None) -> list[Source]:
    """Read and validate a sources file: a path, or an ``s3://bucket/key`` URL read with
    the AWS variables in ``env`` (``Settings.storage_env``).

    Raises ``SourcesFileError`` naming the file, line, source and field on any problem.
    """
    text = read_sources_text(path, env)
    return parse_sources(text, origin=str(path if "://" in str(path) else Path(path)))


def parse_sources(text: str, origin: str = "<sources>") -> list[Source]:
    """Validate sources-file text; see ``load_sources``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourcesFileError(f"{where}: invalid YAML: {problem}") from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise SourcesFileError(f"{origin}: expected a mapping with a 'sources' list")
    top = mapping(root)
    if "sources" not in top:
        raise SourcesFileError(f"{origin}:{line_of(root)}: missing the top-level 'sources' list")
    for key, (key_node, _) in top.items():
        if key not in _KNOWN_TOP_LEVEL:
            raise SourcesFileError(
                f"{origin}:{line_of(key_node)}: unknown top-level field '{key}'; "
                f"known fields: {', '.join(_KNOWN_TOP_LEVEL)}"
            )
    _, sources_node = top["sources"]
    if not isinstance(sources_node, yaml.SequenceNode) or not sources_node.value:
        raise SourcesFileError(
            f"{origin}:{line_of(sources_node)}: 'sources' must be a non-empty list"
        )
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for node in sources_node.value:
        source = _parse_source(node, origin)
        if source.name in seen:
            raise SourcesFileError(
                f"{origin}:{line_of(node)}: source name '{source.name}' is used twice "
                f"(first at line {seen[source.name]}); names must be unique"
            )
        seen[source.name] = line_of(node)
        sources.append(source)
    return sources


def select_sources(sources: Iterable[Source], names: Iterable[str] | None) -> list[Source]:
    """The sources called ``names`` (all when ``names`` is empty), in file order."""
    sources = list(sources)
    wanted = [n for n in (names or ()) if n]
    if not wanted:
        return sources
    known = {s.name for s in sources}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UnknownSourceError(
            f"unknown source {', '.join(repr(n) for n in unknown)}; "
            f"the sources file defines: {', '.join(sorted(known))}"
        )
    return [s for s in sources if s.name in set(wanted)]


def _parse_source(node: yaml.Node, origin: str) -> Source:
    entry = SourceEntry.of(node, origin, _KNOWN_FIELDS)
    lists = {field: string_list(entry, field) for field in (*_LIST_FIELDS, "warc")}
    check.check_urls(entry, lists)
    problem = warc_problem(
        lists["warc"],
        has_discovery=any(lists[f] for f in ("sitemaps", "feeds", "start_urls")),
        has_request_options=any(f in entry.fields for f in (*_MAP_FIELDS, "proxy")),
    )
    if problem:
        raise entry.fail("warc", problem)
    check.check_patterns(entry, lists)
    max_pages = check.max_pages(entry)
    language = check.language(entry)
    languages = check.languages(entry, language)
    delay = check.download_delay(entry)
    render = check.render(entry)
    headers, cookies, proxy = check.request_options(entry, lists)
    return Source(
        name=entry.name,
        sitemaps=lists["sitemaps"],
        feeds=lists["feeds"],
        start_urls=lists["start_urls"],
        allow=lists["allow"],
        deny=lists["deny"],
        max_pages=max_pages,
        language=language,
        languages=languages,
        download_delay=delay,
        render=render,
        headers=headers,
        cookies=cookies,
        proxy=proxy,
        warc=lists["warc"],
    )
