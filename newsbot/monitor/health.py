"""Run health: named checks over a crawl's final stats → a verdict ok / warn / fail with reasons.

The verdict is stored as the `health` field of the crawl's `crawl_runs` record (through
newsbot.monitor.runs.RECORD_ENRICHERS), logged loudly when not ok, and POSTed as JSON to the URL in the
environment variable NEWSBOT_WEBHOOK_URL when that is set. Thresholds are Scrapy settings
NEWSBOT_HEALTH_* (defaults in DEFAULTS). Enable with EXTENSIONS = {"newsbot.monitor.health.RunHealth": 610};
field coverage needs pipelines.coverage.CoveragePipeline before validation.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

logger = logging.getLogger("newsbot.monitor.health")

OK, WARN, FAIL = "ok", "warn", "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}
WEBHOOK_ENV = "NEWSBOT_WEBHOOK_URL"
VERDICT_STAT = "newsbot/health/verdict"  # the verdict in the crawl's stats: `scrapy crawl` exits 1 on fail
# When set (by the scheduler's runner), the verdict is also written to this file as JSON: the runner reads
# the crawl's own judgement instead of guessing from its exit code.
HEALTH_FILE_ENV = "NEWSBOT_HEALTH_FILE"

DEFAULTS: dict[str, object] = {
    "NEWSBOT_HEALTH_ENABLED": True,
    "NEWSBOT_HEALTH_HISTORY_RUNS": 10,  # items are compared with the median of this many past runs
    "NEWSBOT_HEALTH_MIN_HISTORY": 3,  # ... once there are at least this many
    "NEWSBOT_HEALTH_ITEMS_WARN_RATIO": 0.5,  # items below this fraction of the median: warn
    "NEWSBOT_HEALTH_ITEMS_FAIL_RATIO": 0.2,  # ... below this: fail
    "NEWSBOT_HEALTH_COVERAGE_MIN_ITEMS": 5,  # coverage is judged from this many items on
    "NEWSBOT_HEALTH_COVERAGE_WARN": {"title": 0.95, "body": 0.9, "published_at": 0.8},
    "NEWSBOT_HEALTH_COVERAGE_FAIL": {"title": 0.8, "body": 0.7, "published_at": 0.5},
    "NEWSBOT_HEALTH_HTTP_ERROR_WARN": 0.1,  # share of responses with status >= 400 (robots.txt aside)
    "NEWSBOT_HEALTH_HTTP_ERROR_FAIL": 0.5,
    "NEWSBOT_HEALTH_EXCEPTION_WARN": 0.05,  # download + spider + extraction exceptions per request
    "NEWSBOT_HEALTH_EXCEPTION_FAIL": 0.25,
    "NEWSBOT_HEALTH_FINISH_OK": ["finished", "closespider_itemcount", "closespider_pagecount"],
    "NEWSBOT_HEALTH_FINISH_WARN": ["shutdown", "closespider_timeout"],  # any other reason fails
    "NEWSBOT_WEBHOOK_TIMEOUT": 5.0,  # seconds per attempt
    "NEWSBOT_WEBHOOK_RETRIES": 2,  # attempts after the first
}


@dataclass(frozen=True)
class Thresholds:
    history_runs: int = 10
    min_history: int = 3
    items_warn: float = 0.5
    items_fail: float = 0.2
    coverage_min_items: int = 5
    coverage_warn: dict = field(default_factory=lambda: dict(DEFAULTS["NEWSBOT_HEALTH_COVERAGE_WARN"]))
    coverage_fail: dict = field(default_factory=lambda: dict(DEFAULTS["NEWSBOT_HEALTH_COVERAGE_FAIL"]))
    http_warn: float = 0.1
    http_fail: float = 0.5
    exc_warn: float = 0.05
    exc_fail: float = 0.25
    finish_ok: tuple = ("finished", "closespider_itemcount", "closespider_pagecount")
    finish_warn: tuple = ("shutdown", "closespider_timeout")

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        """From Scrapy settings; a NEWSBOT_HEALTH_* setting that is absent keeps its default."""
        def get(name, kind):
            key = f"NEWSBOT_HEALTH_{name}"
            if settings.get(key) is None:
                return DEFAULTS[key]
            return getattr(settings, kind)(key)

        return cls(
            history_runs=get("HISTORY_RUNS", "getint"), min_history=get("MIN_HISTORY", "getint"),
            items_warn=get("ITEMS_WARN_RATIO", "getfloat"), items_fail=get("ITEMS_FAIL_RATIO", "getfloat"),
            coverage_min_items=get("COVERAGE_MIN_ITEMS", "getint"),
            coverage_warn=dict(get("COVERAGE_WARN", "getdict")), coverage_fail=dict(get("COVERAGE_FAIL", "getdict")),
            http_warn=get("HTTP_ERROR_WARN", "getfloat"), http_fail=get("HTTP_ERROR_FAIL", "getfloat"),
            exc_warn=get("EXCEPTION_WARN", "getfloat"), exc_fail=get("EXCEPTION_FAIL", "getfloat"),
            finish_ok=tuple(get("FINISH_OK", "getlist")), finish_warn=tuple(get("FINISH_WARN", "getlist")),
        )


@dataclass
class Check:
    name: str
    status: str
    reason: str = ""  # one line; set when the status is not ok
    detail: dict = field(default_factory=dict)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _grade(value: float, warn: float, fail: float) -> str:
    """Higher is worse: at or above `fail` fails, above `warn` warns."""
    return FAIL if value >= fail else WARN if value > warn else OK


def _count(stats: Mapping, key: str) -> int:
    return int(stats.get(key) or 0)


# -- the checks -------------------------------------------------------------------------------
def check_finish_reason(reason: str, t: Thresholds) -> Check:
    status = OK if reason in t.finish_ok else WARN if reason in t.finish_warn else FAIL
    return Check("finish_reason", status, "" if status == OK else f"the crawl ended with {reason!r}",
                 {"value": reason})


def check_items(stats: Mapping, history: list[int] | None, t: Thresholds) -> Check:
    """Items stored vs the median of the source's last runs (those not judged fail)."""
    items = _count(stats, "item_scraped_count")
    detail: dict = {"value": items}
    if history is None:
        return Check("items", OK, "", {**detail, "note": "run history unavailable"})
    if len(history) < t.min_history:
        detail["note"] = f"{len(history)} past run(s); judged from {t.min_history}"
        if items == 0:
            return Check("items", WARN, "no items (too little history to compare)", detail)
        return Check("items", OK, "", detail)
    median = statistics.median(history)
    detail.update(median=median, runs=len(history))
    if median <= 0:
        return Check("items", OK, "", detail)
    ratio = items / median
    status = FAIL if ratio < t.items_fail else WARN if ratio < t.items_warn else OK
    limit = t.items_fail if status == FAIL else t.items_warn
    reason = f"{items} items vs median {median:g} of the last {len(history)} runs ({_pct(ratio)}, " \
             f"{status} below {_pct(limit)})"
    return Check("items", status, "" if status == OK else reason, {**detail, "ratio": round(ratio, 3)})


