"""Where the store lives and how it is named: the URI and database from the environment, credentials
masked in every message (`mask`), the data directory of the embedded store and of the outage spool.

Database name: env `NEWSBOT_MONGO_DB`, else the URI's path (`mongodb://host/<db>`), else the setting
`NEWSBOT_MONGO_DB` ("newsbot"). Credentials come only from the environment; every message that can
show the URI goes through `mask()` (mongodb://user:***@host).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsbot.store.masking import (  # noqa: F401 (re-exported)
    URI_ENV,
    MaskingFilter,
    install_log_masking,
    mask,
    mask_uri,
    short_error,
)

DEFAULT_DB = "newsbot"
DEFAULT_TIMEOUT_MS = 3000  # server selection / connect: an outage must not stall a crawl for minutes


class StoreError(Exception):
    """A store problem with a message that is safe to show (credentials masked)."""


def env_uri(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        if environ.get(key):
            return environ[key].strip()
    return None


def mongo_uri() -> str | None:
    """The configured server URI from the environment, or None for the embedded store."""
    return env_uri()


# -- configuration -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoreConfig:
    uri: str | None
    db_name: str
    data_dir: Path
    timeout_ms: int = DEFAULT_TIMEOUT_MS

    def __post_init__(self) -> None:
        if self.uri:
            # pymongo is imported only for a URI (_parse_uri), and then here, where the crawl makes its store
            # configs (pipelines and extensions, in the main thread, before any store thread starts): a first
            # import of pymongo in two threads at once can fail on its import locks (_DeadlockError).
            import pymongo.uri_parser  # noqa: F401

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None, db_name: str | None = None,
                timeout_ms: int | None = None, environ: Mapping[str, str] | None = None) -> StoreConfig:
        environ = os.environ if environ is None else environ
        uri = env_uri(environ)
        name = environ.get("NEWSBOT_MONGO_DB") or _uri_db(uri) or db_name or DEFAULT_DB
        return cls(uri, name, Path(data_dir or "data"), int(timeout_ms or DEFAULT_TIMEOUT_MS))

    @classmethod
    def from_settings(cls, settings) -> StoreConfig:
        return cls.resolve(settings.get("NEWSBOT_DATA_DIR"), settings.get("NEWSBOT_MONGO_DB"),
                           settings.getint("NEWSBOT_MONGO_TIMEOUT_MS", DEFAULT_TIMEOUT_MS))

    @property
    def embedded_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def sqlite_path(self) -> Path:
        """The embedded store: one SQLite file per database (newsbot.store.sqlite)."""
        return self.embedded_dir / f"{self.db_name}.sqlite3"

    @property
    def litemongo_dir(self) -> Path:
        """Where the litemongo store of newsbot < 0.3 kept this database (one SQLite file per collection)."""
        return self.embedded_dir / self.db_name

    @property
    def spool_path(self) -> Path:
        return self.data_dir / "spool" / f"{self.db_name}.jsonl"

    @property
    def rejected_path(self) -> Path:
        return self.data_dir / "spool" / f"{self.db_name}.rejected.jsonl"

    def describe(self) -> str:
        """Where the data goes, safe for logs."""
        if self.uri:
            return f"MongoDB {mask_uri(self.uri)} database {self.db_name!r}"
        return f"embedded store {self.sqlite_path.resolve()}"

    def check(self) -> None:
        """Raise StoreError (masked) when the URI cannot be parsed; opens no connection."""
        if not self.uri:
            return
        from pymongo.errors import ConfigurationError, InvalidURI

        try:
            _parse_uri(self.uri, validate=True, warn=False)
        except (InvalidURI, ConfigurationError, ValueError, TypeError) as exc:
            raise StoreError(f"bad MongoDB URI {mask_uri(self.uri)}: {mask(exc)}") from None


def _parse_uri(uri: str, **options) -> dict:
    """pymongo's URI parser, imported on first use: a crawl into the embedded store never loads pymongo
    (~7.5 MB of the crawl process's own memory: it is imported after the extraction workers are forked)."""
    from pymongo.uri_parser import parse_uri

    return parse_uri(uri, **options)


def uri_options(uri: str) -> dict:
    try:
        return dict(_parse_uri(uri, validate=False, warn=True).get("options") or {})
    except Exception:  # reported by StoreConfig.check()
        return {}


def _uri_db(uri: str | None) -> str | None:
    if not uri:
        return None
    try:
        return _parse_uri(uri, validate=False, warn=True).get("database") or None
    except Exception:  # a bad URI is reported by StoreConfig.check()
        return None

