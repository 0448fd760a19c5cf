"""The one item type newsbot produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsbot.extract.body import article_text
from newsbot.sources import SourceConfig


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


def article_from_fields(fields: dict, url: str, config: SourceConfig | None, fetched_at: str) -> Article:
    """The Article a crawl yields for a page: extract_page's fields (newsbot/runtime/extract_pool.py) with the
    page's URL and its source. One builder for the spider and `newsbot extract`, so that the command shows
    what a crawl stores."""
    body = list(fields.get("body") or [])
    lead = fields.get("lead") or ""
    return Article(
        url=url,
        canonical_url=fields["canonical_url"],
        site=(config.site if config else "") or (urlsplit(url).hostname or ""),
        source=config.name if config else "",
        title=fields.get("title") or "",
        lead=lead,
        body=body,
        text=article_text(lead, body),
        published_at=fields.get("published_at"),
        updated_at=fields.get("updated_at"),
        category=fields.get("category"),
        tags=list(fields.get("tags") or []),
        authors=list(fields.get("authors") or []),
        editor=fields.get("editor") or None,
        agency=fields.get("agency") or None,
        language=fields.get("language") or (config.language if config else None),
        fetched_at=fetched_at,
        content_hash=fields["content_hash"],
    )
