"""Tests of the analytics views, analyst queries, reader role and the benchmark fixture."""
