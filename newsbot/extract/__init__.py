"""Extraction: a pure function from page bytes + URL (+ source config) to article fields.

Layers, first match wins per field: JSON-LD NewsArticle and OpenGraph/article:* meta for metadata;
the source config's CSS selectors; trafilatura for the body otherwise; the visible Turkish date
line when structured data lacks the time.
"""

from __future__ import annotations

from newsbot.extract.article import extract_article

__all__ = ["extract_article"]
