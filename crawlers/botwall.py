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
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

REFUSING_STATUSES = frozenset({403, 429, 503})
"""Statuses a wall answers with when it refuses outright."""
CHALLENGE_STATUSES = frozenset({200, 202})
"""Statuses of a challenge served as if it were the page."""
LITTLE_TEXT_CHARS = 1500
"""A 200/202 page with more visible text than this is a page, not a challenge."""
BODY_CHARS = 200_000
"""Only the start of a body is read (challenge pages are small)."""

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
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


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


def _found(page: str, markers: tuple[str, ...]) -> str | None:
    return next((marker for marker in markers if marker in page), None)


def _by_header(status: int, headers: Mapping[str, str], page: str) -> BotWall | None:
    if headers.get("cf-mitigated", "").strip() == "challenge":
        return BotWall("cloudflare", "cf-mitigated: challenge")
    if "x-amzn-waf-action" in headers:
        return BotWall("aws_waf", f"x-amzn-waf-action: {headers['x-amzn-waf-action']}")
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
    # Walls write some words as character references ("Reference&#32;&#35;18").
    page = html.unescape(body[:BODY_CHARS].decode("latin-1")).lower()
    wall = _by_header(status, headers, page)
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
