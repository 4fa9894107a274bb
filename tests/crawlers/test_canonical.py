"""Canonical URLs: normalisation, refused schemes, relative URLs, declared canonical links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawlers.canonical import canonical_url, declared_canonical, try_canonical


def test_host_and_scheme_are_lower_cased():
    assert canonical_url("HTTPS://News.Example.COM/Path") == "https://news.example.com/Path"


def test_fragment_is_dropped():
    assert canonical_url("http://a.com/x#comments") == "http://a.com/x"


def test_tracking_parameters_are_dropped():
    url = "http://a.com/x?utm_source=tw&id=3&fbclid=abc&gclid=1&UTM_Medium=m"
    assert canonical_url(url) == "http://a.com/x?id=3"


def test_remaining_parameters_are_sorted():
    assert canonical_url("http://a.com/x?b=2&a=1&c") == "http://a.com/x?a=1&b=2&c"


def test_default_port_is_dropped_and_others_kept():
    assert canonical_url("http://a.com:80/x") == "http://a.com/x"
    assert canonical_url("https://a.com:443/") == "https://a.com/"
    assert canonical_url("http://a.com:8080/x") == "http://a.com:8080/x"


def test_empty_path_becomes_slash():
    assert canonical_url("http://a.com") == "http://a.com/"


def test_percent_escapes_are_upper_cased():
    assert (
        canonical_url("http://a.com/caf%c3%a9?q=%e2%82%ac") == "http://a.com/caf%C3%A9?q=%E2%82%AC"
    )


@pytest.mark.parametrize("url", ["mailto:x@y.z", "/relative/path", "ftp://a.com/f", "http://"])
def test_non_http_urls_are_refused(url):
    with pytest.raises(ValueError):
        canonical_url(url)
    assert try_canonical(url) is None


def test_relative_urls_resolve_against_a_base():
    assert try_canonical("../b?utm_campaign=x", "http://A.com/x/y/z") == "http://a.com/x/b"


def test_same_host_canonical_link_is_honoured():
    assert declared_canonical("http://a.com/x?ref=1", "/story#top") == "http://a.com/story"


def test_cross_host_canonical_link_is_ignored():
    assert declared_canonical("http://a.com/x", "http://b.com/x") is None


_segment = st.text(alphabet="abcXYZ019-._~%/", max_size=12)
_param = st.tuples(
    st.sampled_from(["a", "B", "utm_source", "fbclid", "id", "q", "%7e"]),
    st.text(alphabet="abc12%+=", max_size=5),
)


@given(
    scheme=st.sampled_from(["http", "HTTP", "https"]),
    host=st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}(\.[A-Za-z]{2,5}){1,2}", fullmatch=True),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=_segment,
    params=st.lists(_param, max_size=5),
    fragment=st.text(alphabet="abc#", max_size=4),
)
def test_canonicalisation_is_idempotent(scheme, host, port, path, params, fragment):
    query = "&".join(f"{k}={v}" for k, v in params)
    url = (
        f"{scheme}://{host}{port}/{path}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")
    )
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_canonical_link_is_found_whatever_the_attribute_order():
    from crawlers.canonical import canonical_link_href

    page = (
        b"<html><head><link rel=stylesheet href=/s.css>"
        b"<LINK href='/story?a=1&amp;b=2' REL='canonical'></head><body>"
        b"<link rel=canonical href=/body-one></body></html>"
    )
    assert canonical_link_href(page) == "/story?a=1&b=2"
    assert canonical_link_href(b"<html><head></head><body>x</body></html>") is None
