"""The scheduler and harvest with real `scrapy crawl` processes: a scheduled crawl of a fixture site,
and a browser crawl that hangs, killed at its timeout together with its Chromium processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from schedules.runner import session_members
from tests.plugin_sites import ROOT
from tests.test_schedules import alive, stop_scheduler, wait_for

JS_SITE = ROOT / "tests" / "fixtures" / "js"


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    return {**env, **extra}


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
def test_scheduler_runs_real_scrapy_crawls(demo_site, tmp_path):
    schedule = tmp_path / "schedule.toml"
    schedule.write_text(f"""
[[job]]
source = "news"
cron = "*/2 * * * * *"
args = ["-a", "url={demo_site.url('/rss.xml')}", "-a", "source=yerel", "-s", "NEWSBOT_DATA_DIR={tmp_path / 'data'}"]
""")
    proc = subprocess.Popen([sys.executable, "-m", "schedules", "--file", str(schedule)], cwd=ROOT, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: demo_site.hits.get("/rss.xml", 0) >= 1, 60)
        time.sleep(0.5)
    finally:
        err = stop_scheduler(proc, __import__("signal").SIGTERM)
    assert proc.returncode == 0, err
    assert "crawl news started" in err and "crawl news ended: exit code" in err
    assert "process(es) behind" not in err  # the crawl's children exit by themselves, and are waited for
    assert demo_site.hits.get("/haber/belediyeden-asfalt-calismasi-3662.html", 0) >= 1


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/lib/chromium/chromium").exists() and not os.environ.get("NEWSBOT_CHROMIUM"),
                    reason="no Chromium")
def test_hung_browser_crawl_is_killed_with_its_chromium_processes(site_factory, tmp_path):
    site = site_factory(JS_SITE)
    release = threading.Event()
    site.routes["/js/asili.js"] = lambda h: (release.wait(120), (200, {}, b""))[1]  # never finishes loading
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "jshaber.toml").write_text(
        f'name = "jshaber"\ndomains = ["127.0.0.1"]\nrender = "js"\n'
        f'start = [{{ url = "{site.url("/rss.xml")}", kind = "feed" }}]\n')
    harvest = subprocess.Popen(
        [sys.executable, "-m", "schedules", "harvest", "jshaber", "--timeout", "10",
         "-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=120000", "-s", f"NEWSBOT_DATA_DIR={tmp_path / 'data'}"],
        cwd=ROOT, env=clean_env(NEWSBOT_SOURCES_DIRS=str(sources)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    seen: set[int] = set()
    try:
        def browsers() -> set[int]:
            crawls = [int(p) for p in os.listdir("/proc") if p.isdigit() and "crawl jshaber" in cmdline(int(p))]
            found = {pid for crawl in crawls for pid in session_members(crawl) if "chrom" in cmdline(pid)}
            seen.update(found)
            return found

        assert wait_for(lambda: bool(browsers()), 60), "no Chromium started"
        _, err = harvest.communicate(timeout=120)
    finally:
        release.set()
        if harvest.poll() is None:
            harvest.kill()
    assert harvest.returncode == 1, err
    assert "crawl jshaber hit its timeout of 10s" in err
    assert "1 of 1 crawl(s) failed: jshaber" in err
    assert seen and wait_for(lambda: not any(alive(pid) for pid in seen), 10), [cmdline(p) for p in seen]
