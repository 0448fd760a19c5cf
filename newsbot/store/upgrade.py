"""In-place upgrades of a store written by an older newsbot; `migrate-store` runs them, and each is
idempotent (a second run finds nothing to do).

- `upgrade_dates` (MongoDB): dates stored as ISO 8601 strings become BSON datetimes (UTC), as new documents
  have them. The page's own dates of an article (published_at, updated_at, fetched_at) keep their text in
  `<field>_local` and the article gets its `published_day`; newsbot's own times (first_seen, last_seen,
  revised_at, seen_at, started_at, finished_at, a story's first_published_at and its outlets' dates) are
  converted, a string without an offset read as UTC (newsbot wrote those). A string that is not a date
  leaves the field empty and its text in `<field>_local`, counted as unreadable — never dropped.
- `resign` (both backends): story signatures without a scheme id, or of another scheme, are never compared
  by clustering. Each is signed again from its article's lead and body (the text dedupe signs) under the
  current story settings, keeping its story; one whose article is not stored (or has no text) is left as
  it is and counted — clustering goes on refusing it until it ages out (NEWSBOT_STORY_SIGNATURE_DAYS).
"""

from __future__ import annotations

import itertools
import sys
from datetime import datetime
from typing import Any, TextIO

from pymongo import ASCENDING, UpdateOne

from newsbot.dates import istanbul_day, to_utc
from newsbot.store.base import Store
from newsbot.store.documents import ARTICLES, DATE_FIELDS, RUNS, SIGNATURES, STORIES
from newsbot.store.mongo import MongoStore

BATCH = 500
# Per collection: the page's own dates (text kept in <field>_local), then newsbot's own times.
PAGE_DATES = {ARTICLES: DATE_FIELDS}
OWN_TIMES = {ARTICLES: ("first_seen", "last_seen", "revised_at"), SIGNATURES: ("seen_at", "published_at"),
             STORIES: ("first_seen", "last_seen", "first_published_at"), RUNS: ("started_at", "finished_at")}


def _own_time(text: str) -> datetime | None:
    """newsbot's own time as text (`datetime.isoformat()`): without an offset it was UTC."""
    try:
        return to_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def date_fields(collection: str, doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The fields to set so that `doc` holds datetimes instead of date strings, and how many strings
    were not dates."""
    out: dict[str, Any] = {}
    unreadable = 0
    for name in (*PAGE_DATES.get(collection, ()), *OWN_TIMES.get(collection, ())):
        value = doc.get(name)
        if not isinstance(value, str):
            continue
        page_date = name in PAGE_DATES.get(collection, ())
        out[name] = to_utc(value) if page_date else _own_time(value)
        if page_date or out[name] is None:  # the page's text, or a text that is not a date, is kept
            out.setdefault(f"{name}_local", value)
        unreadable += out[name] is None
    if collection == ARTICLES and "published_at" in out:
        out["published_day"] = istanbul_day(out["published_at"]) if out["published_at"] else None
    outlets = doc.get("outlets")
    if collection == STORIES and isinstance(outlets, list) and any(
            isinstance(o, dict) and isinstance(o.get("published_at"), str) for o in outlets):
        out["outlets"] = [{**o, "published_at": to_utc(o["published_at"])}
                          if isinstance(o, dict) and isinstance(o.get("published_at"), str) else o for o in outlets]
    return out, unreadable


def upgrade_dates(store: MongoStore, out: TextIO = sys.stdout) -> dict[str, int]:
    """Convert every string date of the MongoDB store in place; documents converted per collection."""
    return {collection: _upgrade_collection(store, collection, out) for collection in (ARTICLES, SIGNATURES,
                                                                                          STORIES, RUNS)}


def _upgrade_collection(store: MongoStore, collection: str, out: TextIO) -> int:
    fields = (*PAGE_DATES.get(collection, ()), *OWN_TIMES[collection])
    query = {"$or": [{name: {"$type": "string"}} for name in fields]
             + ([{"outlets.published_at": {"$type": "string"}}] if collection == STORIES else [])}
    projection = [*fields, *(f"{name}_local" for name in fields), *(["outlets"] if collection == STORIES else [])]
    converted = unreadable = 0
    requests: list[UpdateOne] = []
    # In _id order on one cursor: a converted document no longer matches, and none is read twice.
    cursor = store.db[collection].find(query, projection).sort("_id", ASCENDING)
    for doc in itertools.chain(cursor, [None]):  # None: the end, flush
        if doc is not None:
            update, bad = date_fields(collection, doc)
            if update:
                requests.append(UpdateOne({"_id": doc["_id"]}, {"$set": update}))
                converted, unreadable = converted + 1, unreadable + bad
        if requests and (doc is None or len(requests) >= BATCH):
            store.db[collection].bulk_write(requests, ordered=False)
            requests = []
            print(f"migrate-store: {collection}: {converted:,} documents with string dates converted so far",
                  file=out)
    print(f"migrate-store: {collection}: {converted:,} documents with string dates converted"
          + (f"; {unreadable:,} not a date, kept as text in <field>_local" if unreadable else ""), file=out)
    return converted


def resign(store: Store, signer: Any, out: TextIO = sys.stdout) -> tuple[int, int]:
    """Re-sign the signatures not of `signer.scheme` (a newsbot.stories.Signer) from their articles' text;
    (re-signed, left without text)."""
    from newsbot.stories import story_text

    ids = store.signature_ids_not_of(signer.scheme)
    done = left = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        sigs, articles = store.signatures(chunk), store.articles(chunk)
        ops = []
        for key in chunk:
            doc = articles.get(key) or {}
            paragraphs = story_text(doc.get("lead") or "", doc.get("body") or [])
            if key not in sigs or not any(p.strip() for p in paragraphs):
                left += 1
                continue
            new = signer.sign(paragraphs)
            ops.append((SIGNATURES, {**sigs[key], "bands": new.bands, "minhash": new.minhash.tobytes(),
                                     "size": new.size, "scheme": signer.scheme}))
        if ops:
            counts = store.write(ops)
            if counts.failed or counts.rejected:
                raise RuntimeError(f"{counts.failed + counts.rejected} signature(s) not written: {counts.error}")
            done += len(ops)
        print(f"migrate-store: story_signatures: {done:,} of {len(ids):,} of another scheme re-signed so far",
              file=out)
    print(f"migrate-store: story_signatures: {done:,} re-signed under {signer.scheme}"
          + (f"; {left:,} without a stored article text left (never compared, purged with age)" if left else ""),
          file=out)
    return done, left
