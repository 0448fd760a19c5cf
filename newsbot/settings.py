"""Scrapy settings for newsbot. Each default is documented in README.md."""

import os

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"
# `scrapy crawl` and `scrapy list` with exit codes that follow the run's health and one-line errors.
COMMANDS_MODULE = "newsbot.commands"

# Scrapy 2.19 starts a remote-control HTTP server by default; a crawler needs none.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness. The bot names itself and where to reach its operator (NEWSBOT_CONTACT_URL in the environment).
NEWSBOT_CONTACT_URL = os.environ.get("NEWSBOT_CONTACT_URL") or "https://github.com/newsbot/newsbot"
USER_AGENT = f"newsbot/0.1 (+{NEWSBOT_CONTACT_URL})"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
# Never fetch loopback, private, link-local or unspecified addresses (by URL or by what a name resolves to),
# directly or through a redirect — except the hosts of the source's own start points
# ("start"; newsbot/crawl/addresses.py).
# "never": not even those; "any": no check (a crawler of an intranet).
NEWSBOT_PRIVATE_ADDRESSES = "start"
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Retries wait before going out again: Retry-After when the response sends one, else exponential backoff
# (base × 2^(attempt-1)); both capped (newsbot/crawl/middlewares.py). The wait is the site's alone: the retry and
# that site's other requests are held outside the downloader (newsbot/crawl/delays.py), other sites keep going.
NEWSBOT_RETRY_BACKOFF_BASE = 1.0
NEWSBOT_RETRY_BACKOFF_MAX = 30.0
NEWSBOT_RETRY_AFTER_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "newsbot.crawl.addresses.AddressPolicy": 30,  # before all: no private address is fetched, robots.txt included
    # a host's robots.txt once per crawl: the spider's read for Sitemap: lines reuses the robots middleware's
    "newsbot.crawl.robots_memo.RobotsTxtMemo": 35,
    "newsbot.crawl.delays.DelayedRequests": 40,  # first: a request of a site that asked to wait never takes a slot
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.crawl.middlewares.BackoffRetryMiddleware": 550,
    "newsbot.crawl.middlewares.RedirectLoopMiddleware": 610,
    # the same meta refresh redirects without decoding pages that cannot hold one (at Scrapy's own place)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsbot.crawl.middlewares.UndecodedMetaRefreshMiddleware": 580,
    "newsbot.crawl.middlewares.RenderContextMiddleware": 950,
}
# A listing page follows at most this many article links (a page with 100,000 links is cut, and counted).
NEWSBOT_MAX_LINKS_PER_PAGE = 2000
# A start listing page's section/category links followed for their articles (one level; 0: none).
NEWSBOT_MAX_SECTIONS = 30
# An "article" page with more links than this is a link farm or a sitemap-like page: skipped, not extracted.
NEWSBOT_MAX_LINKS_PER_ARTICLE = 5000

# JavaScript rendering (sources with render = "js", or -a render=js): only those crawls register
# scrapy-playwright's download handlers (the spider sets DOWNLOAD_HANDLERS), and only their article
# requests (and explicit listing start points) go through the browser. Others never start Playwright.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("NEWSBOT_CHROMIUM") or "/usr/lib/chromium/chromium",
    "headless": True,
}
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000  # ms, per page
PLAYWRIGHT_ABORT_REQUEST = "newsbot.crawl.middlewares.abort_heavy_request"  # images, fonts, media
# A browser context is closed and replaced after this many pages (keeps Chromium's memory flat).
NEWSBOT_RENDER_PAGES_PER_CONTEXT = int(os.environ.get("NEWSBOT_RENDER_PAGES_PER_CONTEXT") or 50)

# Crash safety: NEWSBOT_JOBDIR (a path), or NEWSBOT_RESUMABLE=1 (<NEWSBOT_DATA_DIR>/jobs/<source>), turns on
# Scrapy's JOBDIR; see NewsSpider.from_crawler for what happens after a kill -9.
NEWSBOT_JOBDIR = os.environ.get("NEWSBOT_JOBDIR") or None
NEWSBOT_RESUMABLE = os.environ.get("NEWSBOT_RESUMABLE", "") not in ("", "0", "false", "False")