def check_coverage(stats: Mapping, t: Thresholds) -> Check:
    """Share of produced items (before validation drops any) that carry title, body, published_at."""
    if "newsbot/coverage/items" not in stats:
        return Check("coverage", OK, "", {"note": "not measured (pipelines.coverage.CoveragePipeline is off)"})
    seen = _count(stats, "newsbot/coverage/items")
    detail: dict = {"items": seen}
    if seen < t.coverage_min_items:
        return Check("coverage", OK, "", {**detail, "note": f"judged from {t.coverage_min_items} items"})
    status, reasons, shares = OK, [], {}
    for name in sorted(set(t.coverage_warn) | set(t.coverage_fail)):
        have = _count(stats, f"newsbot/coverage/{name}")
        share = shares[name] = round(have / seen, 3)
        fail, warn = t.coverage_fail.get(name, 0.0), t.coverage_warn.get(name, 0.0)
        field_status = FAIL if share < fail else WARN if share < warn else OK
        if field_status != OK:
            limit = fail if field_status == FAIL else warn
            reasons.append(f"{name} on {have} of {seen} items ({_pct(share)}, {field_status} below {_pct(limit)})")
            status = max(status, field_status, key=_RANK.get)
    dropped = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsbot/dropped/") and v}
    if dropped and reasons:
        reasons.append("validation dropped " + ", ".join(f"{n} for {r}" for r, n in sorted(dropped.items())))
    return Check("coverage", status, "; ".join(reasons), {**detail, "shares": shares, "dropped": dropped})


