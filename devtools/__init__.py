"""Development tools beside the product: sample news site, demo, metric; not in the wheel."""
