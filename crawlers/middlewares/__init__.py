"""Downloader middlewares: robots.txt, polite retries, the WARC archive."""