def _minus_robots(stats: Mapping, key: str, robots_key: str) -> int:
    return max(0, _count(stats, key) - _count(stats, robots_key))


def check_http_errors(stats: Mapping, t: Thresholds) -> Check:
    """Responses with status >= 400 per response; robots.txt fetches are not counted."""
    prefix = "downloader/response_status_count/"
    responses = _minus_robots(stats, "downloader/response_count", "robotstxt/response_count")
    errors = sum(_minus_robots(stats, key, "robotstxt/response_status_count/" + key[len(prefix):])
                 for key in stats if key.startswith(prefix) and key[len(prefix):].isdigit()
                 and int(key[len(prefix):]) >= 400)
    if responses == 0:
        return Check("http_errors", OK, "", {"responses": 0})
    ratio = errors / responses
    status = _grade(ratio, t.http_warn, t.http_fail)
    reason = f"{errors} of {responses} responses were HTTP errors ({_pct(ratio)})"
    return Check("http_errors", status, "" if status == OK else reason,
                 {"errors": errors, "responses": responses, "ratio": round(ratio, 3)})


DELIBERATE_SKIPS = ("newsbot.crawl.addresses.PolicySkip", "scrapy.exceptions.IgnoreRequest")


def check_exceptions(stats: Mapping, t: Thresholds) -> Check:
    """Download exceptions (timeouts, DNS, refused), spider callback exceptions and extraction errors
    per request."""
    robots_exc = sum(v for k, v in stats.items() if k.startswith("robotstxt/exception_count/"))
    # Requests newsbot refused on purpose (address policy, offsite redirects) are counted under
    # newsbot/skipped/*, not as failures of the site.
    refused = sum(_count(stats, f"downloader/exception_type_count/{name}") for name in DELIBERATE_SKIPS)
    download = max(0, _count(stats, "downloader/exception_count") - int(robots_exc or 0) - refused)
    spider = _count(stats, "spider_exceptions/count")
    extract = _count(stats, "newsbot/skipped/extract_error")
    requests = _minus_robots(stats, "downloader/request_count", "robotstxt/request_count")
    total = download + spider + extract
    detail = {"download": download, "spider": spider, "extract": extract, "requests": requests}
    if total == 0:
        return Check("exceptions", OK, "", detail)
    ratio = total / max(requests, 1)
    status = _grade(ratio, t.exc_warn, t.exc_fail)
    reason = f"{total} exception(s) for {requests} requests ({_pct(ratio)}: {download} download, " \
             f"{spider} spider, {extract} extraction)"
    return Check("exceptions", status, "" if status == OK else reason, {**detail, "ratio": round(ratio, 3)})


def check_store(stats: Mapping) -> Check:
    """Writes the store did not take during the run: spooled (replayed later) warns, lost (a full spool) fails."""
    spooled = _count(stats, "newsbot/store/spooled")
    other = _count(stats, "newsbot/store/spooled_other")
    lost = _count(stats, "newsbot/store/spool_overflow")
    detail = {"spooled": spooled, "spooled_other": other, "spool_overflow": lost}
    if lost:
        return Check("store", FAIL, f"{lost} write(s) lost: the outage spool was full (NEWSBOT_SPOOL_MAX_OPS)", detail)
    if spooled or other:
        return Check("store", WARN, f"{spooled} article(s) and {other} story/signature/run write(s) spooled during "
                     "a store outage (replayed by the next run or `python3 -m newsbot replay-spool`)", detail)
    return Check("store", OK, "", detail)


