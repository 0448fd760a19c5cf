"""URL canonicalisation (w3lib): one form per article URL."""

from __future__ import annotations

from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid")


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment; sort the query; normalise escapes."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned)
