"""Which links of a listing page are articles, without a per-site pattern (newsbot/data/fields.toml,
[discovery]).

Two ways, the first when it can be had:
- **learned shapes**: the site's own feed or sitemap lists article URLs; their shapes (see `url_shape`)
  are the site's article URL shapes, and a listing link is an article when its shape is one of them.
  A shape counts once `learn_min_urls` URLs have it, and a bare one-word path ("/gundem/", "/spor.asp")
  is never learned: a sitemap lists its sections too;
- **URL-shape features**: an id in the slug or path (`/<kategori>/<slug>-<id>h.htm`,
  `/haberler/<id>/<slug>.htm`, `/haber/<slug>-<id>`), or a hyphenated slug of several words below a
  section or date path; never a tag/category/author/search/static path or a one-segment menu link."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urljoin, urlsplit

from newsbot.text import fold

FIELDS_FILE = Path(__file__).resolve().parent / "data" / "fields.toml"
_ID = re.compile(r"\d{4,}[a-z]{0,2}")  # "188190", "188190h", "1045512"
_WORD = re.compile(r"[^\W\d_]{2,}")
_SEG_SPLIT = re.compile(r"[-_+]")


@lru_cache(maxsize=1)
def _rules() -> dict:
    raw = tomllib.loads(FIELDS_FILE.read_text(encoding="utf-8"))
    try:
        section = raw["discovery"]
        return {"list": frozenset(fold(s) for s in section["list_segments"]),
                "static": tuple(e.lower() for e in section["static_extensions"]),
                "sections": frozenset(fold(s) for s in section["section_segments"]),
                "min_slug": int(section["min_slug_words"]),
                "min_urls": int(section["learn_min_urls"])}
    except KeyError as exc:
        raise ValueError(f"{FIELDS_FILE}: [discovery] misses {exc}") from None


def resolve(base: str, href: str) -> SplitResult | None:
    """`href` made absolute against `base` and split; None for a link Python cannot parse (a bracketed
    non-IP host "http://[ccpa-preferences]/" raises ValueError): one bad link must not cost the page."""
    try:
        return urlsplit(urljoin(base, href.strip()))
    except ValueError:
        return None


def same_site_path(base: str, href: str) -> str | None:
    """The path `href` leads to when it stays on `base`'s host, else None. Site-relative links ("/x/y")
    need no URL parsing: pages hold hundreds of links, and this is called for each."""
    href = href.strip()
    if href.startswith("/") and not href.startswith("//"):
        return href.split("?", 1)[0].split("#", 1)[0]
    target = resolve(base, href)
    if target is None or target.hostname != urlsplit(base).hostname:
        return None
    return target.path


def list_segments() -> frozenset[str]:
    """Folded path segments that lead to lists (tag, category, author, …)."""
    return _rules()["list"]


def _split_path(path: str) -> tuple[list[str], str]:
    segs = [s for s in path.split("/") if s]
    if not segs:
        return [], ""
    stem, dot, ext = segs[-1].rpartition(".")
    if dot and 1 <= len(ext) <= 5 and stem:
        segs[-1] = stem
        return segs, "." + ext.lower()
    return segs, ""


def _segment_kind(seg: str) -> str:
    """D: a number; I: a slug with an id; S: a slug of words; W: one word."""
    if seg.isdigit():
        return "D"
    parts = [p for p in _SEG_SPLIT.split(seg.lower()) if p]
    if len(parts) > 1 and any(_ID.fullmatch(p) for p in parts):
        return "I"
    return "S" if len(parts) > 1 else "W"


def url_shape(url: str) -> tuple[str, ...] | None:
    """A URL's shape: the kind of each path segment, the extension, and the names of query parameters
    with a number for value (an id: tracking parameters such as utm_source are words and do not count);
    a list or static path has none. `/asayis/bafrada-kacak-sigara-188190.htm` → ("W", "I", ".htm");
    `/2025/08/13/x-y-z.html` → ("D", "D", "D", "S", ".html"); `/haber.asp?id=4000` → ("W", ".asp", "?id")."""
    rules = _rules()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    segs, ext = _split_path(parts.path)
    if not segs or ext in rules["static"] or any(fold(s) in rules["list"] for s in segs):
        return None
    ids = sorted({"?" + k.lower() for k, v in parse_qsl(parts.query) if v.isdigit()})
    return (*(_segment_kind(s) for s in segs), ext, *ids)


def looks_like_article(url: str) -> bool:
    """URL-shape features alone (no learned shape): an id-bearing slug or path, or a slug of at least
    `min_slug_words` words below another segment (a slug of one more word may stand alone)."""
    rules = _rules()
    if url_shape(url) is None:
        return False
    segs, _ = _split_path(urlsplit(url).path)
    last = [p for p in _SEG_SPLIT.split(segs[-1].lower()) if p]
    slug_words = sum(1 for p in last if _WORD.search(p))
    has_id = any(_ID.fullmatch(p) for p in last) or any(_ID.fullmatch(s) for s in segs[:-1])
    if has_id and (slug_words >= 1 or len(segs) >= 2):
        return True
    if slug_words >= rules["min_slug"] and len(segs) >= 2:
        return True
    return slug_words > rules["min_slug"]


def listing_url(url: str) -> bool:
    """A URL that names a list of pages, not a page: the site root, a bare section (one word, no id:
    "/gundem/", "/kunye", "/spor.asp") or a list path with at most one segment after its list word and no id
    in it ("/kategori/kultur-sanat/", "/etiket/ankara/", "/kategori.asp?id=5", "/gundem/sayfa/2"). A sitemap
    lists such pages beside its articles; "/yazar/ad-soyad/yazi-basligi-1234" (a column) is none of them."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    segs, ext = _split_path(parts.path)
    if not segs:
        return not parts.query
    if ext in _rules()["static"]:
        return False
    shape = url_shape(url)
    if shape is not None:
        return _section_shape(shape)
    lists = _rules()["list"]
    last = max(i for i, seg in enumerate(segs) if fold(seg) in lists)
    rest = segs[last + 1:]
    return len(rest) <= 1 and not any(_ID.fullmatch(p) for seg in rest for p in _SEG_SPLIT.split(seg.lower()))


