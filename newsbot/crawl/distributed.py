"""Distributed crawling on Redis (scrapy-redis): many worker processes on many machines, one request
queue, one seen-set, one store (MongoDB). Active only when REDIS_URL is set in the environment (the
settings block at the end of newsbot/settings.py switches SCHEDULER and DUPEFILTER_CLASS to these).

Redis keys, per source (`<p>` is NEWSBOT_REDIS_PREFIX, `<s>` the source name — the config name, so
ad-hoc `news -a source=…` crawls of different sites never share a queue):

- `<p>:<s>:requests`   scrapy-redis's priority queue (a sorted set of requests as JSON: newsbot/crawl/redis_json.py;
                       an entry that is not such JSON is dropped and counted, never unpickled)
- `<p>:<s>:seen:<n>`   the seen-set, one Redis set per time bucket n (bounded, see BoundedRedisDupeFilter)
- `<p>:<s>:round`      the current crawl round: exists while some worker is busy; the worker that
                       creates it fetches the start points (feeds, sitemaps, listings) — once per round

Roles (NEWSBOT_REDIS_ROLE, env or `-s`):

- `crawl` (default): claim the round if there is none and seed it with the start points; otherwise
  join the running round. Fetch from the shared queue; close when the round is over (queue empty and
  no worker busy for NEWSBOT_REDIS_IDLE_CLOSE_SECONDS).
- `seed`: push the start points into the shared queue and exit without fetching anything (what the
  scheduler runs in feed mode: `python -m schedules --feed`). No run record is written for it.
- `worker`: never seed, only fetch; with NEWSBOT_REDIS_KEEP_ALIVE it never closes (a long-running
  worker the scheduler feeds).

Start points are not filtered (a feed must be read again every round); article requests go through
the shared seen-set, so across all workers each article URL is fetched once per seen-set window.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import uuid
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.dupefilters import BaseDupeFilter
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection
from scrapy_redis.scheduler import Scheduler as _ScrapyRedisScheduler
from twisted.internet.task import LoopingCall

from newsbot.crawl import redis_json

logger = logging.getLogger(__name__)

ROLES = ("crawl", "seed", "worker")
TICK_SECONDS = 1.0  # how often a worker marks the round busy and looks at the shared queue

# Atomic check-and-add over the last N buckets, bucketed by the Redis server's clock (one clock for every
# machine). ARGV: key prefix, bucket seconds, number of buckets, fingerprint. Returns 1 if seen, 0 if new.
_SEEN_SCRIPT = """
local now = tonumber(redis.call('TIME')[1])
local size = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local b = math.floor(now / size)
for i = 1, n - 1 do
  if redis.call('SISMEMBER', ARGV[1] .. string.format('%d', b - i), ARGV[4]) == 1 then return 1 end
end
local key = ARGV[1] .. string.format('%d', b)
local added = redis.call('SADD', key, ARGV[4])
if added == 1 then redis.call('EXPIREAT', key, (b + n + 1) * size) end
return 1 - added
"""


def source_name(spider) -> str:
    config = getattr(spider, "config", None)
    return getattr(config, "name", None) or spider.name


def key_base(settings, spider) -> str:
    return f"{settings.get('NEWSBOT_REDIS_PREFIX') or 'newsbot'}:{source_name(spider)}"


def redis_role(settings) -> str:
    role = (settings.get("NEWSBOT_REDIS_ROLE") or "crawl").strip().lower()
    if role not in ROLES:
        raise ValueError(f"NEWSBOT_REDIS_ROLE must be one of {', '.join(ROLES)}, not {role!r}")
    return role


class RedisConfigError(ValueError):
    """REDIS_URL (or the serializer) is not safe to use."""


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_redis_url(url: str, settings) -> None:
    """Refuse an unauthenticated Redis on another machine: whoever can write to the queue steers every worker.
    A password in the URL (or REDIS_PARAMS), a unix socket or a loopback host pass; else
    NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED must say so."""
    parts = urlsplit(url)
    if parts.scheme == "unix" or _is_loopback(parts.hostname or ""):
        return
    if parts.password or (settings.getdict("REDIS_PARAMS") or {}).get("password"):
        return
    if settings.getbool("NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED"):
        logger.warning("redis: %s has no password (allowed by NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED)", parts.hostname)
        return
    raise RedisConfigError(
        f"REDIS_URL points at {parts.hostname} without a password: use rediss://:PASSWORD@{parts.hostname}:6380/0 "
        "(or set NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED=True if that Redis is protected otherwise)")


def queue_serializer(settings):
    """SCHEDULER_SERIALIZER as a module: newsbot's JSON unless another non-pickle module is named."""
    name = settings.get("SCHEDULER_SERIALIZER") or "newsbot.crawl.redis_json"
    if name in ("scrapy_redis.picklecompat", "pickle"):
        raise RedisConfigError(f"SCHEDULER_SERIALIZER={name} unpickles what is in Redis: use newsbot.crawl.redis_json")
    import importlib

    return importlib.import_module(name)


