"""Tests of article extraction from archived pages."""
