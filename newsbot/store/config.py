"""Where the store lives and how it is named: the URI and database from the environment, credentials
masked in every message (`mask`), the data directory of the embedded store and of the outage spool.

Database name: env `NEWSBOT_MONGO_DB`, else the URI's path (`mongodb://host/<db>`), else the setting
`NEWSBOT_MONGO_DB` ("newsbot"). Credentials come only from the environment; every message that can
show the URI goes through `mask()` (mongodb://user:***@host).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import parse_uri

URI_ENV = ("NEWSBOT_MONGO_URI", "MONGO_URI")
DEFAULT_DB = "newsbot"
DEFAULT_TIMEOUT_MS = 3000  # server selection / connect: an outage must not stall a crawl for minutes


class StoreError(Exception):
    """A store problem with a message that is safe to show (credentials masked)."""


# -- credentials ---------------------------------------------------------------------------------
_URI_CREDENTIALS = re.compile(r"(mongodb(?:\+srv)?://)([^:@/\s]*)(?::[^@/\s]*)?@", re.I)


def env_uri(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        if environ.get(key):
            return environ[key].strip()
    return None


def mongo_uri() -> str | None:
    """The configured server URI from the environment, or None for the embedded store."""
    return env_uri()


def _secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Password literals of the configured URIs (raw and decoded), to scrub from any text."""
    found = []
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        match = re.search(r"://[^:@/\s]*:([^@/\s]+)@", environ.get(key) or "")
        if match:
            found += [match.group(1), unquote(match.group(1))]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def mask(text: object) -> str:
    """`text` with every URI password replaced by *** (and any configured password scrubbed)."""
    out = _URI_CREDENTIALS.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@" if m.group(2) else m.group(1), str(text))
    for secret in _secrets():
        out = out.replace(secret, "***")
    return out


def short_error(exc: BaseException) -> str:
    """One masked line for an exception (pymongo's topology descriptions cut off)."""
    text = f"{type(exc).__name__}: {exc}".split(", Timeout:")[0].split(", full error:")[0]
    return mask(" ".join(text.split()))[:300]


def mask_uri(uri: str | None) -> str:
    return mask(uri) if uri else ""


class MaskingFilter(logging.Filter):
    """Logging filter that masks credentials in every record that passes a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets() and "@" not in str(record.msg):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business, not ours
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking() -> None:
    """Add MaskingFilter to the root handlers (Scrapy's included); safe to call repeatedly."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


# -- configuration -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoreConfig:
    uri: str | None
    db_name: str
    data_dir: Path
    timeout_ms: int = DEFAULT_TIMEOUT_MS

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
        try:
            parse_uri(self.uri, validate=True, warn=False)
        except (InvalidURI, ConfigurationError, ValueError, TypeError) as exc:
            raise StoreError(f"bad MongoDB URI {mask_uri(self.uri)}: {mask(exc)}") from None


def uri_options(uri: str) -> dict:
    try:
        return dict(parse_uri(uri, validate=False, warn=True).get("options") or {})
    except Exception:  # reported by StoreConfig.check()
        return {}


def _uri_db(uri: str | None) -> str | None:
    if not uri:
        return None
    try:
        return parse_uri(uri, validate=False, warn=True).get("database") or None
    except Exception:  # a bad URI is reported by StoreConfig.check()
        return None

