"""Fixture sites served on 127.0.0.1 and a runner for real `scrapy crawl` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsbot.demo.server import DEMO_SITE, FixtureSite

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TURKISH_PAGES = FIXTURES / "turkish"  # the 11 real Turkish pages with their expectations (PROVENANCE.md there)
# The big corpora beside the checkout (a clone has none): tests that read them carry the `shared` marker and
# skip when the folder is absent (tests/conftest.py). NEWSBOT_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("NEWSBOT_SHARED_DIR") or ROOT.parent / "shared")


@pytest.fixture
def demo_site():
    """The bundled demo site (seed-style local news site) on a free port."""
    with FixtureSite(DEMO_SITE) as site:
        yield site


@pytest.fixture
def site_factory():
    """Start FixtureSite(root) servers on free ports; all are stopped at the end of the test."""
    sites: list[FixtureSite] = []

    def make(root: Path | None = None) -> FixtureSite:
        site = FixtureSite(root).start()
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.stop()


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict]
    stats: dict
    log: str


def run_crawl(spider: str, *args: str, tmp: Path, env: dict | None = None, settings: dict | None = None,
              timeout: float = 120) -> CrawlResult:
    """Run `scrapy crawl <spider>` in a subprocess (a reactor cannot restart in one process)."""
    items_file = tmp / f"items-{spider}-{len(list(tmp.glob('items-*')))}.jsonl"
    stats_file = items_file.with_suffix(".stats.json")
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *args, "-O", str(items_file),
           "-s", f"NEWSBOT_STATS_FILE={stats_file}", "-s", f"NEWSBOT_DATA_DIR={tmp / 'data'}",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"]
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    full_env.update(env or {})
    proc = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)
    items = [json.loads(line) for line in items_file.read_text().splitlines()] if items_file.exists() else []
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(proc.returncode, items, stats, proc.stderr)


@pytest.fixture
def crawl(tmp_path):
    """`crawl("news", "-a", "url=…")` → CrawlResult with items, final stats and the log."""

    def _crawl(spider: str, *args: str, **kwargs) -> CrawlResult:
        return run_crawl(spider, *args, tmp=tmp_path, **kwargs)

    return _crawl
