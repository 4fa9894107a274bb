"""The sample site's bot-wall trap: pages under /walled/ answer with a challenge.

Nothing on the site links to /walled/ and robots.txt does not list its sitemap, so a
crawl of the three publications never sees it; a test opts in by adding a source whose
sitemap is ``WALL_SITEMAP``. Even-numbered pages answer 403 with a challenge and the
``cf-mitigated: challenge`` header; odd-numbered ones answer 200 with a captcha form
("verify you are human") and no telling header. Both are minimal, made-up pages.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from devtools.sample_site import feeds
from devtools.sample_site.responses import HTML, Request, Response, not_found, xml_response

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

WALL_PREFIX = "/walled/"
WALL_SITEMAP = "/walled/sitemap.xml"
WALLED_PAGES = 12
"""Article URLs the walled sitemap lists."""
_PAGE = re.compile(r"^/walled/(\d{4}/\d{2}/\d{2})/story-(\d+)/$")

CHALLENGE_403 = """<!DOCTYPE html>
<html lang="en"><head><title>Just a moment...</title></head><body>
<p>Checking your browser before you reach this site.</p>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>
</body></html>
"""
CHALLENGE_200 = """<!DOCTYPE html>
<html lang="en"><head><title>Security check</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body>
<h1>One more step</h1><p>Please verify you are human to continue.</p>
<form method="post" action="/walled/verify"><div class="g-recaptcha" data-sitekey="k"></div>
<button type="submit">Continue</button></form></body></html>
"""


def walled_paths(site: SampleSite) -> list[str]:
    """The article paths the walled sitemap lists, dated today."""
    return [f"{WALL_PREFIX}{site.today:%Y/%m/%d}/story-{n}/" for n in range(WALLED_PAGES)]


def respond(site: SampleSite, request: Request) -> Response:
    """The walled sitemap, or the challenge a walled page answers with."""
    if request.path == WALL_SITEMAP:
        return xml_response(feeds.bare_urlset(site.base_url + path for path in walled_paths(site)))
    match = _PAGE.match(request.path)
    if match is None:
        return not_found()
    if int(match.group(2)) % 2 == 0:
        return Response(
            403,
            (("Content-Type", HTML), ("cf-mitigated", "challenge")),
            CHALLENGE_403.encode(),
        )
    return Response(200, (("Content-Type", HTML),), CHALLENGE_200.encode())
