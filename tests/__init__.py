"""newsflow's test suite (pytest; real PostgreSQL and local HTTP servers)."""