def configure_spider(settings) -> None:
    """Called by the spider before the settings freeze (Redis mode only): a seed crawl fetches nothing
    and stores nothing, so it writes no run record (its zero items would upset the run-health median) and
    is not judged (zero items against the workers' median would fail it, and its exit code with it)."""
    if redis_role(settings) == "seed":
        settings.set("NEWSBOT_RUNS_ENABLED", False, priority="spider")
        settings.set("NEWSBOT_HEALTH_ENABLED", False, priority="spider")


class BoundedRedisDupeFilter(BaseDupeFilter):
    """The shared seen-set, bounded in time (scrapy-redis's own one grows forever: its issue #84).

    Fingerprints are newsbot's canonical request fingerprints (REQUEST_FINGERPRINTER_CLASS), so a feed
    link with utm_ parameters and the same article from a listing are one request across all workers.
    A fingerprint goes into the set of the current bucket (NEWSBOT_REDIS_SEEN_BUCKET_SECONDS long,
    Redis server time); a request counts as seen if its fingerprint is in any of the last
    NEWSBOT_REDIS_SEEN_BUCKETS buckets. Each bucket key expires (EXPIREAT) once it leaves the window, so
    Redis holds at most buckets × (fingerprints per bucket). The trade-off: a URL last requested longer
    ago than the window — (buckets − 1) × bucket to buckets × bucket seconds — may be requested again;
    with incremental crawling on (NEWSBOT_INCREMENTAL) an article already in the store is still skipped
    before it reaches the queue, so a longer window buys little. The other side: a page that failed
    (HTTP error, dropped by validation) is not tried again by a later round until the window has passed.
    A re-fetch the incremental middleware asks for (the feed's lastmod is newer than the stored copy) is
    keyed by fingerprint and lastmod: one fetch per announced revision, across workers.
    """

    def __init__(self, server, prefix: str, fingerprinter, bucket_seconds: int = 3600, buckets: int = 6,
                 stats=None, debug: bool = False) -> None:
        if bucket_seconds < 1 or buckets < 1:
            raise ValueError("NEWSBOT_REDIS_SEEN_BUCKET_SECONDS and NEWSBOT_REDIS_SEEN_BUCKETS must be >= 1")
        self.server = server
        self.prefix = prefix  # bucket keys are prefix + bucket number
        self.fingerprinter = fingerprinter
        self.bucket_seconds = int(bucket_seconds)
        self.buckets = int(buckets)
        self.stats = stats
        self.debug = debug
        self.logdupes = True
        self._script = server.register_script(_SEEN_SCRIPT)

    @classmethod
    def from_spider(cls, spider):  # how scrapy-redis's scheduler builds its dupefilter
        settings = spider.settings
        return cls(
            connection.get_redis_from_settings(settings),
            f"{key_base(settings, spider)}:seen:",
            spider.crawler.request_fingerprinter,
            bucket_seconds=settings.getint("NEWSBOT_REDIS_SEEN_BUCKET_SECONDS", 3600),
            buckets=settings.getint("NEWSBOT_REDIS_SEEN_BUCKETS", 6),
            stats=spider.crawler.stats,
            debug=settings.getbool("DUPEFILTER_DEBUG"),
        )

    def fingerprint(self, request) -> str:
        fp = self.fingerprinter.fingerprint(request).hex()
        if request.meta.get("newsbot_refetch"):
            # the feed says a stored article changed (newsbot/crawl/incremental.py): one fetch per announced revision
            fp += "@" + str(request.meta.get("newsbot_lastmod") or "")
        return fp

    def request_seen(self, request) -> bool:
        return bool(self._script(args=[self.prefix, self.bucket_seconds, self.buckets, self.fingerprint(request)]))

    def keys(self) -> list[bytes]:
        return sorted(self.server.scan_iter(match=self.prefix + "*"))

    def size(self) -> int:
        """Fingerprints held now, over all live buckets (a URL in two buckets counts twice)."""
        return sum(self.server.scard(key) for key in self.keys())

    def clear(self) -> None:
        keys = self.keys()
        if keys:
            self.server.delete(*keys)

    def close(self, reason: str = "") -> None:  # the seen-set is shared: never cleared when one worker stops
        pass

    def log(self, request, spider) -> None:
        if self.stats is not None:
            self.stats.inc_value("dupefilter/filtered")
        if self.debug or self.logdupes:
            logger.debug("Filtered duplicate request: %s%s", request,
                         "" if self.debug else " - no more duplicates will be shown", extra={"spider": spider})
            self.logdupes = self.debug


