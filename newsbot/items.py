"""The one item type newsbot produces."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    """A news article. Every field is documented in README.md ("Article fields")."""

    url: str = ""
    canonical_url: str = ""
    site: str = ""
    source: str = ""
    title: str = ""
    lead: str = ""
    body: list[str] = field(default_factory=list)
    text: str = ""
    published_at: str | None = None
    updated_at: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    agency: str | None = None
    language: str | None = None
    fetched_at: str = ""
    content_hash: str = ""
    story_id: str | None = None
