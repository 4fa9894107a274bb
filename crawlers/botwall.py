"""Whether a response is a bot wall (a challenge or block page): pure recognition.

A bot wall is the page a protection service (Cloudflare, AWS WAF, Akamai, DataDome,
PerimeterX) or a site's own captcha serves instead of the page asked for. It comes as
403, 429 or 503, or as a 200/202 whose body is a challenge. newsflow only recognises
it, to record the page as ``blocked`` and stop asking: it never solves a captcha,
never changes its user agent and never hides what it is.

Recognition uses general, well-known signs, never one site's page:

- a response header that only a wall sets (``cf-mitigated: challenge``,
  ``x-amzn-waf-action``), whatever the status;
- the service's header with a refusing status (``server: cloudflare`` with challenge
  markup, ``x-datadome`` with 403/429, ``server: AkamaiGHost`` with "Access Denied");
- the challenge markup itself (Cloudflare's challenge platform, AWS WAF's challenge
  script, DataDome's captcha-delivery frame, PerimeterX's ``px-captcha``, Akamai's
  "Access Denied ... Reference #", a reCAPTCHA/hCaptcha/Turnstile form or a "verify you
  are human" prompt) on a refusing status, or on a 200/202 page with little other text:
  an article that mentions a captcha, or has one under its comment form, is not a wall.

Nearly every response is an ordinary 200 page, so the costly reading (decoding, character
references, lower case, the marker scans) is skipped when a cheap look at the start of
the body already proves the page has more visible text than a challenge can have
(``shows_more_text``). That proof never changes an answer: whatever it skips would have
been measured as a page, not a wall.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

HEADER_NAMES = ("cf-mitigated", "x-amzn-waf-action", "server", "x-datadome", "x-dd-b")
"""The response headers ``detect`` reads (the only ones a caller needs to pass)."""
REFUSING_STATUSES = frozenset({403, 429, 503})
"""Statuses a wall answers with when it refuses outright."""
CHALLENGE_STATUSES = frozenset({200, 202})
"""Statuses of a challenge served as if it were the page."""
LITTLE_TEXT_CHARS = 1500
"""A 200/202 page with more visible text than this is a page, not a challenge."""
BODY_CHARS = 200_000
"""Only the start of a body is read (challenge pages are small)."""
TEXT_PREFIX_BYTES = 4_096
"""The start of a 200/202 body looked at for more visible text than ``LITTLE_TEXT_CHARS``
before the whole body is read for a wall's markers (an article whose text begins early
proves it there; one whose text comes after more than this of scripts, styles and
markup is read in full: a longer start is seldom conclusive and costs more)."""

_CLOUDFLARE_MARKUP = (
    "/cdn-cgi/challenge-platform/",
    "cf-chl-",
    "_cf_chl_opt",
    "cf-browser-verification",
    "used cloudflare to restrict access",
)
_CLOUDFLARE_TITLES = ("<title>just a moment...</title>", "attention required! | cloudflare")
_AWS_WAF_MARKUP = ("awswafintegration", "gokuprops", "aws-waf-token")
_DATADOME_MARKUP = ("captcha-delivery.com", "ct.captcha-delivery")
_PERIMETERX_CAPTCHA = ("px-captcha", "_pxcaptcha")
_PERIMETERX_SCRIPT = ("_pxappid", "/captcha/captcha.js", "px-cdn.net")
_CAPTCHA_WIDGETS = (
    "g-recaptcha",
    "www.google.com/recaptcha/api.js",
    "h-captcha",
    "hcaptcha.com/1/api.js",
    "cf-turnstile",
    "challenges.cloudflare.com/turnstile",
)
_HUMAN_PROMPTS = (
    "verify you are human",
    "verify that you are human",
    "are you a robot",
    "not a robot",
    "unusual traffic from your",
    "complete the security check",
)
_AKAMAI_DENIED = re.compile(r"access denied.{0,600}reference\s*#\s*[0-9a-f]", re.DOTALL)

_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.DOTALL)
_INVISIBLE_OPENED = re.compile(r"<(script|style|noscript|template)\b")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ASCII_SPACE = bytes(c for c in range(128) if chr(c).isspace())


@dataclass(frozen=True, slots=True)
class BotWall:
    """A recognised wall: who serves it and the sign it was recognised by."""

    service: str
    """``cloudflare``, ``aws_waf``, ``akamai``, ``datadome``, ``perimeterx`` or ``captcha``."""
    sign: str
    """What gave it away, for the log (a header or a marker)."""


def visible_text_length(page: str) -> int:
    """Characters of text a reader would see on ``page`` (scripts and tags left out)."""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", page))
    return len(_SPACE.sub(" ", text).strip())


def _visible_chars_at_least(start: str) -> int:
    """A lower bound on the non-space characters ``visible_text_length`` measures on any
    page that begins with ``start`` and goes on (if at all) with a ``<``.

    Scripts, styles and tags are taken out as ``visible_text_length`` does; the text from
    a script or a tag left open in ``start`` on is not counted (the rest of the page may
    close it), and everything before that is as in the whole page.
    """
    shown = _INVISIBLE.sub(" ", start)
    opened = _INVISIBLE_OPENED.search(shown)
    if opened is not None:
        shown = shown[: opened.start()]
    shown = _TAG.sub(" ", shown)
    tag_opened = shown.find("<")
    if tag_opened >= 0:
        shown = shown[:tag_opened]
    if shown.isascii():
        return len(shown.encode("ascii").translate(None, _ASCII_SPACE))
    return len("".join(shown.split()))


def shows_more_text(window: bytes, chars: int, prefix_bytes: int = TEXT_PREFIX_BYTES) -> bool:
    """True when the page read from ``window`` (a body's first ``BODY_CHARS`` bytes) is
    certain to have more than ``chars`` characters of visible text, judged from about
    its first ``prefix_bytes`` bytes: cut just before a ``<`` (no character reference
    or tag spans one) found before twice that size. False means "not known", not
    "little text"."""
    if len(window) <= prefix_bytes:
        start = window
    else:
        cut = window.find(b"<", prefix_bytes, 2 * prefix_bytes)
        if cut < 0:  # a long stretch without a tag (a script, say): not worth reading on
            return False
        start = window[:cut]
    # As detect reads the whole window: character references, then lower case.
    return _visible_chars_at_least(html.unescape(start.decode("latin-1")).lower()) > chars


def _found(page: str, markers: tuple[str, ...]) -> str | None:
    return next((marker for marker in markers if marker in page), None)


def _by_wall_header(headers: Mapping[str, str]) -> BotWall | None:
    """A header only a wall sets (counts whatever the status)."""
    if headers.get("cf-mitigated", "").strip() == "challenge":
        return BotWall("cloudflare", "cf-mitigated: challenge")
    if "x-amzn-waf-action" in headers:
        return BotWall("aws_waf", f"x-amzn-waf-action: {headers['x-amzn-waf-action']}")
    return None


def _by_service_header(status: int, headers: Mapping[str, str], page: str) -> BotWall | None:
    """A protection service's header with a refusing status and its signs."""
    if status not in REFUSING_STATUSES:
        return None
    server = headers.get("server", "").lower()
    if "x-datadome" in headers or "x-dd-b" in headers:
        return BotWall("datadome", f"x-datadome with {status}")
    if server == "cloudflare" and (
        _found(page, _CLOUDFLARE_MARKUP) or _found(page, _CLOUDFLARE_TITLES)
    ):
        return BotWall("cloudflare", f"server: cloudflare, {status} and challenge markup")
    if server.startswith("akamaighost") and "access denied" in page:
        return BotWall("akamai", f"server: AkamaiGHost, {status}, Access Denied")
    return None


def _by_markup(page: str) -> BotWall | None:
    checks = (
        ("cloudflare", _CLOUDFLARE_MARKUP),
        ("aws_waf", _AWS_WAF_MARKUP),
        ("datadome", _DATADOME_MARKUP),
        ("perimeterx", _PERIMETERX_CAPTCHA),
        ("captcha", _CAPTCHA_WIDGETS),
        ("captcha", _HUMAN_PROMPTS),
    )
    for service, markers in checks:
        marker = _found(page, markers)
        if marker:
            return BotWall(service, marker)
    if _AKAMAI_DENIED.search(page):
        return BotWall("akamai", "Access Denied ... Reference #")
    return None


def _by_refusal_markup(page: str) -> BotWall | None:
    """Signs that only count on a refusing status (a protected page carries them too)."""
    marker = _found(page, _PERIMETERX_SCRIPT)
    return BotWall("perimeterx", marker) if marker else None


def detect(status: int, headers: Mapping[str, str], body: bytes) -> BotWall | None:
    """The wall ``body`` (served with ``status`` and ``headers``, names in lower case)
    is, or None for a page or an ordinary error."""
    if status not in REFUSING_STATUSES and status not in CHALLENGE_STATUSES:
        return None
    wall = _by_wall_header(headers)
    if wall is not None:
        return wall
    window = body[:BODY_CHARS]
    # A 200/202 page with much visible text is a page whatever markers it carries (see
    # the end): most pages prove that from their first few KB, without the costly part.
    if status in CHALLENGE_STATUSES and shows_more_text(window, LITTLE_TEXT_CHARS):
        return None
    # Walls write some words as character references ("Reference&#32;&#35;18").
    page = html.unescape(window.decode("latin-1")).lower()
    wall = _by_service_header(status, headers, page)
    if wall is not None:
        return wall
    wall = _by_markup(page)
    if wall is None and status in REFUSING_STATUSES:
        wall = _by_refusal_markup(page)
    # Measuring the text is the costly step (regex passes over up to BODY_CHARS), so it
    # runs only on the few pages that carry a wall's marker, not on every article.
    if (
        wall is not None
        and status in CHALLENGE_STATUSES
        and visible_text_length(page) > LITTLE_TEXT_CHARS
    ):
        return None
    return wall