class RedisScheduler(_ScrapyRedisScheduler):
    """scrapy-redis's scheduler with newsbot's keys, roles, rounds and idle close.

    - The queue and the seen-set are never flushed when a worker closes (SCHEDULER_PERSIST is forced):
      other workers may still be using them.
    - Idle close: scrapy-redis would close a worker as soon as the shared queue is empty (or block the
      reactor with SCHEDULER_IDLE_BEFORE_CLOSE). Here every busy worker refreshes the round key each
      second with a TTL of NEWSBOT_REDIS_IDLE_CLOSE_SECONDS; an idle worker stays open while the round key
      exists (someone may still add work) and closes once it is gone and the queue is empty.
      NEWSBOT_REDIS_KEEP_ALIVE: never close.
    """

    def __init__(self, server, *args, crawler, **kwargs) -> None:
        super().__init__(server, *args, **kwargs)
        self.persist = True
        self.crawler = crawler
        settings = crawler.settings
        self.role = redis_role(settings)
        self.idle_close = settings.getfloat("NEWSBOT_REDIS_IDLE_CLOSE_SECONDS", 30.0)
        self.keep_alive = settings.getbool("NEWSBOT_REDIS_KEEP_ALIVE")
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.round_key = ""
        self.seeded = False
        self.rejected = 0  # queue entries that were not request JSON (dropped, counted)
        self._tick: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        kwargs = {
            "flush_on_start": False,
            "idle_before_close": 0,  # a blocking pop would stall the reactor; idle close is ours (see above)
            "queue_cls": settings.get("SCHEDULER_QUEUE_CLASS") or "scrapy_redis.queue.PriorityQueue",
        }
        kwargs["serializer"] = queue_serializer(settings)  # always: scrapy-redis's fallback is pickle
        check_redis_url(settings.get("REDIS_URL") or "", settings)
        server = connection.get_redis_from_settings(settings)
        server.ping()  # no Redis: the crawl stops here, loudly
        instance = cls(server, crawler=crawler, dupefilter_cls=settings.get("DUPEFILTER_CLASS"), **kwargs)
        instance.stats = crawler.stats
        crawler.signals.connect(instance._spider_idle, signal=signals.spider_idle)
        return instance

    def open(self, spider):
        base = key_base(spider.settings, spider)
        self.queue_key = f"{base}:requests"
        self.round_key = f"{base}:round"
        super().open(spider)
        if self.stats:
            self.stats.set_value("newsbot/redis/role", self.role)
            self.stats.set_value("newsbot/redis/worker", self.worker_id)
        logger.info("redis: %s as %s; queue %s (%d requests), seen-set %s*", self.worker_id, self.role,
                    self.queue_key, len(self.queue), self.df.prefix, extra={"spider": spider})
        if self.role != "seed":
            self._tick = LoopingCall(self._heartbeat)
            self._tick.start(TICK_SECONDS, now=False)

    def close(self, reason):
        if self._tick is not None and self._tick.running:
            self._tick.stop()
        if self.stats:
            self.stats.set_value("newsbot/redis/queue_left", len(self.queue))
        if self.rejected:
            logger.error("redis: %d queue entries in %s were not request JSON and were dropped", self.rejected,
                         self.queue_key)

    # -- rounds ------------------------------------------------------------------------------
    def _ttl(self) -> int:  # at least two ticks: a busy worker's refresh never lapses between ticks
        return max(2, round(self.idle_close))

    def claim_start(self) -> bool:
        """Called by the spider before it yields its start points: may this process seed the round?"""
        if self.role == "worker":
            claimed = False
        elif self.role == "seed":
            self.server.set(self.round_key, self.worker_id, ex=self._ttl())  # keeps the round open for workers
            claimed = True
        else:
            claimed = bool(self.server.set(self.round_key, self.worker_id, ex=self._ttl(), nx=True))
        self.seeded = claimed
        if self.stats:
            self.stats.set_value("newsbot/redis/seeded", int(claimed))
        if not claimed:
            holder = self.server.get(self.round_key)
            logger.info("redis: joining the running round (seeded by %s): start points not fetched here",
                        holder.decode() if isinstance(holder, bytes) else holder)
        return claimed

    def _heartbeat(self) -> None:
        """Keep the round marked busy while this worker has work. Waking the engine is left to Scrapy's own
        5-second heartbeat (the engine's slot is private): a worker picks up work other workers queued, and
        runs its idle check, within 5 s."""
        engine = getattr(self.crawler, "engine", None)
        if engine is None or not engine.running:
            return
        try:
            if not engine.spider_is_idle():
                pipe = self.server.pipeline(transaction=False)
                pipe.set(self.round_key, self.worker_id, ex=self._ttl(), nx=True)
                pipe.expire(self.round_key, self._ttl())
                pipe.execute()
        except RuntimeError:  # the engine's slot is not assigned yet (spider opening) or gone (closing)
            return
        except Exception as exc:  # a Redis hiccup must not kill the loop
            logger.warning("redis: heartbeat failed: %s", exc)

    def _spider_idle(self, spider=None) -> None:
        if self.role == "seed":
            return  # pushed its start points: done
        if self.keep_alive or self.server.exists(self.round_key) or len(self.queue):
            raise DontCloseSpider
        logger.info("redis: round over (queue empty, no worker busy for %gs): closing", self.idle_close)

    # -- queue (scrapy-redis's, without the `spider` argument Scrapy 2.19's stats deprecate) ---------
    def enqueue_request(self, request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        try:
            self.queue.push(request)
        except TypeError as exc:  # something in meta/cb_kwargs has no JSON form: one request, not the crawl
            if self.stats:
                self.stats.inc_value("newsbot/redis/unserializable_request")
            logger.error("redis: cannot queue %s: %s", request.url, exc)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def _pop(self):
        """The next request, skipping (and counting) entries that are not request JSON: anyone with write
        access to Redis could have put them there; they are dropped, never unpickled."""
        while True:
            try:
                return self.queue.pop(0)
            except (redis_json.RejectedPayload, TypeError, ValueError, KeyError, AttributeError) as exc:
                # (request_from_dict: unknown callback name, bad field types)
                self.rejected += 1
                if self.stats:
                    self.stats.inc_value("newsbot/redis/rejected_payload")
                if self.rejected == 1:  # once per crawl: a flooded queue must not flood the log
                    logger.error("redis: dropped a queue entry of %s that is not a request as JSON (%s); "
                                 "further ones are only counted (newsbot/redis/rejected_payload)",
                                 self.queue_key, exc)

    def next_request(self):
        if self.role == "seed":  # push only
            return None
        request = self._pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return False if self.role == "seed" else super().has_pending_requests()
