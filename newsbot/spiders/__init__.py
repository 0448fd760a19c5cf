"""Spiders: discovery only (feeds, sitemaps, listings) and handing article pages to extraction."""
