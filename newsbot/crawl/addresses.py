"""Where newsbot may connect: never into its own machine's or network's private addresses.

A crawler on a server follows links and redirects chosen by the sites it reads; without a rule an article link
that redirects to http://169.254.169.254/ (the cloud metadata service), to localhost or to 10.0.0.5 would be
fetched — and stored as an article. AddressPolicy is a downloader middleware that runs first for every request
(start points, links, each hop of a redirect — Scrapy sends a redirect back through the middlewares — and
robots.txt, which is only fetched after it):

- an address in BLOCKED_NETWORKS (loopback, private, link-local, unique-local, unspecified) is refused, whether
  the URL names it or its host name resolves to it. Names are resolved through the reactor's resolver (Scrapy's
  caching resolver, in a thread: the reactor never blocks), and the connection then uses the same cached answer.
- NEWSBOT_PRIVATE_ADDRESSES: "start" (default) lets the hosts of the source's own start points be anywhere (a
  feed on an intranet, and the tests, which serve on 127.0.0.1) and nothing else; "never"; "any" (no address
  check; the redirect rule below stays).
- a redirect of an article page to a host outside the source's domains is not followed.

Refused requests end in the request's errback as PolicySkip and are counted here: newsbot/skipped/private_address,
newsbot/skipped/offsite_redirect. Not covered: what a headless browser (render = "js") fetches by itself after
the first request — its redirects and sub-resources.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

BLOCKED_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8",  # "this network", and 0.0.0.0 (unspecified), which connects to the local machine
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local (169.254.169.254: cloud metadata)
    "::/128", "::1/128",  # unspecified, loopback
    "fc00::/7",  # unique-local
    "fe80::/10",  # link-local
))
MODES = ("start", "never", "any")


class PolicySkip(IgnoreRequest):
    """A request newsbot must not make; `reason` is the stat name (newsbot/skipped/<reason>)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def is_blocked(address: str) -> bool:
    """True for an IP address newsbot must not connect to (IPv4-mapped IPv6 is judged as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: the zone does not matter
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in BLOCKED_NETWORKS)


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


class AddressPolicy:
    def __init__(self, crawler, mode: str) -> None:
        self.crawler = crawler
        self.mode = mode
        self._start_hosts: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        mode = (crawler.settings.get("NEWSBOT_PRIVATE_ADDRESSES") or "start").strip().lower()
        if mode not in MODES:
            raise ValueError(f"NEWSBOT_PRIVATE_ADDRESSES must be one of {', '.join(MODES)}, not {mode!r}")
        return cls(crawler, mode)

    def start_hosts(self, spider) -> frozenset[str]:
        """Hosts of the source's start points: the ones allowed on a private address in "start" mode."""
        if self._start_hosts is None:
            config = getattr(spider, "config", None)
            urls = [point.url for point in getattr(config, "start", ())] if self.mode == "start" else []
            self._start_hosts = frozenset(h for h in ((urlsplit(u).hostname or "").lower() for u in urls) if h)
        return self._start_hosts

    def _skip(self, request, reason: str, detail: str) -> PolicySkip:
        self.crawler.stats.inc_value(f"newsbot/skipped/{reason}")
        logger.warning("skipped %s: %s (%s)", request.url, reason, detail)
        return PolicySkip(reason, f"{reason}: {detail}")

    async def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        host = (urlparse_cached(request).hostname or "").lower()
        config = getattr(spider, "config", None)
        if request.meta.get("redirect_urls") and request.meta.get("newsbot_article") and config is not None \
                and not config.matches_host(request.url):
            raise self._skip(request, "offsite_redirect", f"redirected from {request.meta['redirect_urls'][0]}")
        if self.mode == "any" or not host or host in self.start_hosts(spider):
            return None
        address = _ip_literal(host)
        if address is None:
            from twisted.internet import reactor

            # Scrapy's resolver (DNS_RESOLVER): a thread, cached; the download connects to this same answer.
            address = await maybe_deferred_to_future(reactor.resolve(host))
        if is_blocked(address):
            via = "" if address == host else f" resolves to {address}"
            raise self._skip(request, "private_address", f"{host}{via} is not a public address")
        return None
