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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline.errors import SourcesFileError, UnknownSourceError
from pipeline.source_requests import (
    RequestOptionError,
    check_cookies,
    check_headers,
    check_proxy,
)
from pipeline.source_warc import warc_problem

NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")
ROBOTS = "robots"
AUTO = "auto"
"""``feeds: [auto]``: the feeds the start pages (else the home pages) announce."""
DEFAULT_MAX_PAGES = 5000
RENDER_MODES = ("http", "browser")
"""``render:``: article pages fetched as they are (``http``) or rendered in headless
Chromium (``browser``, for sites whose pages insert their text with JavaScript)."""

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


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file.

    Raises ``SourcesFileError`` naming the file, line, source and field on any problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesFileError(
            f"sources file {path} does not exist; create it or set NEWSFLOW_SOURCES"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"cannot read sources file {path}: {exc}") from None
    return parse_sources(text, origin=str(path))


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
    top = _mapping(root)
    if "sources" not in top:
        raise SourcesFileError(f"{origin}:{_line(root)}: missing the top-level 'sources' list")
    for key, (key_node, _) in top.items():
        if key not in _KNOWN_TOP_LEVEL:
            raise SourcesFileError(
                f"{origin}:{_line(key_node)}: unknown top-level field '{key}'; "
                f"known fields: {', '.join(_KNOWN_TOP_LEVEL)}"
            )
    _, sources_node = top["sources"]
    if not isinstance(sources_node, yaml.SequenceNode) or not sources_node.value:
        raise SourcesFileError(
            f"{origin}:{_line(sources_node)}: 'sources' must be a non-empty list"
        )
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for node in sources_node.value:
        source = _parse_source(node, origin)
        if source.name in seen:
            raise SourcesFileError(
                f"{origin}:{_line(node)}: source name '{source.name}' is used twice "
                f"(first at line {seen[source.name]}); names must be unique"
            )
        seen[source.name] = _line(node)
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
    entry = _SourceEntry.of(node, origin)
    lists = {field: _string_list(entry, field) for field in (*_LIST_FIELDS, "warc")}
    _check_urls(entry, lists)
    problem = warc_problem(
        lists["warc"],
        has_discovery=any(lists[f] for f in ("sitemaps", "feeds", "start_urls")),
        has_request_options=any(f in entry.fields for f in (*_MAP_FIELDS, "proxy")),
    )
    if problem:
        raise entry.fail("warc", problem)
    _check_patterns(entry, lists)
    max_pages = _max_pages(entry)
    language = _language(entry)
    languages = _languages(entry, language)
    delay = _download_delay(entry)
    render = _render(entry)
    headers, cookies, proxy = _request_options(entry, lists)
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


@dataclass(frozen=True, slots=True)
class _SourceEntry:
    """One source's mapping in the file: its name and fields, for errors with a line."""

    origin: str
    node: yaml.MappingNode
    name: str
    fields: dict[str, tuple[yaml.Node, yaml.Node]]

    @classmethod
    def of(cls, node: yaml.Node, origin: str) -> _SourceEntry:
        """The entry of ``node``; ``SourcesFileError`` unless it is a mapping with a valid
        name and only known fields."""
        if not isinstance(node, yaml.MappingNode):
            raise SourcesFileError(f"{origin}:{_line(node)}: each source must be a mapping")
        fields = _mapping(node)
        name_entry = fields.get("name")
        if name_entry is None:
            raise SourcesFileError(f"{origin}:{_line(node)}: source is missing the field 'name'")
        name = _scalar(name_entry[1])
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SourcesFileError(
                f"{origin}:{_line(name_entry[1])}: field 'name' must match [a-z0-9_-]+, "
                f"got {name!r}"
            )
        for key, (key_node, _) in fields.items():
            if key not in _KNOWN_FIELDS:
                raise SourcesFileError(
                    f"{origin}:{_line(key_node)}: source '{name}': unknown field '{key}'; "
                    f"known fields: {', '.join(_KNOWN_FIELDS)}"
                )
        return cls(origin, node, name, fields)

    def value(self, field: str, default: Any = None) -> Any:
        """The scalar value of ``field`` (other nodes as is), ``default`` when absent."""
        return _scalar(self.fields[field][1]) if field in self.fields else default

    def fail(self, field: str, message: str) -> SourcesFileError:
        """The error for ``field``, located at its value (else at the source)."""
        line = _line(self.fields[field][1]) if field in self.fields else _line(self.node)
        return SourcesFileError(
            f"{self.origin}:{line}: source '{self.name}': field '{field}' {message}"
        )


def _string_list(entry: _SourceEntry, field: str) -> tuple[str, ...]:
    """A list field: absent or empty (``field:``) is ``()``."""
    if field not in entry.fields:
        return ()
    value_node = entry.fields[field][1]
    if isinstance(value_node, yaml.ScalarNode) and _scalar(value_node) is None:
        return ()
    if not isinstance(value_node, yaml.SequenceNode):
        raise entry.fail(field, "must be a list")
    items = [_scalar(item) for item in value_node.value]
    if not all(isinstance(item, str) and item for item in items):
        raise entry.fail(field, "must be a list of non-empty strings")
    return tuple(items)