# Extraction runs in this many worker processes beside the reactor (newsbot/runtime/extract_pool.py): "auto" = one per
# CPU; 0 = in the reactor thread.
NEWSBOT_EXTRACT_WORKERS = os.environ.get("NEWSBOT_EXTRACT_WORKERS") or "auto"
# Items/requests of one response processed in parallel. Scrapy starts this many asyncio tasks for EVERY
# response (default 100): ~1.5 ms of reactor time per article page here; an article page yields one item.
CONCURRENT_ITEMS = 8

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Item pipelines, in order: clean first, store last.
ITEM_PIPELINES = {
    "pipelines.strip_chrome.StripChromePipeline": 100,
    "pipelines.boilerplate.LearnedBoilerplatePipeline": 120,  # per-site learned chrome, after the phrase rules
    "pipelines.coverage.CoveragePipeline": 150,  # before validation: counts items validation will drop
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

# Chrome stripping: extra phrase files (TOML like newsbot/data/chrome.toml, or .txt) on top of the bundled one.
NEWSBOT_CHROME_FILES = []
# Learn each site's recurring chrome while crawling; kept in the store (collection learned_chrome), saved
# every NEWSBOT_LEARN_CHROME_SAVE_PAGES pages of a site and when the crawl ends (pipelines/boilerplate.py).
NEWSBOT_LEARN_CHROME = True
NEWSBOT_LEARN_CHROME_SAVE_PAGES = 500

# Dedupe and incremental crawling (newsbot/urls.py, newsbot/crawl/incremental.py, pipelines/dedupe.py,
# newsbot/stories.py)
REQUEST_FINGERPRINTER_CLASS = "newsbot.urls.CanonicalRequestFingerprinter"
SPIDER_MIDDLEWARES = {"newsbot.crawl.incremental.IncrementalMiddleware": 100}
NEWSBOT_INCREMENTAL = True
NEWSBOT_SEEN_WINDOW_DAYS = 30  # a stored URL last seen within this many days is not fetched again (0: off)
NEWSBOT_INCREMENTAL_BATCH = 200  # article URLs per store look-up
NEWSBOT_STORY_NUM_PERM = 128
NEWSBOT_STORY_SHINGLE_SIZE = 4
NEWSBOT_STORY_LSH_THRESHOLD = 0.3  # candidate level; bands x rows derived from it (42 x 3)
NEWSBOT_STORY_THRESHOLD = 0.5  # estimated Jaccard to be the same story
NEWSBOT_STORY_CONTAINMENT = 0.7  # or: share of the shorter text found in the longer
NEWSBOT_STORY_MIN_SHINGLES = 10
NEWSBOT_STORY_WINDOW_HOURS = 36
NEWSBOT_STORY_SIGNATURE_DAYS = 7
NEWSBOT_DEDUPE_BATCH = 200  # articles per dedupe group commit (store reads and writes batched off the reactor thread)
NEWSBOT_DEDUPE_BATCH_SECONDS = 0.05  # a batch waits this long after its first article for more (one read serves them)
# This run's latest signatures kept in memory until the store stage has written them (dedupe only reads).
NEWSBOT_DEDUPE_RECENT = 1000

# Storage: MongoDB when NEWSBOT_MONGO_URI (or MONGO_URI) is set, else the embedded store here.
NEWSBOT_DATA_DIR = "data"
NEWSBOT_MONGO_DB = "newsbot"
NEWSBOT_STORE_BATCH_SIZE = 100
# A steady crawl storing r items/s makes one round trip per max(100, r × this) items.
NEWSBOT_STORE_FLUSH_SECONDS = 30.0
NEWSBOT_MONGO_TIMEOUT_MS = 3000  # server selection/connect timeout: an outage never stalls a crawl
NEWSBOT_STORE_RETRIES = 3  # attempts after the first, before a batch is spooled
NEWSBOT_STORE_BACKOFF_SECONDS = 1.0  # 1 s, 2 s, 4 s …
NEWSBOT_STORE_COOLDOWN_SECONDS = 30.0  # after a spool, batches go straight to the spool for this long
NEWSBOT_SPOOL_MAX_OPS = 200_000  # the outage spool's bound: the oldest ops are kept, the overflow counted and logged
NEWSBOT_RUNS_ENABLED = True

EXTENSIONS = {
    "newsbot.crawl.robots_log.QuietRobotsFailures": 100,  # an unreachable robots.txt: one WARNING line, no traceback
    "newsbot.monitor.stats_file.StatsFile": 500,
    "newsbot.monitor.runs.CrawlRuns": 600,  # one crawl_runs document per crawl
    # run health verdict in the run record; alerts (thresholds: newsbot/monitor/health.py)
    "newsbot.monitor.health.RunHealth": 610,
    # Prometheus textfile after every crawl, when NEWSBOT_METRICS_DIR is set
    "newsbot.monitor.metrics.MetricsFile": 620,
    # free heap pages given back every few seconds (newsbot/runtime/malloc_tuning.py)
    "newsbot.runtime.malloc_tuning.MallocTrim": 710,
}
# Set (e.g. with -s NEWSBOT_STATS_FILE=stats.json) to get the final stats as a JSON file.
NEWSBOT_STATS_FILE = None

# Distributed crawling (newsbot/crawl/distributed.py, scrapy-redis): with REDIS_URL in the environment the request
# queue and the seen-set live in Redis, shared by every worker process on every machine; the store stays one.
# Without REDIS_URL nothing below changes how a crawl runs.
REDIS_URL = os.environ.get("REDIS_URL") or None
NEWSBOT_REDIS_PREFIX = os.environ.get("NEWSBOT_REDIS_PREFIX") or "newsbot"  # keys: <prefix>:<source>:…
NEWSBOT_REDIS_ROLE = os.environ.get("NEWSBOT_REDIS_ROLE") or "crawl"  # crawl | seed | worker
NEWSBOT_REDIS_IDLE_CLOSE_SECONDS = 30.0  # a worker closes once no worker was busy and the queue was empty this long
NEWSBOT_REDIS_KEEP_ALIVE = False  # never close when idle (a long-running worker the scheduler feeds)
NEWSBOT_REDIS_SEEN_BUCKET_SECONDS = 3600  # the seen-set is one Redis set per hour…
NEWSBOT_REDIS_SEEN_BUCKETS = 6  # …checked over the last 6: a URL is remembered 5-6 h, then may be requested again
# Requests in Redis are JSON (never pickle: scrapy-redis would unpickle whatever someone writes into the queue).
SCHEDULER_SERIALIZER = "newsbot.crawl.redis_json"
# A REDIS_URL on a non-loopback host must carry a password (rediss://:PASSWORD@host:6380/0) unless this is set.
NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED = os.environ.get("NEWSBOT_REDIS_ALLOW_UNAUTHENTICATED", "") not in (
    "", "0", "false", "False")
if REDIS_URL:
    SCHEDULER = "newsbot.crawl.distributed.RedisScheduler"
    DUPEFILTER_CLASS = "newsbot.crawl.distributed.BoundedRedisDupeFilter"
    SCHEDULER_QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
    SCHEDULER_PERSIST = True  # one worker closing never clears the shared queue or seen-set