def evaluate(stats: Mapping, reason: str, history: list[int] | None, t: Thresholds | None = None) -> dict:
    """The `health` field: {"verdict", "reasons": [one line per non-ok check], "checks": {name: …}}."""
    t = t or Thresholds()
    checks = [check_finish_reason(reason, t), check_items(stats, history, t), check_coverage(stats, t),
              check_http_errors(stats, t), check_exceptions(stats, t), check_store(stats)]
    verdict = max((c.status for c in checks), key=_RANK.get)
    return {
        "verdict": verdict,
        "reasons": [f"{c.name}: {c.reason}" for c in checks if c.status != OK],
        "checks": {c.name: {"status": c.status, **c.detail} for c in checks},
    }


# -- history, webhook, the extension -------------------------------------------------------------
def past_item_counts(store, source: str, runs: int) -> list[int]:
    """Items stored by the source's last `runs` finished crawls, newest first; runs judged fail are
    left out, so that a site that stays broken keeps failing instead of lowering the median."""
    counts = []
    for doc in store.runs(source, limit=runs * 3, finished=True):
        if (doc.get("health") or {}).get("verdict") != FAIL:
            counts.append(int((doc.get("items") or {}).get("scraped") or 0))
    return counts[:runs]


def read_history(config, source: str, runs: int, attempts: int = 3, delay: float = 0.0) -> list[int]:
    """past_item_counts() through a store connection of its own (opened and used in the calling thread);
    delayed (the crawl's own connections go first) and retried (a store busy creating its schema)."""
    from newsbot.store import StoreError, open_store

    time.sleep(delay)
    for attempt in range(attempts):
        try:
            with open_store(config) as store:
                return past_item_counts(store, source, runs)
        except StoreError:
            raise
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.3 * (attempt + 1))
    return []


def _where(url: str) -> str:
    """scheme://host of a webhook URL: its path often holds a token, so logs show only this."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}"


def post_webhook(url: str, payload: Mapping, timeout: float = 5.0, retries: int = 2) -> bool:
    """POST `payload` as JSON; retry connection errors, timeouts, 408/429 and 5xx with a short
    backoff. Never raises: returns whether the hook took it."""
    data = json.dumps(payload, default=str, ensure_ascii=False).encode("utf-8")
    error: object = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(0.5 * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "newsbot-health"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
            return True
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code not in (408, 429):
                break
        except Exception as exc:  # URLError, timeouts, anything: a webhook must never end the crawl
            error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    logger.warning("health webhook %s failed after %d attempt(s): %s", _where(url), attempt + 1, error)
    return False


def summary(health: Mapping, *, source: str, spider: str, run_id: str, stats: Mapping) -> dict:
    """The webhook's JSON body: `text` is one line (chat webhooks show it), the rest is for machines."""
    text = f"newsbot {source}: {health['verdict'].upper()}"
    if health["reasons"]:
        text += " — " + "; ".join(health["reasons"])
    return {
        "text": text,
        "source": source,
        "spider": spider,
        "run_id": run_id,
        "verdict": health["verdict"],
        "reasons": list(health["reasons"]),
        "items": _count(stats, "item_scraped_count"),
        "finish_reason": health["checks"]["finish_reason"]["value"],
        "started_at": stats.get("start_time"),
        "finished_at": stats.get("finish_time") or datetime.now(timezone.utc),
        "host": os.uname().nodename,
    }


def write_verdict(path: str, health: Mapping, *, source: str, run_id: str) -> None:
    """{"verdict", "reasons", "source", "run_id"} as JSON at `path`, replaced in one step (a reader never
    sees half a file). A file that cannot be written is logged: the exit code still carries a fail."""
    data = {"verdict": health["verdict"], "reasons": list(health["reasons"]), "source": source, "run_id": run_id}
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("run health: cannot write the verdict to %s: %s", path, exc.strerror)