def _check_urls(entry: _SourceEntry, lists: dict[str, tuple[str, ...]]) -> None:
    """Discovery URLs are http(s) URLs (or ``robots`` / ``auto``); ``auto`` has pages to
    read the announced feeds from."""
    for field in ("sitemaps", "feeds", "start_urls"):
        for url in lists[field]:
            if (field, url) in (("sitemaps", ROBOTS), ("feeds", AUTO)):
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise entry.fail(field, f"has {url!r}, which is not an http(s) URL")
    if (
        AUTO in lists["feeds"]
        and not lists["start_urls"]
        and not any(url != ROBOTS for url in lists["sitemaps"])
    ):
        raise entry.fail(
            "feeds",
            "has 'auto', which reads the feeds announced by the start URLs "
            "(else the home pages of the sitemaps' hosts): add a start URL",
        )


def _check_patterns(entry: _SourceEntry, lists: dict[str, tuple[str, ...]]) -> None:
    for field in ("allow", "deny"):
        for pattern in lists[field]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise entry.fail(field, f"has an invalid regex {pattern!r}: {exc}") from None


def _max_pages(entry: _SourceEntry) -> int:
    max_pages = entry.value("max_pages", DEFAULT_MAX_PAGES)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages <= 0:
        raise entry.fail("max_pages", f"must be a positive integer, got {max_pages!r}")
    return max_pages


_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def _language(entry: _SourceEntry) -> str | None:
    language = entry.value("language")
    if language is not None and (
        not isinstance(language, str) or not _LANGUAGE_CODE.fullmatch(language)
    ):
        raise entry.fail("language", f"must be a two-letter ISO 639-1 code, got {language!r}")
    return language


def _languages(entry: _SourceEntry, hint: str | None) -> tuple[str, ...]:
    codes = _string_list(entry, "languages")
    for code in codes:
        if not _LANGUAGE_CODE.fullmatch(code):
            raise entry.fail(
                "languages", f"must hold two-letter ISO 639-1 codes such as en, got {code!r}"
            )
    if hint is not None and codes and hint not in codes:
        raise entry.fail(
            "languages",
            f"does not hold the source's language hint {hint!r}: add it, or change 'language'",
        )
    return tuple(dict.fromkeys(codes))


def _download_delay(entry: _SourceEntry) -> float | None:
    delay = entry.value("download_delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0
    ):
        raise entry.fail("download_delay", f"must be a number of seconds >= 0, got {delay!r}")
    return float(delay) if delay is not None else None


def _render(entry: _SourceEntry) -> str:
    render = entry.value("render", "http")
    if render not in RENDER_MODES:
        raise entry.fail("render", f"must be one of {', '.join(RENDER_MODES)}, got {render!r}")
    if render == "browser" and entry.value("warc"):
        raise entry.fail("render", "is browser, but a warc source's pages are read from files")
    return str(render)


def _request_options(
    entry: _SourceEntry, lists: dict[str, tuple[str, ...]]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str | None]:
    """``headers``, ``cookies`` and ``proxy``, checked (``pipeline.source_requests``)."""
    checked = []
    for name, check in (("headers", check_headers), ("cookies", check_cookies)):
        pairs = _string_map(entry, name)
        try:
            checked.append(check((key, value) for key, value, _ in pairs))
        except RequestOptionError as exc:
            line = pairs[exc.index][2] if exc.index is not None else _line(entry.node)
            raise SourcesFileError(
                f"{entry.origin}:{line}: source '{entry.name}': field '{name}' {exc}"
            ) from None
    proxy = entry.value("proxy")
    if proxy is not None:
        if not isinstance(proxy, str):
            raise entry.fail("proxy", "must be a proxy URL such as http://proxy.example:3128")
        try:
            check_proxy(proxy, (*lists["sitemaps"], *lists["feeds"], *lists["start_urls"]))
        except RequestOptionError as exc:
            raise entry.fail("proxy", str(exc)) from None
    return checked[0], checked[1], proxy


def _string_map(entry: _SourceEntry, field: str) -> list[tuple[str, str, int]]:
    """A map of names to scalar values as (name, value, line); absent or empty is ``[]``.
    Values are taken as written (``consent: yes`` is the text ``yes``, not a boolean)."""
    if field not in entry.fields:
        return []
    value_node = entry.fields[field][1]
    if isinstance(value_node, yaml.ScalarNode) and _scalar(value_node) is None:
        return []
    if not isinstance(value_node, yaml.MappingNode):
        raise entry.fail(field, "must be a map of names to values, e.g. {consent: 'yes'}")
    pairs = []
    for key_node, item in value_node.value:
        if not isinstance(item, yaml.ScalarNode) or _scalar(item) is None:
            raise SourcesFileError(
                f"{entry.origin}:{_line(key_node)}: source '{entry.name}': field '{field}' "
                f"gives {str(key_node.value)!r} no single value"
            )
        pairs.append((str(key_node.value), str(item.value), _line(key_node)))
    return pairs


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(key.value): (key, value) for key, value in node.value}


def _scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (int, float, bool, str, None); other nodes as is."""
    if not isinstance(node, yaml.ScalarNode):
        return node
    return yaml.SafeLoader("").construct_object(node)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
