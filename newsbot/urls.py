"""URL canonicalisation: one form per article URL, used as the article's identity.

The canonical form is an identity key (the `canonical_url` field, the request fingerprint, the
incremental seen-set), not necessarily the link to show: `url` keeps the address that was fetched.

Rules, in order (parsing and query handling by courlan and w3lib):
- courlan: lower-case scheme and host, punycode host decoded, default ports (:80 / :443) and the
  fragment dropped, `//` and leading `/..` in the path collapsed, tracking parameters dropped
  (courlan's list from AdGuard / ClearURLs: utm_*, fbclid, gclid, yclid, msclkid, igshid, mc_*, …);
- our own extra tracking and AMP parameters (EXTRA_DROP_PARAMS, `outputType=amp`) dropped by w3lib;
- mobile / AMP / www host prefixes (`m.`, `mobil.`, `mobile.`, `amp.`, `www.`) dropped;
- AMP path variants dropped: a path segment `amp` (`/amp/haber/x`, `/haber/x/amp/`) and a `.amp`
  before the extension (`x-123.amp.html`);
- the trailing slash dropped (except for the root path);
- w3lib `canonicalize_url`: query sorted, percent-escapes normalised (UTF-8).

A page's own `<link rel="canonical">` goes through the same function, so the AMP copy of a page that
names its desktop page resolves to the same identity even when no rule above would have matched.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from courlan import normalize_url, scrub_url
from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters courlan's tracker list does not cover, and the ways sites ask for their AMP variant.
EXTRA_DROP_PARAMS = (
    "amp", "amp_js_v", "usqp", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "wt_mc", "wt_zmc", "cmpid",
    "ito", "ncid", "share", "shared", "from_amp", "__twitter_impression", "_ga", "_gl", "fbclid", "gclid",
)
MOBILE_HOST_PREFIXES = ("m.", "mobil.", "mobile.", "amp.", "www.")
_AMP_SUFFIX = re.compile(r"\.amp(?=\.[a-z0-9]+$|$)", re.IGNORECASE)


def _strip_host_prefixes(parts) -> str:
    """The netloc without mobile / AMP / www prefixes (IP addresses and user info left alone)."""
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return parts.netloc
    except ValueError:
        pass
    if "@" in parts.netloc:
        return parts.netloc
    stripped = True
    while stripped:
        stripped = False
        for prefix in MOBILE_HOST_PREFIXES:
            # keep at least "name.tld": m.co stays m.co
            if host.startswith(prefix) and "." in host[len(prefix):]:
                host, stripped = host[len(prefix):], True
    return f"{host}:{parts.port}" if parts.port else host


def _strip_amp_path(path: str) -> str:
    segments = [s for s in path.split("/") if s.lower() != "amp"]
    path = "/".join(segments) or "/"
    head, _, last = path.rpartition("/")
    path = f"{head}/{_AMP_SUFFIX.sub('', last)}"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def canonical_url(url: str) -> str:
    """The canonical form of an article URL (see the module docstring); `url` if it is not http(s)."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return url
    try:
        url = normalize_url(scrub_url(url), strict=False, trailing_slash=False)
    except ValueError:  # courlan refuses a few malformed URLs (bad port, …): w3lib alone then
        pass
    url = url_query_cleaner(url, EXTRA_DROP_PARAMS, remove=True, keep_fragments=False)
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p.lower() != "outputtype=amp")
    parts = parts._replace(netloc=_strip_host_prefixes(parts), path=_strip_amp_path(parts.path), query=query)
    return canonicalize_url(urlunsplit(parts))


class CanonicalRequestFingerprinter:
    """REQUEST_FINGERPRINTER_CLASS: Scrapy's fingerprint of the request with its URL in canonical form,
    so the same article reached from a feed (with utm_ parameters) and from a listing page, or through
    its AMP / mobile variant, is one request for the dupefilter."""

    def __init__(self, crawler=None) -> None:
        from scrapy.utils.request import RequestFingerprinter

        self._default = RequestFingerprinter(crawler)
        self._cache: WeakKeyDictionary = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request) -> bytes:
        cached = self._cache.get(request)
        if cached is None:
            canon = canonical_url(request.url)
            target = request if canon == request.url else request.replace(url=canon)
            cached = self._cache[request] = self._default.fingerprint(target)
        return cached
