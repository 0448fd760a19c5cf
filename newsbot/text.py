"""Turkish-aware text helpers shared by chrome stripping, dedupe and scoring."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

_TR_UPPER = str.maketrans({"I": "ı", "İ": "i"})
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
# Quotes and apostrophes vary between copies of one text (’ vs ', “ vs ").
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including NBSP) to one space and strip."""
    # Same result as `_SPACE_RE.sub(" ", text).strip()`, about 5x cheaper: str.split(), regex \s and
    # str.strip() all use the same Unicode whitespace set (which includes NBSP).
    return " ".join(text.split())


# Folded texts memoised: a page's paragraphs and chrome lines are folded many times within a page or two;
# 2,048 recent texts cover that (8,192 held ~5.5 MB more in each process of a crawl for no measured gain).
_FOLD_CACHE = 2048


@functools.lru_cache(maxsize=_FOLD_CACHE)
def fold(text: str) -> str:
    """Turkish-aware case folding: I→ı and İ→i before lower(), NFC, quotes unified, spaces collapsed.
    Memoised (a pure function of the text): chrome stripping and dedupe fold the same paragraphs many times."""
    text = unicodedata.normalize("NFC", text)
    return normalize_space(_unify_quotes(_tr_upper(text).lower()))


# str.translate() with a dict looks every character up in Python; these few fixed replacements are the
# same mapping done by str.replace() in C (a no-op scan when the character is absent).
def _tr_upper(text: str) -> str:
    """`text.translate(_TR_UPPER)`."""
    return text.replace("I", "ı").replace("İ", "i")


_QUOTE_PAIRS = tuple(_QUOTES.items())


def _unify_quotes(text: str) -> str:
    """`text.translate(_QUOTES)`."""
    if text.isascii():  # every quote to unify is non-ASCII except the backtick
        return text.replace("`", "'")
    for src, dst in _QUOTE_PAIRS:
        text = text.replace(chr(src), dst)
    return text


# Bound for the token memos below: a page has tens of paragraphs, and extraction, chrome stripping and
# dedupe each tokenise the same paragraphs within a page or two, so 512 recent texts cover them. The
# bound keeps a long crawl's memory flat: 2,048 paragraphs' word and letter tuples took ~11 MB.
_TOKEN_CACHE = 512


@functools.lru_cache(maxsize=_TOKEN_CACHE)
def word_tuple(text: str) -> tuple[str, ...]:
    """`words()` as a tuple, memoised (shared, so it must be immutable); compare with ==, use as a key."""
    return tuple(_WORD_RE.findall(fold(text)))


def words(text: str) -> list[str]:
    """Folded word tokens (\\w+ on the Turkish-folded text)."""
    return list(word_tuple(text))  # a fresh list: callers may change it, the memo must not change


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """The set of word n-grams of the folded text (one shingle for texts shorter than n)."""
    toks = word_tuple(text)
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


# Between two texts' words in `shingle_bytes`: not a \w character (no word contains it) and not a space.
_SEPARATOR = "\x00"


def shingle_bytes(texts: Iterable[str], n: int = 4) -> set[bytes]:
    """The union of `shingles(text, n)` over `texts`, each shingle as `" ".join(shingle).encode("utf-8")`.

    The same set as that comprehension (joining is one-to-one: words hold no space), about half the CPU:
    every text's words are encoded in one piece and the shingles are joined by `map` in C instead of as
    tuples in a Python loop. `word_tuple` is called once per text, as `shingles` does."""
    if n < 1:  # degenerate: keep the definition
        return {" ".join(g).encode("utf-8") for text in texts for g in shingles(text, n)}
    out: set[bytes] = set()
    stream: list[str] = []  # the words of every text of at least n words, texts apart by _SEPARATOR
    cuts: list[int] = []  # where each _SEPARATOR is in `stream`
    for text in texts:
        toks = word_tuple(text)
        if len(toks) < n:
            if toks:
                out.add(" ".join(toks).encode("utf-8"))
            continue
        if stream:
            cuts.append(len(stream))
            stream.append(_SEPARATOR)
        stream.extend(toks)
    if not stream:
        return out
    parts = " ".join(stream).encode("utf-8").split(b" ")  # UTF-8 never puts a 0x20 byte inside a character
    grams = list(map(b" ".join, zip(*[parts[i:] for i in range(n)], strict=False)))  # windows: shorter slices end it
    # The n windows holding a separator span two texts: drop them (from the end, so indices stay valid;
    # every text has at least n words, so the ranges do not overlap).
    for cut in reversed(cuts):
        del grams[cut - n + 1 : cut + 1]
    out.update(grams)
    return out


