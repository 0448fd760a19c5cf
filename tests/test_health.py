"""Run health: the checks on their own, and whole crawls of a fixture site that breaks between two runs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsbot import settings as project_settings
from newsbot.monitor.health import FAIL, OK, WARN, Thresholds, evaluate, post_webhook
from newsbot.store import StoreConfig, open_store
from tests.plugin_sites import ROOT

# The project's own components plus run records, run health and field coverage (what settings.py gets).
EXTENSIONS = {**project_settings.EXTENSIONS, "newsbot.monitor.runs.CrawlRuns": 600,
              "newsbot.monitor.health.RunHealth": 610}
PIPELINES = {**project_settings.ITEM_PIPELINES, "pipelines.coverage.CoveragePipeline": 150}
SETTINGS = {"EXTENSIONS": json.dumps(EXTENSIONS), "ITEM_PIPELINES": json.dumps(PIPELINES)}

ARTICLE_V1 = """<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">
<title>{title} - Kent Haber</title><meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"2026-11-2{n}T09:30:00+03:00"}}</script></head>
<body><main><article class="news-detail"><h1>{title}</h1>
<div class="news-content">
<p>Kent merkezinde bugün yapılan toplantıda, ilçe belediyesinin yeni dönem çalışmaları ele alındı ve {n}. madde
üzerinde uzun süre görüşüldü. Toplantıya mahalle muhtarları ile sivil toplum kuruluşlarının temsilcileri katıldı.</p>
<p>Belediye başkanı yaptığı açıklamada, yol, su ve park çalışmalarının önümüzdeki ay içinde hız kazanacağını
söyledi. Vatandaşların talepleri tek tek kayıt altına alınarak ilgili birimlere iletildi.</p>
<p>Toplantının ikinci bölümünde bütçe görüşmelerine geçildi; ek ödenek talepleri oy birliğiyle kabul edildi.</p>
</div></article></main></body></html>"""

# The redesign: the article text now arrives by JavaScript; the server sends an empty container.
ARTICLE_V2 = """<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">
<title>{title} - Kent Haber</title><meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"2026-11-2{n}T09:30:00+03:00"}}</script></head>
<body><div id="app"><h1>{title}</h1><div id="article-body" data-id="{n}"></div></div>
<script src="/static/app.js"></script></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kent Haber</title>
<link>{base}/</link>{items}</channel></rss>"""


class ChangingSite:
    """A news site on a FixtureSite whose template (and newest articles) change when `version` does."""

    def __init__(self, site, articles: int = 6) -> None:
        self.site, self.version, self.n = site, 1, articles
        site.routes["/rss.xml"] = self.feed
        site.routes["/robots.txt"] = lambda h: (200, {"Content-Type": "text/plain"}, b"User-agent: *\n")
        for version in (1, 2):
            for i in range(1, articles + 1):
                site.routes[self.path(version, i)] = self.article(version, i)

    @staticmethod
    def path(version: int, i: int) -> str:
        return f"/haber/kent-meclisi-toplantisi-v{version}-{i}-{1000 * version + i}.html"

    def feed(self, handler):
        items = "".join(f"<item><title>Haber {i}</title><link>{self.site.url(self.path(self.version, i))}</link>"
                        f"</item>" for i in range(1, self.n + 1))
        body = FEED.format(base=self.site.base, items=items).encode()
        return 200, {"Content-Type": "application/rss+xml"}, body

    def article(self, version: int, i: int):
        template = ARTICLE_V1 if version == 1 else ARTICLE_V2
        html = template.format(title=f"Kent meclisi toplantısı {version}-{i}", n=i).encode()
        return lambda handler: (200, {"Content-Type": "text/html; charset=utf-8"}, html)


class Hook:
    """A webhook receiver on 127.0.0.1 that answers 500 to the first `fail_first` POSTs."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.attempts = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                hook.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if hook.attempts <= fail_first else 200
                if status == 200:
                    hook.received.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    receiver = Hook(fail_first=1)
    yield receiver
    receiver.close()


