"""Structured metadata: JSON-LD (NewsArticle & co., parsed leniently) and <meta> tags (OpenGraph,
article:*, name=datePublished / articleAuthor / description / keywords, itemprop microdata)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

import json_repair
import lxml.etree
import lxml.html

from newsbot.text import normalize_space

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report", "liveblogposting"}
_CDATA = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")


@dataclass
class Structured:
    """What JSON-LD and meta tags say; every value is optional."""

    article: dict = field(default_factory=dict)  # the first NewsArticle-like JSON-LD object
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property → contents
    canonical: str | None = None
    html_lang: str | None = None

    def first(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name.lower(), []):
                if value.strip():
                    return normalize_space(value)
        return None

    def all(self, name: str) -> list[str]:
        return [normalize_space(v) for v in self.meta.get(name.lower(), []) if v.strip()]

    def ld(self, key: str) -> object:
        return self.article.get(key)


def _loads(raw: str) -> object:
    """JSON, or repaired JSON when the page's is malformed (a missing comma is common on Turkish sites)."""
    raw = raw.strip()
    if raw[:1] in "</" or raw.endswith(">"):  # the only texts a wrapper can open or close (an unanchored
        raw = _CDATA.sub("", raw)  # regex tried at every position of a long JSON text costs more than the parse)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        try:
            return json_repair.loads(raw)
        except Exception:  # json_repair gives up on some inputs; a page without JSON-LD is fine
            return None


def _walk(node: object):
    """Every dict in a JSON-LD document: top level, lists and @graph."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _walk(node[key])


def _types(obj: dict) -> set[str]:
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower().rsplit("/", 1)[-1] for v in values}


def unescape(value: object) -> object:
    """Strings in JSON-LD are sometimes HTML-escaped twice (Habertürk: "Türkiye&#039;de")."""
    if isinstance(value, str):
        for _ in range(2):
            value = html.unescape(value)
        return value
    if isinstance(value, list):
        return [unescape(v) for v in value]
    if isinstance(value, dict):
        return {k: unescape(v) for k, v in value.items()}
    return value


# Compiled once (root.xpath(string) compiles the expression on every call).
_LD_JSON_SCRIPTS = lxml.etree.XPath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]")


def ld_objects(root: lxml.html.HtmlElement, types: set[str]) -> list[dict]:
    """Every JSON-LD object of one of `types` (lower-case schema.org names, e.g. {"breadcrumblist"})."""
    return [unescape(obj) for script in _LD_JSON_SCRIPTS(root) for obj in _walk(_loads(script.text or ""))
            if _types(obj) & types]


def find_article(root: lxml.html.HtmlElement) -> dict:
    for script in _LD_JSON_SCRIPTS(root):
        for obj in _walk(_loads(script.text or "")):
            if _types(obj) & ARTICLE_TYPES:
                return unescape(obj)
    return {}


def read_structured(root: lxml.html.HtmlElement) -> Structured:
    meta: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if value is None:
            value = el.get("value")  # DHA 2016 microdata: <meta itemprop=dateModified value=…>
        if key and value is not None:
            meta.setdefault(key.strip().lower(), []).append(value)
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    return Structured(article=find_article(root), meta=meta, canonical=canonical, html_lang=root.get("lang"))


def names(value: object) -> list[str]:
    """Names from a JSON-LD author/publisher value: a string, a {name} object or a list of either."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str):
            for part in re.split(r"\s*[,;]\s*", item) if "," in item or ";" in item else [item]:
                part = normalize_space(part)
                if part and part not in out:
                    out.append(part)
    return out


def keywords(value: object) -> list[str]:
    """JSON-LD / meta keywords: a comma string or a list (of comma strings)."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            for part in item.split(","):
                part = normalize_space(part)
                if part and part not in out:
                    out.append(part)
    return out