def section_url(url: str) -> bool:
    """A listing URL (see listing_url) of a section or category, not of a tag, author or search: a bare
    one-word section ("/gundem/", "/spor.asp") or a path whose list word is a section word ("/kategori/ekonomi/",
    "/kategori.asp?id=5"). The site root is none: it is where a crawl starts."""
    if not listing_url(url):
        return False
    segs, _ = _split_path(urlsplit(url).path)
    listed = [fold(seg) for seg in segs if fold(seg) in _rules()["list"]]
    return bool(segs) and (not listed or listed[-1] in _rules()["sections"])


def _section_shape(shape: tuple[str, ...]) -> bool:
    """One word and no id ("/gundem/", "/spor.asp"): a section page, whatever list names it."""
    return len(shape) == 2 and shape[0] == "W"


class LearnedShapes:
    """Article URL shapes learned from a site's own feed or sitemap."""

    def __init__(self, min_urls: int | None = None) -> None:
        self.min_urls = _rules()["min_urls"] if min_urls is None else min_urls
        self.seen: Counter[tuple[str, ...]] = Counter()
        self.shapes: set[tuple[str, ...]] = set()

    def learn(self, urls: Iterable[str]) -> int:
        """Count the shapes of these article URLs; return how many shapes are known (seen often enough)."""
        for url in urls:
            shape = url_shape(url)
            if shape is not None and not _section_shape(shape):
                self.seen[shape] += 1
        self.shapes = {shape for shape, n in self.seen.items() if n >= self.min_urls}
        return len(self.shapes)

    def matches(self, url: str) -> bool:
        return url_shape(url) in self.shapes
