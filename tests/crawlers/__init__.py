"""Tests of the Scrapy crawler: discovery, canonical URLs, crawl state, robots, WARC."""
