"""Paywalls: whether a page says its article is free, and whether its body is cut off.

What a page declares (:func:`accessible_for_free`): the JSON-LD ``isAccessibleForFree``
of its article object or of a ``hasPart`` ``WebPageElement`` (Google's markup for
paywalled content; booleans or the strings "True"/"False" in any case), else the
microdata ``<meta itemprop="isAccessibleForFree">``, else Facebook's
``<meta property="article:content_tier">`` (``free``; ``locked`` or ``metered``). None
when the page says nothing.

Whether the body is cut off (:func:`cut_at_prompt`, :func:`gated_body_missing`):

- the text visibly stops at a paywall prompt ("Subscribe to continue reading", "Ce
  contenu est réservé aux abonnés", ...): a prompt line among the last
  :data:`PROMPT_TAIL_LINES` lines, followed only by a few short lines (the prompt box's
  buttons and offers). The prompt and what follows it are removed from the body. A
  prompt anywhere else (an article that mentions subscribing) is article text;
- or the page declares the article gated and its body is much shorter than the article
  it declares: under :data:`MAX_SHARE_OF_DECLARED` of the JSON-LD ``wordCount``, or the
  ``hasPart`` gated section (its ``cssSelector``) is on the page but (nearly) empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from pipeline.extract.structured import PageMetadata

PROMPT_TAIL_LINES = 5
"""A paywall prompt ends the body only when it is among this many final lines ..."""
MAX_PROMPT_WORDS = 60
"""... is at most this many words long ..."""
MAX_AFTER_PROMPT_WORDS = 30
"""... and every line after it (buttons, offers, "Already a subscriber?") is this short."""
MAX_SHARE_OF_DECLARED = 0.6
"""A gated page whose body has fewer words than this share of its declared ``wordCount``
is cut off (publishers' counts differ a little from ours: captions, headings)."""
MIN_GATED_WORDS = 25
"""A declared gated section (``hasPart`` ``cssSelector``) with fewer words is missing."""

CONTENT_TIER_KEYS = ("article:content_tier", "og:article:content_tier")
_TIER_FREE = {"free": True, "locked": False, "metered": False}

# Prompts that end a cut-off body, in the languages of the dev set and a few more. Each
# says that the rest is for subscribers or asks to subscribe/log in *to read on*; a bare
# "subscribe to our newsletter" is end matter, not a paywall (pipeline.extract.endmatter).
# The word alternatives share one leading \b (each keeps its own, which changes nothing):
# the regex engine then tries them only at word starts, not at every character.
_PROMPT = re.compile(
    r"(?:\b(?:"
    # English
    r"\b(?:subscribe|sign in|log in|register)(?: now| today| for free)?"
    r" to (?:continue|keep) reading\b|"
    r"\bto (?:continue|keep) reading,? (?:please )?(?:subscribe|sign in|log in|register|become)|"
    r"\bcontinue reading with (?:a|an|your)\b.{0,40}\bsubscription\b|"
    r"\bto read (?:the full|this|the rest of (?:this|the)) (?:article|story)\b.{0,30}"
    r"\b(?:subscribe|subscription|sign in|log in|register)|"
    r"\b(?:this|the rest of this) (?:article|story|content|piece) is (?:only )?(?:available )?"
    r"(?:exclusively )?(?:for|to) (?:paying |premium |our )?(?:subscribers|members)\b|"
    r"\b(?:subscriber|member|premium)s?[- ]only (?:article|story|content)\b|"
    r"\bexclusive(?:ly)? (?:for|to) (?:paying )?subscribers\b|"
    r"\byou(?:'ve| have) (?:reached|used) (?:your|all(?: of)? your)\b.{0,20}\bfree articles?\b|"
    r"\bunlock (?:this|the full|the rest of this) (?:article|story)\b|"
    # German
    r"\b(?:dieser|der) (?:artikel|beitrag|inhalt) ist (?:nur |exklusiv )?f(?:ü|ue)r "
    r"(?:\w+[- ])?abonnent|"
    r"\blesen sie (?:jetzt )?(?:weiter|den (?:ganzen|vollständigen) artikel) mit\b|"
    r"\bweiterlesen mit\b.{0,30}\b(?:abo|plus)\b|\bmit (?:\w+ )?abo weiterlesen|"
    r"\babo (?:abschließen|sichern|wählen) und weiterlesen|"
    # French
    r"\bil vous reste \d+(?:[.,]\d+)? ?% de cet article|"
    r"\b(?:la suite|cet article|ce contenu|la suite de cet article) est réservée? aux abonnés|"
    r"\barticle réservé aux abonnés\b|\bpour lire la suite,? (?:abonnez|connectez)|"
    r"\babonnez-vous pour (?:lire|continuer)|"
    # Spanish, Italian, Portuguese
    r"\b(?:art[ií]culo|contenido|noticia)s? (?:es |son )?(?:exclusivos? |s[oó]lo )?"
    r"para (?:suscriptores|abonados)\b|"
    r"\bsuscr[ií]bete para (?:seguir|continuar) leyendo|"
    r"\bpara (?:seguir|continuar) leyendo,? suscr[ií]bete|"
    r"\b(?:articolo|contenuto) (?:è )?riservato agli abbonati\b|"
    r"\bper continuare a leggere,? (?:abbonati|accedi)|\babbonati per continuare a leggere|"
    r"\b(?:conteúdo|matéria|artigo) (?:é )?exclusiv[oa] (?:para|de) assinantes\b|"
    r"\bassine para (?:continuar lendo|ler (?:a matéria|o artigo|esta))|"
    # Dutch, Nordic, Polish
    r"\b(?:dit|het) artikel is (?:alleen )?(?:beschikbaar )?voor abonnees\b|"
    r"\blees verder met (?:een )?\w*\s?(?:abonnement|plus)\b|"
    r"\bartik\w* (?:er |är )?(?:kun|bare|endast|bara) (?:for|för) "
    r"(?:abonnenter|prenumeranter)\b|"
    r"\b(?:artykuł|treść) (?:jest )?dostępn[ya] (?:tylko |wyłącznie )?dla "
    r"(?:subskrybentów|prenumeratorów))|"
    # Japanese, Chinese, Korean
    r"この記事は有料会員限定|有料会員限定(?:記事|です)|有料記事です|続きを読むには|残り\d+文字|"
    r"订阅后(?:继续)?阅读|付费阅读|유료 ?회원 전용 기사|구독자 전용 기사"
    r")",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PromptCut:
    """A body's paragraphs up to a paywall prompt, and whether there was one."""

    paragraphs: list[str]
    found: bool


def _words(text: str) -> int:
    return len(text.split())


def is_paywall_prompt(line: str) -> bool:
    """Whether ``line`` asks to subscribe or log in to read on (see module docstring)."""
    return _words(line) <= MAX_PROMPT_WORDS and _PROMPT.search(line) is not None


def cut_at_prompt(paragraphs: list[str]) -> PromptCut:
    """``paragraphs`` before the paywall prompt that ends them, if one does.

    The prompt must be among the last :data:`PROMPT_TAIL_LINES` lines, not the first
    line, and every line after it at most :data:`MAX_AFTER_PROMPT_WORDS` words.
    """
    start = max(1, len(paragraphs) - PROMPT_TAIL_LINES)
    for i in range(start, len(paragraphs)):
        if not is_paywall_prompt(paragraphs[i]):
            continue
        if all(_words(p) <= MAX_AFTER_PROMPT_WORDS for p in paragraphs[i + 1 :]):
            return PromptCut(paragraphs[:i], True)
    return PromptCut(paragraphs, False)


def _as_bool(value: Any) -> bool | None:
    """A JSON-LD or meta boolean: true/false, "True"/"False" (any case), "yes"/"no"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower().rsplit("/", 1)[-1]  # "https://schema.org/False"
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
    return None


def _parts(article: dict[str, Any]) -> list[dict[str, Any]]:
    parts = article.get("hasPart")
    items = parts if isinstance(parts, list) else [parts]
    return [p for p in items if isinstance(p, dict)]


def gated_selectors(meta: PageMetadata) -> list[str]:
    """The ``cssSelector`` of every ``hasPart`` section declared not free."""
    selectors: list[str] = []
    for article in meta.jsonld:
        for part in _parts(article):
            if _as_bool(part.get("isAccessibleForFree")) is False:
                value = part.get("cssSelector")
                values = value if isinstance(value, list) else [value]
                selectors.extend(v for v in values if isinstance(v, str) and v.strip())
    return selectors


def accessible_for_free(meta: PageMetadata) -> bool | None:
    """What the page declares (see module docstring); a gated ``hasPart`` makes it False."""
    for article in meta.jsonld:
        declared = _as_bool(article.get("isAccessibleForFree"))
        if declared is not None:
            return declared
    for article in meta.jsonld:
        if any(_as_bool(p.get("isAccessibleForFree")) is False for p in _parts(article)):
            return False
    declared = _as_bool(meta.first_meta("isaccessibleforfree"))
    if declared is not None:
        return declared
    tier = (meta.first_meta(*CONTENT_TIER_KEYS) or "").lower()
    return _TIER_FREE.get(tier)


def declared_word_count(meta: PageMetadata) -> int | None:
    """The JSON-LD ``wordCount`` of the article (a number or a numeric string)."""
    for article in meta.jsonld:
        value = article.get("wordCount")
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and value > 0:
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
    return None


_CLASS_SELECTOR = re.compile(r"^\.([A-Za-z0-9_-]+)$")


def _class_names(selectors: Iterable[str]) -> list[str]:
    """Class names of the simple ``.class`` selectors (Google's guideline allows no other)."""
    names = []
    for selector in selectors:
        for one in selector.split(","):
            match = _CLASS_SELECTOR.match(one.strip())
            if match:
                names.append(match.group(1))
    return names


def _sections(tree: HtmlElement, class_name: str) -> list[HtmlElement]:
    found = tree.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), $name)]", name=f" {class_name} "
    )
    return [el for el in found if isinstance(el, HtmlElement)]


def gated_body_missing(meta: PageMetadata, tree: HtmlElement | None, body_words: int) -> bool:
    """Whether a page that declares its article gated holds much less of it than it says.

    False when the page does not declare a gate. With a ``wordCount``, that decides:
    the body has under :data:`MAX_SHARE_OF_DECLARED` of it. Else the gated sections
    (``hasPart`` ``.class`` selectors) are on the page but hold under
    :data:`MIN_GATED_WORDS` words together; when none is on the page, or ``tree`` is None
    (the body does not come from the page's HTML), that says nothing.
    """
    selectors = gated_selectors(meta)
    if accessible_for_free(meta) is not False and not selectors:
        return False
    declared = declared_word_count(meta)
    if declared is not None:
        return body_words < MAX_SHARE_OF_DECLARED * declared
    if tree is None:
        return False
    sections = [el for name in _class_names(selectors) for el in _sections(tree, name)]
    if not sections:
        # Inconclusive: the section may be added by a script, or be a wall that asks only
        # for an e-mail address (The Intercept's ".emailwall") around a complete body.
        return False
    return sum(_words(el.text_content()) for el in sections) < MIN_GATED_WORDS
