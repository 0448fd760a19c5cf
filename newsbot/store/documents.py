"""What the store writes, the same for every backend: write operations (`Op`), article documents with
safe keys and real dates, the revision and story rules, and the counts a write returns.

An `Op` is `(collection, payload)`:
- `("articles", {"doc": fields, "first_seen": t, "last_seen": t})` — the article of `doc["canonical_url"]`;
- `("story_signatures", signature document with _id)` — upserted by _id;
- `("stories", {"story_id", "site", "url", "title", "agency", "published_at", "now"})` — the story created
  with this article or this outlet added to it (once per URL);
- `("crawl_runs", run record with _id)` — its fields set (upserted by _id);
- `("learned_chrome", {"_id": site, "site", "learned": [keys], "state": {…}, "pages_seen", "updated_at"})` —
  what pipelines/boilerplate.py learned of a site's chrome: `learned` is added to the stored list (a set
  union, so two crawls of one site never drop each other's keys), the other fields are set.
Every op is idempotent, so a spool can be replayed twice and a batch retried after a partial write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsbot.dates import istanbul_day, to_utc, utcnow

ARTICLES = "articles"
RUNS = "crawl_runs"
SIGNATURES = "story_signatures"
STORIES = "stories"
LEARNED_CHROME = "learned_chrome"
COLLECTIONS = (ARTICLES, SIGNATURES, STORIES, RUNS, LEARNED_CHROME)  # also the order in which a batch is written
DATE_FIELDS = ("published_at", "updated_at", "fetched_at")  # ISO text on the item; UTC datetimes stored

Op = tuple[str, dict]


@dataclass
class WriteCounts:
    inserted: int = 0  # articles
    updated: int = 0  # articles
    written: int = 0  # ops of every collection
    failed_ops: list = field(default_factory=list)  # to try again (transient failure)
    rejected_ops: list = field(default_factory=list)  # refused for good: (op, error)
    error: str = ""

    @property
    def failed(self) -> int:
        return len(self.failed_ops)

    @property
    def rejected(self) -> int:
        return len(self.rejected_ops)

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.written += other.written
        self.failed_ops += other.failed_ops
        self.rejected_ops += other.rejected_ops
        self.error = other.error or self.error


def safe_key(key: object) -> str:
    """A key that MongoDB stores as data: a leading `$` and every `.` become their full-width forms."""
    key = str(key).replace("\x00", "")
    if key.startswith("$"):
        key = "＄" + key[1:]
    return key.replace(".", "．")


def sanitize(value: Any) -> Any:
    """`value` with every mapping key (at any depth) made safe by safe_key(); tuples/sets become lists."""
    if isinstance(value, Mapping):
        return {safe_key(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [sanitize(v) for v in value]
    return value


def article_op(doc: Mapping[str, Any], now: datetime | None = None) -> Op:
    """The op that stores `doc` (an item's fields) as the one document of its canonical URL.

    Dates become UTC datetimes and the page's own text is kept in `<field>_local` (e.g. published_at
    2025-07-12T17:12:00+03:00 → published_at = 14:12 UTC, published_at_local = the text); a date the
    store cannot read stays only in `<field>_local`. first_seen is set once, last_seen only moves forward."""
    now = to_utc(now) or utcnow()
    fields = sanitize(dict(doc))
    for key in ("_id", "first_seen", "last_seen"):
        fields.pop(key, None)
    url = fields.get("canonical_url") or fields.get("url")
    if not url:
        raise ValueError("an article needs a canonical_url (or url) to be stored")
    fields["canonical_url"] = url
    for name in DATE_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value:
            fields[f"{name}_local"] = value
            fields[name] = to_utc(value)
        elif isinstance(value, datetime):
            fields[name] = to_utc(value)
        elif name in fields:
            fields[name] = None  # "" or another non-date: no date
    # The Turkish calendar day, for dashboards that group by day on servers without date operators
    # (FerretDB 1.24 has no $dateToString): 00:30+03:00 on the 2nd is "…-02" although UTC says the 1st.
    fields["published_day"] = istanbul_day(fields.get("published_at")) if fields.get("published_at") else None
    return ARTICLES, {"doc": fields, "first_seen": now, "last_seen": now}


def revision_fields(stored: Mapping | None, fields: Mapping, now: datetime) -> dict:
    """A re-fetched article whose words changed: revision (absent = 1) + 1, previous_content_hash,
    revised_at. Nothing for a new article or the same words."""
    old = (stored or {}).get("content_hash")
    new = fields.get("content_hash")
    if not old or not new or old == new:
        return {}
    return {"revision": int(stored.get("revision") or 1) + 1, "previous_content_hash": old, "revised_at": now}


def story_payload(story_id: str, *, site: str, url: str, title: str = "", agency: str | None = None,
                  published_at: datetime | None = None, now: datetime | None = None) -> dict:
    return {"story_id": story_id, "site": site, "url": url, "title": title, "agency": agency or None,
            "published_at": to_utc(published_at), "now": to_utc(now) or utcnow()}


def apply_story(story: dict | None, p: Mapping) -> dict:
    """The story document after adding the article of payload `p` (what MongoDB's story updates do):
    created with the first article's title and first_seen; last_seen only forward; first_published_at
    only back; an outlet per URL (outlet_urls lists them, for queries); the agency of the first article
    that names one."""
    story = dict(story) if story else {"_id": p["story_id"], "story_id": p["story_id"], "first_seen": p["now"],
                                       "title": p["title"], "outlets": [], "outlet_urls": [], "outlet_count": 0}
    story["last_seen"] = max(filter(None, [story.get("last_seen"), p["now"]]))
    if p["published_at"] is not None:
        story["first_published_at"] = min(filter(None, [story.get("first_published_at"), p["published_at"]]))
    if p["url"] not in story.get("outlet_urls", ()):
        story["outlets"] = [*story["outlets"], {"site": p["site"], "url": p["url"], "published_at": p["published_at"]}]
        story["outlet_urls"] = [*story.get("outlet_urls", ()), p["url"]]
        story["outlet_count"] = int(story.get("outlet_count") or 0) + 1
    if p["agency"] and not story.get("agency"):
        story["agency"] = p["agency"]
    return story


def learned_chrome_op(site: str, state: Mapping[str, Any], now: datetime | None = None) -> Op:
    """The op that keeps a site's learned chrome (newsbot.extract.learned_chrome.SiteChrome.to_dict()): its `learned`
    keys beside the rest of the state, which is opaque here."""
    rest = {k: v for k, v in state.items() if k != "learned"}
    return LEARNED_CHROME, {"_id": site, "site": site, "learned": sorted(state.get("learned") or ()), "state": rest,
                            "pages_seen": int(state.get("next_id") or 0), "updated_at": to_utc(now) or utcnow()}


def learned_chrome_state(doc: Mapping[str, Any] | None) -> dict | None:
    """The state a stored learned_chrome document holds (what learned_chrome_op was given), or None."""
    if not doc:
        return None
    return {**(doc.get("state") or {}), "learned": list(doc.get("learned") or ())}


def coalesce(ops: list[Op]) -> list[Op]:
    """One op per article and per signature / run id (a later one's fields win; the earliest first_seen
    and the latest last_seen are kept); story ops stay as they are, in order."""
    out: list[Op] = []
    where: dict[tuple[str, str], int] = {}
    for collection, payload in ops:
        if collection == STORIES:
            out.append((collection, payload))
            continue
        key = (collection, payload["doc"]["canonical_url"] if collection == ARTICLES else payload["_id"])
        n = where.get(key)
        if n is None:
            where[key] = len(out)
            out.append((collection, payload))
        elif collection == ARTICLES:
            old = out[n][1]
            out[n] = (collection, {"doc": {**old["doc"], **payload["doc"]},
                                   "first_seen": min(old["first_seen"], payload["first_seen"]),
                                   "last_seen": max(old["last_seen"], payload["last_seen"])})
        else:
            out[n] = (collection, {**out[n][1], **payload})
    return out


def by_collection(ops: list[Op]) -> list[tuple[str, list[Op]]]:
    """The ops grouped per collection, in COLLECTIONS order (articles before the stories naming them)."""
    groups: dict[str, list[Op]] = {name: [] for name in COLLECTIONS}
    for op in ops:
        if op[0] not in groups:
            raise ValueError(f"unknown collection in a store op: {op[0]!r}")
        groups[op[0]].append(op)
    return [(name, group) for name, group in groups.items() if group]
