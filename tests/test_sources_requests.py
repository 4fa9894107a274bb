"""The sources file's ``headers:``, ``cookies:`` and ``proxy:``: good ones parse, bad ones
name the source, field and line, say why, and never quote a value."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.errors import SourcesFileError
from pipeline.source_requests import mask_proxy
from pipeline.sources import parse_sources

SITEMAP = "http://news.example/sitemap.xml"


def _source(options: str, sitemap: str = SITEMAP):
    text = f"sources:\n  - name: a\n    sitemaps: [{sitemap}]\n" + textwrap.indent(
        textwrap.dedent(options), "    "
    )
    (source,) = parse_sources(text, origin="s.yaml")
    return source


def _error(options: str, sitemap: str = SITEMAP) -> str:
    with pytest.raises(SourcesFileError) as info:
        _source(options, sitemap)
    return str(info.value)


def test_headers_cookies_and_proxy_parse_in_file_order():
    source = _source("""\
        headers: {Accept-Language: de, X-Api-Key: k3y}
        cookies:
          consent: yes
          region: "eu"
        proxy: http://user:pw@proxy.example:3128
        """)
    assert source.headers == (("Accept-Language", "de"), ("X-Api-Key", "k3y"))
    assert source.cookies == (("consent", "yes"), ("region", "eu"))  # `yes` as written
    assert source.proxy == "http://user:pw@proxy.example:3128"


def test_a_sources_repr_shows_no_header_cookie_or_proxy_value():
    source = _source("""\
        headers: {X-Api-Key: k3y}
        cookies: {session: s3cret}
        proxy: http://user:pw@proxy.example:3128
        """)
    assert not {"k3y", "s3cret", "pw"} & set(repr(source).replace("'", " ").split())
    assert "s3cret" not in repr(source) and "user:pw" not in repr(source)


def test_without_the_fields_a_source_sends_nothing_extra():
    source = _source("")
    assert (source.headers, source.cookies, source.proxy) == ((), (), None)


@pytest.mark.parametrize("name", ["User-Agent", "user-agent", "Referer", "X-Forwarded-For"])
def test_headers_that_would_disguise_newsflow_are_refused(name):
    message = _error(f"headers: {{{name}: something}}\n")
    assert message.startswith(f"s.yaml:4: source 'a': field 'headers' may not set '{name}'")
    assert "newsflow never hides what it is" in message


@pytest.mark.parametrize("name", ["Sec-CH-UA", "Sec-Fetch-Mode"])
def test_browser_client_hints_are_refused_as_a_disguise(name):
    assert "never hides what it is" in _error(f"headers: {{{name}: x}}\n")


@pytest.mark.parametrize(
    "name", ["Host", "Content-Length", "If-None-Match", "If-Modified-Since", "Accept-Encoding"]
)
def test_headers_newsflow_sets_itself_are_refused(name):
    assert _error(f"headers: {{{name}: x}}\n").endswith(
        f"may not set '{name}': it is set by newsflow itself"
    )


def test_a_cookie_header_is_refused_with_a_pointer_to_cookies():
    message = _error("headers: {Cookie: consent=yes}\n")
    assert "may not set 'Cookie'" in message and "'cookies:' map" in message
    assert "consent=yes" not in message


def test_proxy_authorization_is_refused_with_a_pointer_to_the_proxy_url():
    assert "'proxy:' URL" in _error("headers: {Proxy-Authorization: Basic abc}\n")


def test_a_header_name_that_is_not_a_token_is_refused_at_its_line():
    message = _error("""\
        headers:
          X-Good: 1
          "X Bad": 2
        """)
    assert message.startswith("s.yaml:6: source 'a': field 'headers' has the header name 'X Bad'")
    assert "not an HTTP token" in message


@pytest.mark.parametrize("value", ["a\\r\\nX-Injected: 1", "nul\\0byte", "é"])
def test_a_header_value_with_a_line_break_nul_or_non_ascii_is_refused_unquoted(value):
    message = _error(f'headers: {{X-Token: "{value}"}}\n')
    assert "gives the header 'X-Token' a value (not shown)" in message
    assert "Injected" not in message and "byte" not in message and "é" not in message


def test_an_empty_header_value_is_refused():
    assert "gives the header 'X-Token' no value" in _error('headers: {X-Token: ""}\n')


def test_a_header_given_twice_in_other_case_is_refused():
    message = _error("headers: {X-Token: a, x-token: b}\n")
    assert "sets 'x-token' twice" in message


def test_a_null_header_value_is_refused():
    assert "gives 'X-Token' no single value" in _error("headers: {X-Token: }\n")


def test_headers_must_be_a_map():
    assert "must be a map of names to values" in _error("headers: [X-Token]\n")


@pytest.mark.parametrize("name", ["con sent", "a;b", "a=b", "(x)"])
def test_a_cookie_name_that_is_not_a_token_is_refused(name):
    assert "which is not an HTTP token" in _error(f'cookies: {{"{name}": v}}\n')


@pytest.mark.parametrize("value", ["a b", "a;b", "a,b", "a\\\\b", 'a\\"b'])
def test_a_cookie_value_outside_rfc_6265_is_refused_unquoted(value):
    message = _error(f'cookies: {{session: "{value}"}}\n')
    assert message.startswith("s.yaml:4: source 'a': field 'cookies' gives the cookie 'session'")
    assert "RFC 6265" in message and value not in message


def test_a_double_quoted_cookie_value_is_allowed():
    assert _source("cookies: {c: '\"abc\"'}\n").cookies == (("c", '"abc"'),)


def test_a_socks_proxy_is_refused_as_unsupported():
    message = _error("proxy: socks5://user:pw@127.0.0.1:1080\n")
    assert "is a SOCKS proxy" in message and "does not support" in message
    assert "pw" not in message and "socks5://***@127.0.0.1:1080" in message


@pytest.mark.parametrize(
    ("proxy", "reason"),
    [
        ("ftp://proxy.example", "must be an http:// or https:// proxy URL"),
        ("http://", "has no host"),
        ("http://proxy.example:3128/path", "no path or query"),
        ("http://proxy.example:99999", "is not a URL"),
        ("3128", "must be a proxy URL"),
    ],
)
def test_a_proxy_url_without_http_scheme_or_host_is_refused(proxy, reason):
    message = _error(f"proxy: {proxy}\n")
    assert message.startswith("s.yaml:4: source 'a': field 'proxy' ")
    assert reason in message


def test_an_https_proxy_is_refused_for_https_pages_scrapy_cannot_tunnel():
    message = _error("proxy: https://proxy.example\n", sitemap="https://news.example/s.xml")
    assert "give an http:// proxy" in message
    assert _source("proxy: https://proxy.example\n").proxy == "https://proxy.example"


def test_proxy_credentials_are_masked_user_name_included():
    assert mask_proxy("http://user:pw@proxy.example:3128") == "http://***@proxy.example:3128"
    assert mask_proxy("http://token@proxy.example") == "http://***@proxy.example"
    assert mask_proxy("http://proxy.example:3128") == "http://proxy.example:3128"
