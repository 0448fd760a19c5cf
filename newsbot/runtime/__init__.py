"""The processes a crawl runs beside the reactor (extraction workers) and their tuning."""
