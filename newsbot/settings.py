"""Scrapy settings for newsbot. Each default is documented in README.md."""

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"

# Scrapy 2.19 starts a remote-control HTTP server by default; a crawler needs none.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness. The contact URL can be overridden with NEWSBOT_CONTACT_URL.
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Item pipelines, in order: clean first, store last.
ITEM_PIPELINES = {
    "pipelines.strip_chrome.StripChromePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.store.StorePipeline": 900,
}

# Storage: MongoDB when NEWSBOT_MONGO_URI (or MONGO_URI) is set, else the embedded store here.
NEWSBOT_DATA_DIR = "data"
NEWSBOT_MONGO_DB = "newsbot"
NEWSBOT_STORE_BATCH_SIZE = 100
NEWSBOT_STORE_FLUSH_SECONDS = 5.0

EXTENSIONS = {
    "newsbot.stats_file.StatsFile": 500,
}
# Set (e.g. with -s NEWSBOT_STATS_FILE=stats.json) to get the final stats as a JSON file.
NEWSBOT_STATS_FILE = None
