"""Tests of near-duplicate detection: normalisation, shingles, MinHash."""
