"""The HTML report of recent runs: analytics-view data, plots, sources needing attention."""
