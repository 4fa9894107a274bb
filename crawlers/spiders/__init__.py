"""The spider: decides what to request and what to yield, nothing else."""
