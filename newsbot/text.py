"""Turkish-aware text helpers shared by chrome stripping, dedupe and scoring."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_TR_UPPER = str.maketrans({"I": "ı", "İ": "i"})
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
# Quotes and apostrophes vary between copies of one text (’ vs ', “ vs ").
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including NBSP) to one space and strip."""
    return _SPACE_RE.sub(" ", text.replace("\xa0", " ")).strip()


def fold(text: str) -> str:
    """Turkish-aware case folding: I→ı and İ→i before lower(), NFC, quotes unified, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    return normalize_space(text.translate(_TR_UPPER).lower().translate(_QUOTES))


def words(text: str) -> list[str]:
    """Folded word tokens (\\w+ on the Turkish-folded text)."""
    return _WORD_RE.findall(fold(text))


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """The set of word n-grams of the folded text (one shingle for texts shorter than n)."""
    toks = words(text)
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def same_text(a: str, b: str) -> bool:
    """True when two strings are the same words after Turkish folding (punctuation ignored)."""
    wa = words(a)
    return bool(wa) and wa == words(b)


def content_hash(title: str, paragraphs: list[str]) -> str:
    """A stable hash of the article's words; changes only when its words change."""
    digest = hashlib.sha256()
    for part in [title, *paragraphs]:
        digest.update(" ".join(words(part)).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
