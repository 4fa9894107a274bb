"""End-to-end runs of newsflow against the sample site."""
