"""Source configs: what to crawl and how to read a site, as data (newsbot/sources/*.toml)."""

from __future__ import annotations

import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BUILTIN_DIR = Path(__file__).parent / "sources"
START_KINDS = ("feed", "sitemap", "listing", "auto")
CONFIDENCE = ("verified", "maintainer", "unverified")
TOP_KEYS = ("name", "site", "domains", "agency", "language", "start", "article_pattern", "render", "selectors",
            "schedule_hint")
SELECTOR_KEYS = ("title", "lead", "body", "date", "updated", "category", "authors", "tags", "drop")


class SourceConfigError(ValueError):
    """A source config file is unreadable or invalid; the message is one line naming file and key."""


@dataclass(frozen=True)
class StartPoint:
    url: str
    kind: str = "auto"  # feed | sitemap | listing | auto (sniffed from the response)
    confidence: str = "unverified"


@dataclass(frozen=True)
class SourceConfig:
    name: str
    site: str = ""
    domains: tuple[str, ...] = ()
    agency: str | None = None  # who the source's own stories come from (AA for aa.com.tr)
    language: str = "tr"
    start: tuple[StartPoint, ...] = ()
    article_pattern: str | None = None  # regex an article URL must match (search)
    render: str = ""  # "js": fetch article pages through the browser
    selectors: dict[str, object] = field(default_factory=dict)
    schedule_hint: str | None = None  # a cron expression the scheduler may use by default
    path: str = ""

    def urls(self, kind: str) -> list[str]:
        return [s.url for s in self.start if s.kind == kind]

    def is_article_url(self, url: str) -> bool:
        if self.article_pattern:
            return re.search(self.article_pattern, url) is not None
        return True

    def matches_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _fail(path: Path | str, msg: str) -> SourceConfigError:
    return SourceConfigError(f"{path}: {msg}")


def _str_list(raw: dict, key: str, path: Path | str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, f"'{key}' must be a string or a list of strings")
    return tuple(value)


def parse_source(raw: dict, path: Path | str = "<config>") -> SourceConfig:
    """Validate one config mapping; raise SourceConfigError with a one-line reason."""
    unknown_top = set(raw) - set(TOP_KEYS)
    if unknown_top:
        raise _fail(path, f"unknown key(s) {sorted(unknown_top)}; known: {', '.join(TOP_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise _fail(path, "'name' must be a lower-case identifier such as 'aa'")
    starts = []
    for i, entry in enumerate(raw.get("start", [])):
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise _fail(path, f"start[{i}] needs a 'url' string")
        if not entry["url"].startswith(("http://", "https://")):
            raise _fail(path, f"start[{i}].url is not an http(s) URL: {entry['url']!r}")
        kind = entry.get("kind", "auto")
        if kind not in START_KINDS:
            raise _fail(path, f"start[{i}].kind {kind!r} is not one of {', '.join(START_KINDS)}")
        conf = entry.get("confidence", "unverified")
        if conf not in CONFIDENCE:
            raise _fail(path, f"start[{i}].confidence {conf!r} is not one of {', '.join(CONFIDENCE)}")
        starts.append(StartPoint(entry["url"], kind, conf))
    pattern = raw.get("article_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise _fail(path, f"'article_pattern' is not a valid regex: {exc}") from None
    render = raw.get("render", "")
    if render not in ("", "js"):
        raise _fail(path, f"'render' must be \"js\" or absent, not {render!r}")
    selectors = raw.get("selectors", {})
    if not isinstance(selectors, dict):
        raise _fail(path, "'selectors' must be a table")
    unknown = set(selectors) - set(SELECTOR_KEYS)
    if unknown:
        raise _fail(path, f"unknown selector key(s) {sorted(unknown)}; known: {', '.join(SELECTOR_KEYS)}")
    return SourceConfig(
        name=name,
        site=str(raw.get("site", "")),
        domains=tuple(d.lower() for d in _str_list(raw, "domains", path)),
        agency=raw.get("agency"),
        language=str(raw.get("language", "tr")),
        start=tuple(starts),
        article_pattern=pattern,
        render=render,
        selectors=selectors,
        schedule_hint=raw.get("schedule_hint"),
        path=str(path),
    )


def load_file(path: Path) -> SourceConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise _fail(path, f"cannot read: {exc.strerror}") from None
    return parse_source(raw, path)


def source_dirs() -> list[Path]:
    """Built-in configs plus any directories named in NEWSBOT_SOURCES_DIRS (os.pathsep-separated)."""
    extra = [Path(p) for p in os.environ.get("NEWSBOT_SOURCES_DIRS", "").split(os.pathsep) if p]
    return [BUILTIN_DIR, *extra]


def load_sources(dirs: list[Path] | None = None, recheck_after: float = 0.0) -> dict[str, SourceConfig]:
    """All source configs by name; a later directory's config replaces a built-in of the same name.

    The files are parsed again only when one was added, removed or changed (name, size, mtime): the
    extractor looks its page's host up for every page (a crawl read every TOML file once per page).
    With `recheck_after`, configs checked less than that many seconds ago are returned without even
    listing the directories (per page, the listing alone cost ~0.2 ms)."""
    dirs = list(dirs if dirs is not None else source_dirs())
    cached = _LOADED.get("sources")
    now = time.monotonic()
    if (recheck_after and cached is not None and cached[2] == dirs and now - cached[3] < recheck_after):
        return dict(cached[1])
    signature = _signature(dirs)
    if signature is not None and cached is not None and cached[0] == signature:
        _LOADED["sources"] = (*cached[:3], now)
        return dict(cached[1])
    sources: dict[str, SourceConfig] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise SourceConfigError(f"{directory}: sources directory does not exist")
        for path in sorted(directory.glob("*.toml")):
            cfg = load_file(path)
            sources[cfg.name] = cfg
    if signature is not None:
        _LOADED["sources"] = (signature, sources, dirs, now)
    return dict(sources)


_LOADED: dict[str, tuple] = {}


def _signature(dirs: list[Path]) -> tuple | None:
    """What the configs in `dirs` depend on: each directory's *.toml files with size and mtime (None when a
    directory cannot be listed: load_sources then reports it)."""
    parts = []
    try:
        for directory in dirs:
            with os.scandir(directory) as entries:
                files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries
                               if e.name.endswith(".toml") and e.is_file())
            parts.append((str(directory), tuple(files)))
    except OSError:
        return None
    return tuple(parts)


def crawlable_sources() -> dict[str, SourceConfig]:
    """Sources that have start points (the ones that get a spider of their own)."""
    return {n: c for n, c in load_sources().items() if c.start}


def source_for_url(url: str, sources: dict[str, SourceConfig] | None = None) -> SourceConfig | None:
    """The config whose domains cover the URL's host, if any."""
    for cfg in (sources if sources is not None else load_sources(recheck_after=1.0)).values():
        if cfg.matches_host(url):
            return cfg
    return None