class RunHealth:
    """Scrapy extension: judges the crawl at close and adds `health` to its crawl_runs record
    (via newsbot.monitor.runs.RECORD_ENRICHERS, so newsbot.monitor.runs.CrawlRuns must be enabled for it to be
    stored); logs a non-ok verdict at WARNING/ERROR and POSTs it to $NEWSBOT_WEBHOOK_URL."""

    def __init__(self, crawler, thresholds: Thresholds) -> None:
        from newsbot.store import StoreConfig

        self.crawler = crawler
        self.stats = crawler.stats
        self.thresholds = thresholds
        self.store = StoreConfig.from_settings(crawler.settings)
        self.webhook_timeout = crawler.settings.getfloat("NEWSBOT_WEBHOOK_TIMEOUT", DEFAULTS["NEWSBOT_WEBHOOK_TIMEOUT"])
        self.webhook_retries = crawler.settings.getint("NEWSBOT_WEBHOOK_RETRIES", DEFAULTS["NEWSBOT_WEBHOOK_RETRIES"])
        self.source = ""
        self._history = None  # Future[list[int]] from the store
        self._verdict: tuple[str, dict] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        from newsbot.monitor.runs import RECORD_ENRICHERS

        if not crawler.settings.getbool("NEWSBOT_HEALTH_ENABLED", True):
            raise NotConfigured
        ext = cls(crawler, Thresholds.from_settings(crawler.settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        RECORD_ENRICHERS.append(ext.enrich)
        return ext

    def spider_opened(self, spider) -> None:
        """Read the source's past runs now, in a thread of its own, while the crawl runs."""
        from concurrent.futures import ThreadPoolExecutor

        from newsbot.monitor.runs import spider_source

        self.source = spider_source(spider)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-health")
        self._history = pool.submit(read_history, self.store, self.source, self.thresholds.history_runs, delay=1.0)
        pool.shutdown(wait=False)

    def history(self) -> list[int] | None:
        if self._history is None:
            return None
        try:
            return self._history.result(timeout=max(5.0, self.store.timeout_ms / 1000 * 2))
        except Exception as exc:
            from newsbot.store import short_error

            logger.warning("run health: past runs of %s unavailable (%s); items not compared", self.source,
                           short_error(exc))
            return None

    def judge(self, reason: str) -> dict:
        if self._verdict is None or self._verdict[0] != reason:
            self._verdict = (reason, evaluate(self.stats.get_stats(), reason, self.history(), self.thresholds))
        return self._verdict[1]

    def enrich(self, record: dict) -> dict:
        """RECORD_ENRICHERS hook: the `health` field of this crawl's run record."""
        if record.get("_id") != self.stats.get_value("newsbot/run_id"):
            return {}  # another crawler's record (several crawlers in one process)
        return {"health": self.judge(record.get("finish_reason", ""))}

    async def spider_closed(self, spider, reason) -> None:
        health = self.judge(reason)
        run_id = self.stats.get_value("newsbot/run_id") or ""
        self.stats.set_value(VERDICT_STAT, health["verdict"])
        if os.environ.get(HEALTH_FILE_ENV):
            write_verdict(os.environ[HEALTH_FILE_ENV], health, source=self.source, run_id=run_id)
        if health["verdict"] == OK:
            logger.info("run health of %s: ok (run %s)", self.source, run_id)
            return
        level = logging.ERROR if health["verdict"] == FAIL else logging.WARNING
        logger.log(level, "RUN HEALTH %s for %s (run %s): %s", health["verdict"].upper(), self.source, run_id,
                   "; ".join(health["reasons"]))
        url = os.environ.get(WEBHOOK_ENV)
        if not url:
            return
        payload = summary(health, source=self.source, spider=spider.name, run_id=run_id, stats=self.stats.get_stats())
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import threads

        try:
            await maybe_deferred_to_future(threads.deferToThread(
                post_webhook, url, payload, self.webhook_timeout, self.webhook_retries))
        except Exception as exc:  # never let the alert end the crawl badly
            logger.warning("health webhook not sent: %s", exc)
