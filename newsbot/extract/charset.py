"""Page bytes → text. Turkish pages often declare a legacy charset (windows-1254 / ISO-8859-9) only in a
meta tag, and some declare one while actually sending UTF-8."""

from __future__ import annotations

import codecs

import ftfy
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

_UTF8 = {"utf-8", "utf8"}


def _is_utf8_with_multibyte(body: bytes) -> bool:
    """True when the bytes decode as UTF-8 and contain non-ASCII: legacy single-byte Turkish text
    (ş = 0xFE, ı = 0xFD, …) almost never forms valid UTF-8 sequences by accident."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(ch) > 127 for ch in text)


def _mostly_utf8(body: bytes) -> bool:
    """True when the bytes are UTF-8 but for a few stray bytes: undecodable bytes are rare among the
    non-ASCII characters. Legacy Turkish text decoded as UTF-8 is almost all undecodable bytes."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if not bad:
        return True
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return bad * 5 < non_ascii


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name) or name
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page: BOM, then the HTTP header, then a meta declaration, then detection.

    A declared legacy charset loses to UTF-8 when the bytes are valid UTF-8 with multibyte sequences
    (e.g. the 2016 DHA page declares windows-1254 but was saved as UTF-8)."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    from_header = _canonical(http_content_type_encoding(content_type or ""))
    from_meta = _canonical(html_body_declared_encoding(body))
    declared = from_header or from_meta
    if declared and declared.replace("_", "-") not in _UTF8 and _is_utf8_with_multibyte(body):
        return body.decode("utf-8")
    if declared and declared.replace("_", "-") in _UTF8:
        try:
            return body.decode("utf-8")  # valid UTF-8 as declared: what html_to_unicode would return
        except UnicodeDecodeError:
            pass
    if declared and declared.replace("_", "-") in _UTF8 and not _mostly_utf8(body):
        # A header that says UTF-8 over legacy bytes lies; the page's own meta tag (else Turkish cp1254) wins.
        fallback = from_meta if from_meta and from_meta.replace("_", "-") not in _UTF8 else "cp1254"
        return body.decode(fallback, errors="replace")
    header = f"text/html; charset={declared}" if declared else (content_type or None)
    _, text = html_to_unicode(header, body)
    return text


# Characters that show up in mojibake (UTF-8 read as cp1252 / latin-1): only text holding one of them is
# handed to ftfy, which is the well-kept judge of whether (and how) it is mojibake.
_MOJIBAKE_HINTS = frozenset("ÃÄÅÂâ")
_DOTTED_I = "i\u0307"  # str.lower() of "İ": an "i" followed by a combining dot above


def repair_text(text: str) -> str:
    """Text as a reader should see it: mojibake repaired (ftfy.fix_encoding), U+FFFD replacement
    characters (left by undecodable bytes) removed, the combining dot that str.lower() puts after an
    "i" from "İ" dropped (a lower-cased copy of the lead is then the same words as the lead)."""
    if not text:
        return text
    if not _MOJIBAKE_HINTS.isdisjoint(text):
        text = ftfy.fix_encoding(text)
    if "\ufffd" in text:
        text = " ".join(text.replace("\ufffd", "").split())
    if _DOTTED_I in text:
        text = text.replace(_DOTTED_I, "i")
    return text
