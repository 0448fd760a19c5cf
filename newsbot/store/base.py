"""The one interface every store backend implements (newsbot.store.mongo, newsbot.store.sqlite).

Documents come back as plain dicts with aware UTC datetimes. A store object belongs to the thread that
opened it (sqlite3 connections and the writer's batches are per thread); open one per thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Container, Iterable
from datetime import datetime

from newsbot.dates import istanbul_day
from newsbot.store.config import StoreConfig
from newsbot.store.documents import Op, WriteCounts

SEEN_FIELDS = ("canonical_url", "content_hash", "fetched_at", "last_seen", "updated_at", "revision")


class Store(ABC):
    """Batched writes, the look-ups a crawl needs, and the queries of `status` and run health."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config

    # -- writes (the store stage is the only caller) -------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the tables / indexes that are missing (cheap when they exist)."""

    @abstractmethod
    def write(self, ops: list[Op]) -> WriteCounts:
        """Write a batch of ops (newsbot.store.documents); never raises for a store error: what failed is
        in `failed_ops` (try again later) or `rejected_ops` (refused for good)."""

    @abstractmethod
    def purge_signatures(self, older_than: datetime) -> int:
        """Drop signatures last seen before `older_than`; the number dropped."""

    # -- look-ups ----------------------------------------------------------------------------------
    @abstractmethod
    def known_articles(self, urls: Iterable[str], seen_since: datetime | None = None) -> dict[str, dict]:
        """The stored articles among the canonical `urls` (last seen at or after `seen_since`), by URL, with
        the SEEN_FIELDS only: one indexed query for the batch."""

    @abstractmethod
    def urls_fetched_since(self, source: str, since: datetime) -> set[str]:
        """url and canonical_url of the source's articles fetched at or after `since` (a resumed job)."""

    @abstractmethod
    def signatures(self, keys: Iterable[str]) -> dict[str, dict]:
        """The stored signatures of these canonical URLs, by URL (without band keys)."""

    @abstractmethod
    def signature_ids_not_of(self, scheme: str) -> list[str]:
        """The ids of the stored signatures without this scheme id (another one, or none): migrate-store."""

    @abstractmethod
    def articles(self, urls: Iterable[str]) -> dict[str, dict]:
        """The whole stored documents of these canonical URLs, by URL (tools, not a crawl's hot path)."""

    @abstractmethod
    def signatures_by_bands(self, bands: list[str], not_before: datetime,
                            held: Container[str] = frozenset()) -> list[dict]:
        """Signatures sharing a band key with `bands`, seen at or after `not_before`, in the order they were
        first stored, each once, with their band keys; of every scheme (the caller refuses others). Those whose
        id is in `held` (the caller has their document already) come as {"_id": id} only, in their place."""

    # -- status and health -------------------------------------------------------------------------
    @abstractmethod
    def published_since(self, since: datetime) -> Iterable[tuple[str, datetime]]:
        """(source, published_at) of the articles published at or after `since`."""

    @abstractmethod
    def article_totals(self) -> dict[str, int]:
        """Stored articles per source."""

    @abstractmethod
    def runs(self, source: str | None = None, limit: int = 0, finished: bool = False) -> list[dict]:
        """Crawl runs (of one source; only finished ones), newest first; limit 0 = all."""

    @abstractmethod
    def find(self, collection: str, **equal: object) -> list[dict]:
        """Documents of a collection whose top-level fields equal `equal`, in the order first stored —
        for tools, the demo and tests (not for a crawl's hot path)."""

    @abstractmethod
    def learned_chrome(self, site: str) -> dict | None:
        """What was learned of `site`'s chrome (the state learned_chrome_op was given, `learned` being every
        key any crawl kept), or None when nothing was."""

    @abstractmethod
    def close(self) -> None: ...

    # -- built on the above ------------------------------------------------------------------------
    def run_sources(self) -> list[str]:
        return sorted({r["source"] for r in self.runs() if r.get("source")})

    def articles_per_day(self, days: list[str]) -> dict[str, dict]:
        """{source: {"total", "per_day": {day: n}}} for the Turkish (Europe/Istanbul) calendar days given."""
        from newsbot.dates import ISTANBUL

        first = datetime.fromisoformat(days[0]).replace(tzinfo=ISTANBUL)
        out = {source: {"total": total, "per_day": dict.fromkeys(days, 0)}
               for source, total in sorted(self.article_totals().items()) if source}
        for source, published in self.published_since(first):
            day = istanbul_day(published)
            if source in out and day in out[source]["per_day"]:
                out[source]["per_day"][day] += 1
        return out

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
