"""Tests of loading articles into the warehouse: batches, duplicates, derive, export."""
