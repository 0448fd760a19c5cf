"""The signature index dedupe clusters against: the store's signatures (read through newsbot.store's
interface, never written here) plus the signatures this run made that the store stage may not have
written yet.

Dedupe only reads the store. Its results — each article's story_id, its signature and the story update —
travel with the item to the store stage (pipelines.store), the one writer of `articles`, `stories` and
`story_signatures`. Until that stage has written them, later batches of the same run must still see
them: `RecentSignatures` keeps the last `size` signatures this run made in memory (NEWSBOT_DEDUPE_RECENT,
1,000: the store stage writes every NEWSBOT_STORE_BATCH_SIZE (100) items, so ten batches in flight).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from newsbot.store import Store


class RecentSignatures:
    """This run's latest signatures, oldest dropped first; a band → ids map for candidates."""

    def __init__(self, size: int = 1000) -> None:
        self.size = max(0, int(size))
        self.docs: OrderedDict[str, dict] = OrderedDict()
        self.added_at: dict[str, int] = {}  # id → when it was (last) added: the order of `docs`, looked up directly
        self._count = 0
        # band → id, or a tuple of ids when several share it (rare): 42 bands per signature, so no set per band
        self.by_band: dict[str, str | tuple[str, ...]] = {}

    def add(self, doc: dict) -> None:
        self._drop(doc["_id"])
        if not self.size:
            return
        self.docs[doc["_id"]] = doc
        self._count += 1
        self.added_at[doc["_id"]] = self._count
        for band in doc.get("bands") or ():
            have = self.by_band.get(band)
            self.by_band[band] = doc["_id"] if have is None else (*_ids(have), doc["_id"])
        while len(self.docs) > self.size:
            self._drop(next(iter(self.docs)))

    def _drop(self, key: str) -> None:
        old = self.docs.pop(key, None)
        self.added_at.pop(key, None)
        for band in (old or {}).get("bands") or ():
            rest = tuple(i for i in _ids(self.by_band.get(band)) if i != key)
            if rest:
                self.by_band[band] = rest[0] if len(rest) == 1 else rest
            else:
                self.by_band.pop(band, None)

    def get(self, key: str) -> dict | None:
        return self.docs.get(key)

    def with_bands(self, bands: Iterable[str]) -> list[dict]:
        ids = {i for band in bands for i in _ids(self.by_band.get(band))}
        return [self.docs[key] for key in sorted(ids, key=self.added_at.__getitem__)]  # in the order of `docs`


def _ids(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return () if value is None else (value,) if isinstance(value, str) else value


class BatchIndex:
    """newsbot.stories.SignatureIndex for one batch of articles: what the batch can need is read with two
    queries up front (the batch's own canonical URLs, and every signature sharing a band key with any
    article of the batch), overlaid with this run's recent signatures; signatures added during the batch
    are seen by its later articles and kept in `added` (the caller hands them to the store stage).

    A recent signature sharing a band with the batch replaces its stored copy (the same article, signed by
    this run) and keeps the stored copy's place; the store is told so (`held`) and does not decode it."""

    def __init__(self, store: Store | None, keys: list[str], bands: Iterable[str], not_before: datetime,
                 recent: RecentSignatures) -> None:
        bands = list(dict.fromkeys(bands))
        self.recent = recent
        self.known = store.signatures(keys) if store is not None else {}
        self.docs: dict[str, dict] = {}
        self.position: dict[str, int] = {}  # id → order of first appearance (stored first, as a query gives them)
        self.by_band: dict[str, list[str]] = {}
        held = {doc["_id"]: doc for doc in recent.with_bands(bands)}
        stored = store.signatures_by_bands(bands, not_before, held) if store is not None and bands else []
        for doc in stored:
            self._index(held.get(doc["_id"], doc))
        for doc in held.values():
            self._index(doc)
        self.added: dict[str, dict] = {}

    def _index(self, doc: dict) -> None:
        old = self.docs.get(doc["_id"])
        if old is doc:
            return
        self.docs[doc["_id"]] = doc  # a newer copy replaces the stored one and keeps its place
        self.position.setdefault(doc["_id"], len(self.position))
        old_bands = set(old.get("bands") or ()) if old is not None else ()
        for band in doc.get("bands") or ():
            if band not in old_bands:
                self.by_band.setdefault(band, []).append(doc["_id"])

    def get(self, key: str) -> dict | None:
        return self.added.get(key) or self.recent.get(key) or self.known.get(key)

    def candidates(self, bands: list[str], not_before: datetime) -> Iterable[dict]:
        wanted = set(bands)
        ids = dict.fromkeys(i for band in bands for i in self.by_band.get(band, ()))
        found = []
        for i in sorted(ids, key=self.position.__getitem__):  # first stored first, as a query gives them
            doc = self.docs[i]
            if wanted.isdisjoint(doc.get("bands") or ()) or doc["seen_at"] < not_before:
                continue  # a newer signature with other bands / out of the window
            found.append({k: v for k, v in doc.items() if k != "bands"})
        return found

    def add(self, doc: dict) -> None:
        self.added[doc["_id"]] = doc
        self.recent.add(doc)
        self._index(doc)
