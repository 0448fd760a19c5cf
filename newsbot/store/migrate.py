"""`python -m newsbot migrate-store`: bring a store written by an older newsbot up to date, once.

- MongoDB (NEWSBOT_MONGO_URI set): string dates become datetimes and signatures without (or of another)
  scheme id are re-signed, in place (newsbot.store.upgrade);
- embedded: an embedded store of newsbot < 0.3 (litemongo 0.2.0: one SQLite file per collection under
  <data>/store/<db>/) is copied into the SQLite store (<data>/store/<db>.sqlite3), then signatures of
  another scheme are re-signed.

It reads through litemongo's public API only (litemongo is imported here and nowhere else, and is no
longer a requirement: `pip install litemongo==0.2.0` first). Articles already in the new store are left
as they are; runs, stories and signatures are merged (every op is idempotent, so running it twice is
harmless). Once done, the old directory is renamed to <db>.litemongo-migrated, which stops the notice.
Signatures get the scheme id of the default story parameters: newsbot < 0.3 computed them with the same
hashing (tests/test_signer.py pins it against datasketch); when this project's NEWSBOT_STORY_* differ from
the defaults, the re-signing that follows signs them again from their articles' text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsbot.dates import to_utc
from newsbot.store.config import StoreConfig, StoreError, short_error
from newsbot.store.documents import ARTICLES, RUNS, SIGNATURES, STORIES, Op, article_op, sanitize, story_payload
from newsbot.store.sqlite import SqliteStore

NOTICE = ("an embedded store of newsbot < 0.3 (litemongo) is at {old}; newsbot now uses {new}: "
          "copy it once with `python3 -m newsbot migrate-store --data-dir {data}`")
BATCH = 500


def legacy_store(config: StoreConfig) -> Path | None:
    """The litemongo directory of this database when it holds an articles file (SQLite) that was not migrated."""
    path = config.litemongo_dir / ARTICLES
    try:
        with open(path, "rb") as fh:
            return config.litemongo_dir if fh.read(16) == b"SQLite format 3\x00" else None
    except OSError:
        return None


def notice(config: StoreConfig) -> str | None:
    """The one line telling the user to migrate, or None."""
    old = None if config.uri else legacy_store(config)
    return NOTICE.format(old=old, new=config.sqlite_path, data=config.data_dir) if old else None


def _ops(collection: str, doc: dict, scheme: str) -> list[Op]:
    doc = sanitize(doc)
    if collection == ARTICLES:
        doc.pop("_id", None)
        _, payload = article_op(doc, to_utc(doc.get("last_seen")))
        payload["first_seen"] = to_utc(doc.get("first_seen")) or payload["first_seen"]
        return [(ARTICLES, payload)]
    if collection == STORIES:
        outlets = doc.get("outlets") or []
        times = [to_utc(doc.get("first_seen"))] + [to_utc(doc.get("last_seen"))] * len(outlets)
        return [(STORIES, story_payload(doc["story_id"], site=o.get("site", ""), url=o.get("url", ""),
                                        title=doc.get("title") or "", agency=doc.get("agency"),
                                        published_at=o.get("published_at"), now=times[n]))
                for n, o in enumerate(outlets)]
    if collection == SIGNATURES:
        return [(SIGNATURES, {"scheme": scheme, **doc, "seen_at": to_utc(doc.get("seen_at")),
                              "published_at": to_utc(doc.get("published_at"))})]
    return [(RUNS, {**doc, **{k: to_utc(doc[k]) for k in ("started_at", "finished_at") if doc.get(k)}})]


def migrate(config: StoreConfig, out=sys.stdout) -> dict[str, int]:
    import litemongo  # only here: the one place newsbot still reads litemongo

    from newsbot.stories import StoryParams, scheme_id

    scheme = scheme_id(StoryParams())
    copied: dict[str, int] = {}
    with litemongo.connect(str(config.embedded_dir)) as client, SqliteStore(config) as store:
        db = client[config.db_name]
        for collection in (ARTICLES, SIGNATURES, STORIES, RUNS):
            batch: list[Op] = []
            copied[collection] = 0
            for doc in db[collection].find({}):
                if collection == ARTICLES and store.known_articles([doc.get("canonical_url") or ""]):
                    continue
                batch += _ops(collection, doc, scheme)
                copied[collection] += 1
                if len(batch) >= BATCH:
                    _write(store, batch)
                    batch = []
            _write(store, batch)
            print(f"migrate-store: {collection}: {copied[collection]} copied", file=out)
    config.litemongo_dir.rename(config.litemongo_dir.with_name(f"{config.db_name}.litemongo-migrated"))
    return copied


def _write(store: SqliteStore, ops: list[Op]) -> None:
    if ops:
        counts = store.write(ops)
        if counts.failed or counts.rejected:
            raise RuntimeError(f"{counts.failed + counts.rejected} op(s) not written: {counts.error}")


def main(argv: list[str] | None = None) -> int:
    from newsbot.store.spool_cli import config_from, store_arguments

    parser = argparse.ArgumentParser(prog="python -m newsbot migrate-store", description=__doc__.splitlines()[0])
    store_arguments(parser)
    config = config_from(parser.parse_args(argv))
    try:
        config.check()
    except StoreError as exc:
        print(f"migrate-store: {exc}", file=sys.stderr)
        return 2
    if config.uri:  # MongoDB: dates and signatures upgraded in place
        return upgrade(config)
    if legacy_store(config) is None:
        if not config.sqlite_path.exists():
            print(f"migrate-store: no litemongo store under {config.litemongo_dir}: nothing to migrate")
            return 0
        return upgrade(config)
    try:
        import litemongo  # noqa: F401
    except ImportError:
        print("migrate-store: reading the old store needs litemongo: pip install litemongo==0.2.0", file=sys.stderr)
        return 2
    try:
        migrate(config)
    except Exception as exc:  # one line: which store, what went wrong
        print(f"migrate-store: failed on {config.litemongo_dir}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"migrate-store: done; the old store is now {config.litemongo_dir}.litemongo-migrated")
    return upgrade(config)


def upgrade(config: StoreConfig, out=sys.stdout) -> int:
    """The in-place upgrades (newsbot.store.upgrade) of the store of `config`: 0, or 1 with one line."""
    from scrapy.utils.project import get_project_settings

    from newsbot.store.mongo import MongoStore
    from newsbot.store.upgrade import resign, upgrade_dates
    from newsbot.store.writer import open_store
    from newsbot.stories import Signer, StoryParams

    signer = Signer(StoryParams.from_settings(get_project_settings()))  # NEWSBOT_STORY_* of this project
    try:
        with open_store(config) as store:
            if isinstance(store, MongoStore):
                upgrade_dates(store, out)
            resign(store, signer, out)
    except Exception as exc:  # unreachable server, a write refused: one line, credentials masked
        print(f"migrate-store: failed on {config.describe()}: {short_error(exc)}", file=sys.stderr)
        return 1
    print(f"migrate-store: {config.describe()} is up to date", file=out)
    return 0
