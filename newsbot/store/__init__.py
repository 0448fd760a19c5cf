"""The only code that talks to a database: newsbot's store behind one small interface (`Store`).

- `NEWSBOT_MONGO_URI` (or `MONGO_URI`) set: MongoDB through pymongo (newsbot.store.mongo) — production;
- otherwise: the embedded store, one SQLite file under `<NEWSBOT_DATA_DIR>/store/` (newsbot.store.sqlite).

Modules: config (URI, database name, masking), documents (ops, article documents, revision and story
rules), base (the interface), mongo / sqlite (the backends), codec (JSON with dates), spool (outages),
writer (the store stage's batching thread), migrate (`migrate-store`), upgrade (its in-place upgrades:
string dates, signatures re-signed),
dashboards (the README's aggregation pipelines).
"""

from newsbot.dates import utcnow
from newsbot.store.base import Store
from newsbot.store.config import (
    DEFAULT_DB,
    URI_ENV,
    StoreConfig,
    StoreError,
    install_log_masking,
    mask,
    mask_uri,
    mongo_uri,
    short_error,
)
from newsbot.store.documents import (
    ARTICLES,
    LEARNED_CHROME,
    RUNS,
    SIGNATURES,
    STORIES,
    Op,
    WriteCounts,
    article_op,
    coalesce,
    learned_chrome_op,
    safe_key,
    sanitize,
    story_payload,
)
from newsbot.store.spool import Spool
from newsbot.store.writer import StoreThread, StoreWriter, open_store

__all__ = ["ARTICLES", "DEFAULT_DB", "LEARNED_CHROME", "RUNS", "SIGNATURES", "STORIES", "URI_ENV", "Op", "Spool",
           "Store", "StoreConfig", "StoreError", "StoreThread", "StoreWriter", "WriteCounts", "article_op", "coalesce",
           "install_log_masking", "learned_chrome_op", "mask", "mask_uri", "mongo_uri", "open_store", "safe_key",
           "sanitize", "short_error", "story_payload", "utcnow"]
