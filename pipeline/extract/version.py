"""The extractor's version, stored with every article.

Bump it whenever a change alters extraction output, so rows made by an older extractor
can be found and re-processed.
"""

EXTRACTOR_VERSION = "2026.12.5"
