"""Credentials masked in every message: `mask` replaces the password of any URI in a text (any scheme,
`@` or `:` inside the password, percent-encoded or not, several hosts) and scrubs the passwords of the
configured URIs wherever they appear; `MaskingFilter` applies it to every log record."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from urllib.parse import unquote

URI_ENV = ("NEWSBOT_MONGO_URI", "MONGO_URI")


# -- credentials ---------------------------------------------------------------------------------
# A URI's start (any scheme: mongodb, mongodb+srv, redis, rediss, http…) and where the text that may belong
# to it ends: whitespace, a double quote or angle bracket (never part of a URI), or the next URI's start.
_URI_START = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)
_URI_END = re.compile(r"[\s\"<>]|[a-z][a-z0-9+.-]*://", re.I)
_HOST_PORT = re.compile(r"[^:]*(:\d*)?")  # "host" or "host:27017": no password in it


def uri_userinfo(rest: str) -> tuple[str, str | None] | None:
    """(user, password or None) of a URI whose text after "scheme://" is `rest`; None when it has no userinfo.

    The userinfo ends at the authority's last "@" (RFC 3986), so an unescaped "@" in a password
    (`u:p@ss@host`) stays in the password, and the password starts after the first ":" (`u:p:ss@host`).
    A password with an unescaped "/", "?" or "#" ends the authority early (`u:pa/ss@host`): when what
    precedes the "/" is not host[:port], the userinfo runs to the last "@" (over-masking is the safe side)."""
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        userinfo = authority.rpartition("@")[0]
    elif "@" in rest and not _HOST_PORT.fullmatch(authority) and "," not in authority:
        userinfo = rest.rpartition("@")[0]
    else:
        return None
    user, colon, password = userinfo.partition(":")
    return user, (password if colon else None)


def _mask_uris(text: str) -> str:
    out, pos = [], 0
    for start in _URI_START.finditer(text):
        if start.start() < pos:  # inside a URI already handled
            continue
        end = _URI_END.search(text, start.end())
        stop = end.start() if end else len(text)
        rest = text[start.end():stop]
        found = uri_userinfo(rest)
        if found is None or found[1] is None:  # no credentials, or a user name alone: nothing secret
            continue
        userinfo_end = len(found[0]) + 1 + len(found[1])  # user ":" password
        out += [text[pos:start.end()], found[0], ":***", rest[userinfo_end:]]
        pos = stop
    out.append(text[pos:])
    return "".join(out)


def _secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Password literals of the configured URIs (raw and decoded), to scrub from any text."""
    found = []
    environ = os.environ if environ is None else environ
    for key in URI_ENV:
        uri = (environ.get(key) or "").strip()
        start = _URI_START.match(uri)
        credentials = uri_userinfo(uri[start.end():]) if start else None
        if credentials and credentials[1]:
            found += [credentials[1], unquote(credentials[1])]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def mask(text: object) -> str:
    """`text` with every URI password replaced by *** (and any configured password scrubbed)."""
    out = _mask_uris(str(text))
    for secret in _secrets():
        out = out.replace(secret, "***")
    return out


def short_error(exc: BaseException) -> str:
    """One masked line for an exception (pymongo's topology descriptions cut off)."""
    text = f"{type(exc).__name__}: {exc}".split(", Timeout:")[0].split(", full error:")[0]
    return mask(" ".join(text.split()))[:300]


def mask_uri(uri: str | None) -> str:
    return mask(uri) if uri else ""


class MaskingFilter(logging.Filter):
    """Logging filter that masks credentials in every record that passes a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()  # the URI may be in the arguments, not in the format string
        except Exception:  # a broken record is logging's business, not ours
            return True
        if "@" not in message and not _secrets():
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking() -> None:
    """Add MaskingFilter to the root handlers (Scrapy's included); safe to call repeatedly."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