def same_text(a: str, b: str) -> bool:
    """True when two strings are the same words after Turkish folding (punctuation ignored)."""
    wa = word_tuple(a)
    return bool(wa) and wa == word_tuple(b)


def content_hash(title: str, paragraphs: list[str]) -> str:
    """A stable hash of the article's words; changes only when its words change."""
    digest = hashlib.sha256()
    for part in [title, *paragraphs]:
        digest.update(" ".join(word_tuple(part)).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


_LETTERS_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def fold_chars(text: str) -> str:
    """`fold()` that keeps one character per character (no NFC, no space collapsing), so that a match
    position in the folded text is the same position in the original."""
    text = _tr_upper(text)
    low = text.lower()
    # Fast path, same result as the loop below: when lower() kept the length, every character mapped to
    # exactly one (none shrinks to nothing). The exception is capital sigma, which str.lower() turns into
    # a final ς at a word's end while the per-character lower() gives σ.
    if len(low) == len(text) and "Σ" not in text:
        return _unify_quotes(low)
    out = []
    for ch in text:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return _unify_quotes("".join(out))


@functools.lru_cache(maxsize=_TOKEN_CACHE)
def letter_tuple(text: str) -> tuple[str, ...]:
    """`letter_words()` as a tuple, memoised like `word_tuple()`."""
    return tuple(_LETTERS_RE.findall(fold(text)))


def first_letter_word(text: str) -> str | None:
    """The first of `letter_words(text)`, or None when there is none; cheaper than tokenising a long text
    when only its start matters."""
    match = _LETTERS_RE.search(fold(text))
    return match.group() if match else None


def letter_words(text: str) -> list[str]:
    """Folded runs of letters only: digits and punctuation split and vanish ("HABERLER3664" → haberler)."""
    return list(letter_tuple(text))


_TR_MONTHS = {
    "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6,
    "temmuz": 7, "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,
}
_TR_DAYS = "pazartesi|salı|çarşamba|perşembe|cumartesi|cuma|pazar"
_DATE_LABEL = (r"(?:(?P<label>yayınlanma|yayın tarihi|yayınlanma tarihi|giriş|oluşturulma|güncelleme|"
               r"son güncelleme|güncellenme|tarih)(?: tarihi)?\s*:?\s*)?")
_TIME = r"(?:\s*(?:[-–,|/]|saat)?\s*(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?"
_DATE_PART = re.compile(
    _DATE_LABEL
    + r"(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})"
    + r"|(?P<d2>\d{1,2})\s+(?P<mon>" + "|".join(_TR_MONTHS) + r")\s+(?P<y2>\d{4})"
    + r"(?:\s*,?\s*(?:" + _TR_DAYS + r")\b)?)"
    + _TIME
    + r"\s*(?:[-–|•,]\s*)?"
)


def parse_bare_date_line(text: str) -> tuple[str | None, bool]:
    """If the text is nothing but dates/times ("12-07-2025 17:12", "12 Temmuz 2025 Cumartesi 17:12",
    "05.04.2025 - Güncelleme : 05.04.2025"), return (the first non-update date as ISO 8601 in
    Europe/Istanbul, e.g. "2025-07-12T17:12:00+03:00", or "2025-07-12" without a time; True).
    Otherwise (None, False). Turkish numeric dates are day-first."""
    folded = fold(text).strip(" .")
    if not folded or len(folded) > 120:
        return None, False
    pos, first, first_any = 0, None, None
    while pos < len(folded):
        match = _DATE_PART.match(folded, pos)
        if not match or match.end() == pos:
            return None, False
        pos = match.end()
        iso = _iso_from_match(match)
        if iso is None:
            return None, False
        first_any = first_any or iso
        if first is None and not (match.group("label") or "").startswith(("güncel", "son güncel")):
            first = iso
    return first or first_any, True


def _iso_from_match(match: re.Match) -> str | None:
    if match.group("y"):
        day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
    else:
        day, month, year = int(match.group("d2")), _TR_MONTHS[match.group("mon")], int(match.group("y2"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if match.group("H") is None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    hour, minute, second = int(match.group("H")), int(match.group("M")), int(match.group("S") or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    # Turkish sites give local time: Europe/Istanbul is UTC+03:00 all year since 2016.
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+03:00"