def runs_of(tmp_path, source: str) -> list[dict]:
    with open_store(StoreConfig.resolve(tmp_path / "data")) as store:
        return store.runs(source)[::-1]


# -- a whole crawl ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_template_change_that_loses_the_body_fails_the_second_run(site_factory, crawl, tmp_path, hook):
    site = ChangingSite(site_factory())
    args = ("-a", f"url={site.site.url('/rss.xml')}", "-a", "source=kent")
    env = {"NEWSBOT_WEBHOOK_URL": hook.url}

    first = crawl("news", *args, settings=SETTINGS, env=env)
    assert first.returncode == 0, first.log[-3000:]
    assert len(first.items) == 6
    assert first.stats["newsbot/coverage/body"] == 6

    site.version = 2
    second = crawl("news", *args, settings=SETTINGS, env=env)
    assert second.returncode == 1, second.log[-3000:]  # the crawl ends normally; its exit code says fail
    assert second.stats["newsbot/coverage/items"] == 6 and second.stats["newsbot/coverage/body"] == 0

    runs = runs_of(tmp_path, "kent")
    assert [r["health"]["verdict"] for r in runs] == [OK, FAIL]
    reasons = runs[1]["health"]["reasons"]
    assert any(r.startswith("coverage: body on 0 of 6 items") and "6 for no_body" in r for r in reasons), reasons
    assert runs[1]["health"]["checks"]["coverage"]["shares"]["body"] == 0
    assert "ERROR: RUN HEALTH FAIL for kent" in second.log and "body on 0 of 6 items" in second.log

    # Only the failed run was posted, after one retry (the receiver answered 500 first).
    assert hook.attempts == 2 and len(hook.received) == 1
    posted = hook.received[0]
    assert posted["verdict"] == FAIL and posted["source"] == "kent" and posted["run_id"] == runs[1]["_id"]
    assert posted["text"].startswith("newsbot kent: FAIL — ") and "coverage: body on 0 of 6 items" in posted["text"]
    assert "secret-token" not in second.log

    # The status command shows each run's verdict.
    out = subprocess.run([sys.executable, "-m", "newsbot", "status", "--data-dir", str(tmp_path / "data")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    table = out.stdout.split("Last runs per source")[1].splitlines()
    assert table[1].split()[-1] == "health"
    assert [line.split()[-1] for line in table[3:5]] == [FAIL, OK]  # newest first


@pytest.mark.slow
def test_dead_webhook_does_not_break_the_crawl(site_factory, crawl, tmp_path):
    site = ChangingSite(site_factory())
    site.version = 2
    dead = Hook()
    url = dead.url
    dead.close()  # nothing listens there any more
    result = crawl("news", "-a", f"url={site.site.url('/rss.xml')}", "-a", "source=kent", settings={
        **SETTINGS, "NEWSBOT_WEBHOOK_RETRIES": "1"}, env={"NEWSBOT_WEBHOOK_URL": url})
    assert result.returncode == 1, result.log[-3000:]  # the health verdict (fail), not the dead webhook
    assert "health webhook http://127.0.0.1 failed after 2 attempt(s)" in result.log
    runs = runs_of(tmp_path, "kent")
    assert runs and runs[0]["health"]["verdict"] == FAIL, result.log[-3000:]


# -- the checks -------------------------------------------------------------------------------------


def healthy_stats(**extra) -> dict:
    stats = {
        "item_scraped_count": 20, "newsbot/coverage/items": 20, "newsbot/coverage/title": 20,
        "newsbot/coverage/body": 20, "newsbot/coverage/published_at": 19,
        "downloader/request_count": 23, "downloader/response_count": 23,
        "downloader/response_status_count/200": 22, "downloader/response_status_count/404": 1,
        "robotstxt/request_count": 1, "robotstxt/response_count": 1, "robotstxt/response_status_count/404": 1,
    }
    return {**stats, **extra}


def test_healthy_run_is_ok_and_robots_404_is_not_an_http_error():
    health = evaluate(healthy_stats(), "finished", [18, 20, 22])
    assert health["verdict"] == OK and health["reasons"] == []
    assert health["checks"]["http_errors"]["errors"] == 0


@pytest.mark.parametrize("items, verdict", [(20, OK), (9, WARN), (3, FAIL), (0, FAIL)])
def test_items_against_the_median_of_past_runs(items, verdict):
    health = evaluate(healthy_stats(item_scraped_count=items), "finished", [30, 20, 18, 25, 1])
    assert health["checks"]["items"]["status"] == verdict
    assert health["checks"]["items"]["median"] == 20
    if verdict != OK:
        assert health["reasons"][0].startswith(f"items: {items} items vs median 20 of the last 5 runs")


def test_items_need_enough_history():
    assert evaluate(healthy_stats(item_scraped_count=1), "finished", [20, 20])["verdict"] == OK
    health = evaluate(healthy_stats(item_scraped_count=0), "finished", [])
    assert health["verdict"] == WARN and "no items" in health["reasons"][0]
    assert evaluate(healthy_stats(), "finished", None)["checks"]["items"]["note"] == "run history unavailable"


def test_coverage_thresholds_come_from_settings():
    from scrapy.settings import Settings

    stats = healthy_stats(**{"newsbot/coverage/published_at": 12})  # 60%
    assert evaluate(stats, "finished", None)["checks"]["coverage"]["status"] == WARN
    strict = Thresholds.from_settings(Settings({"NEWSBOT_HEALTH_COVERAGE_FAIL": '{"published_at": 0.7}'}))
    health = evaluate(stats, "finished", None, strict)
    assert health["verdict"] == FAIL
    assert health["reasons"] == ["coverage: published_at on 12 of 20 items (60%, fail below 70%)"]


@pytest.mark.parametrize("extra, check, verdict", [
    ({"downloader/response_status_count/200": 17, "downloader/response_status_count/503": 5}, "http_errors", WARN),
    ({"downloader/response_status_count/200": 2, "downloader/response_status_count/403": 20}, "http_errors", FAIL),
    ({"downloader/exception_count": 2}, "exceptions", WARN),
    ({"spider_exceptions/count": 4, "newsbot/skipped/extract_error": 4}, "exceptions", FAIL),
])
def test_error_ratios(extra, check, verdict):
    health = evaluate(healthy_stats(**extra), "finished", None)
    assert health["checks"][check]["status"] == verdict and health["verdict"] == verdict
    assert health["reasons"][0].startswith(check + ":")


@pytest.mark.parametrize("reason, verdict", [
    ("finished", OK), ("closespider_itemcount", OK), ("shutdown", WARN), ("memusage_exceeded", FAIL)])
def test_finish_reason(reason, verdict):
    assert evaluate(healthy_stats(), reason, None)["verdict"] == verdict


def test_webhook_retries_then_gives_up_without_raising():
    receiver = Hook(fail_first=1)
    try:
        assert post_webhook(receiver.url, {"verdict": "fail"}, timeout=5, retries=2) is True
        assert receiver.attempts == 2 and receiver.received == [{"verdict": "fail"}]
    finally:
        receiver.close()
    assert post_webhook(receiver.url, {"verdict": "fail"}, timeout=1, retries=1) is False


def test_spooled_writes_warn_naming_the_counts_and_a_full_spool_fails():
    base = {"item_scraped_count": 10, "downloader/request_count": 12, "downloader/response_count": 12}
    spooled = evaluate({**base, "newsbot/store/spooled": 4, "newsbot/store/spooled_other": 8}, "finished", None)
    assert spooled["verdict"] == WARN
    assert "store: 4 article(s) and 8 story/signature/run write(s) spooled" in spooled["reasons"][0]
    lost = evaluate({**base, "newsbot/store/spooled": 4, "newsbot/store/spool_overflow": 3}, "finished", None)
    assert lost["verdict"] == FAIL and "3 write(s) lost" in " ".join(lost["reasons"])
    assert evaluate(base, "finished", None)["checks"]["store"]["status"] == OK
