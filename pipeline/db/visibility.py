"""Which warehouse rows analysts see: what the analyst views filter on, for the commands
that read ``warehouse.articles`` themselves (``export``, ``stats``), and for the
near-duplicate index, which leaves those articles to the link step.

A new or revised article is left out until the link step linked it (migration 0026,
``pipeline.load.link``): before that a copy would look like an original.
"""

from __future__ import annotations

LINKED = """NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
            WHERE u.article_id = {alias}.article_id AND u.content_changed)"""
"""SQL condition: the article of ``warehouse.articles`` aliased ``{alias}`` is not
waiting for the link step with a new text (``LINKED.format(alias="a")``)."""
