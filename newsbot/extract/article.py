"""Entry point of extraction (placeholder: trafilatura only; the layered version replaces it)."""

from __future__ import annotations

import trafilatura

from newsbot.sources import SourceConfig


def extract_article(
    body: bytes, url: str, config: SourceConfig | None = None, content_type: str | None = None
) -> dict:
    """Return article fields: title, lead, body (list of paragraphs), published_at, updated_at,
    category, tags, authors, agency, language, canonical_url. Missing values are None / empty."""
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, as_dict=True) or {}
    text = doc.get("text") or ""
    return {
        "title": doc.get("title") or "",
        "lead": doc.get("description") or "",
        "body": [line for line in text.split("\n") if line.strip()],
        "published_at": doc.get("date"),
        "updated_at": None,
        "category": None,
        "tags": list(doc.get("tags") or []),
        "authors": [a for a in (doc.get("author") or "").split("; ") if a],
        "agency": None,
        "language": doc.get("language"),
        "canonical_url": url,
    }
