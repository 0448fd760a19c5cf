"""What a crawl reports: run records, health verdicts, status, metrics, the stats file."""
