"""Extension: a robots.txt that cannot be fetched is one WARNING line, not two ERRORs and a traceback.

When a host does not answer, Scrapy's retry middleware logs "Gave up retrying <GET …/robots.txt>" at
ERROR, then RobotsTxtMiddleware logs "Error downloading …" at ERROR with a chained traceback, and the
crawl goes on as if robots.txt allowed everything. A logging filter (the records come from inside
Scrapy; there is no setting for them) rewrites the second into one WARNING line that says what happens
next, moves its traceback to DEBUG (logger `newsbot.crawl.robots_log`), and turns the first into DEBUG.
Stats are unchanged (`robotstxt/exception_count/…`; run health leaves robots.txt out).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
RETRY_LOGGER = "scrapy.downloadermiddlewares.retry"


def _request(record: logging.LogRecord):
    args = record.args
    return args.get("request") if isinstance(args, dict) else None


def _is_robots_request(request) -> bool:
    return request is not None and request.meta.get("dont_obey_robotstxt") and \
        urlsplit(request.url).path == "/robots.txt"


def _set_level(record: logging.LogRecord, level: int) -> None:
    record.levelno, record.levelname = level, logging.getLevelName(level)


class RobotsFailureFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == RETRY_LOGGER and record.levelno >= logging.ERROR and _is_robots_request(_request(record)):
            _set_level(record, logging.DEBUG)
        elif record.name == ROBOTS_LOGGER and record.levelno >= logging.ERROR and record.exc_info:
            request = _request(record)
            exc = record.exc_info[1]
            site = urlsplit(request.url) if request is not None else None
            where = f"{site.scheme}://{site.netloc}" if site else "a site"
            logger.debug("robots.txt of %s: download failed", where, exc_info=record.exc_info)
            _set_level(record, logging.WARNING)
            record.msg = "robots.txt of %s could not be fetched (%s: %s); crawling the site as if it allowed everything"
            record.args = (where, type(exc).__name__, exc)
            record.exc_info, record.exc_text = None, None
        return True


class QuietRobotsFailures:
    """Enable with EXTENSIONS = {"newsbot.crawl.robots_log.QuietRobotsFailures": 0}; off when ROBOTSTXT_OBEY is."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        for name in (ROBOTS_LOGGER, RETRY_LOGGER):
            target = logging.getLogger(name)
            if not any(isinstance(f, RobotsFailureFilter) for f in target.filters):
                target.addFilter(RobotsFailureFilter())
        return cls()
