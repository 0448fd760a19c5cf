"""Extraction: a pure function from page bytes + URL (+ source config) to article fields.

Modules, one layer each: charset (bytes → text), dom (parsing, CSS selection, text lines), structured
(JSON-LD NewsArticle and meta tags), dates (ISO values and Turkish date lines), body (configured body
container, trafilatura, lead/title removal), agencies (agency names → codes, data in
newsbot/data/agencies.toml), article (the layers put together). `python -m newsbot extract` is
pipelines/extract_cli.py: it runs the chrome-stripping stage after extraction.
"""

from __future__ import annotations

from newsbot.extract.article import extract_article

__all__ = ["extract_article"]
