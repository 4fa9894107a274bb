"""Tests of the sample news site the demo, the e2e tests and the benchmarks crawl."""
