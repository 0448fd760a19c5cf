"""Dates: structured values (ISO strings) and the visible Turkish date line.

Times on Turkish sites are Europe/Istanbul local time (+03:00, no DST since 2016), so a value without
an offset is read as Istanbul time. A date without a time stays a date ("YYYY-MM-DD")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dateparser

ISTANBUL = ZoneInfo("Europe/Istanbul")
# Day-first always: "05.04.2025" is 5 April (month-first parsing gave fundus its AA date bug).
_DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                        "PREFER_DAY_OF_MONTH": "first"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEP = r"[\s,|•·/\-–—]*"
# A date ("12-07-2025", "05.04.2025", "12 Temmuz 2025"), then optionally a weekday or a word such as
# "Saat" and a time ("17:12", "01:22:55"). dateparser validates the pieces; the regex only finds them.
_DATE_TIME = re.compile(
    r"(?P<date>\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b|\b\d{1,2}\s+[^\W\d_]{3,}\s+\d{4}\b)"
    rf"(?:{_SEP}(?:[^\W\d_]+:?{_SEP})?(?P<time>\b\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?)(?!\d))?"
)
# The shapes _quick_parse reads itself (day first, as _DATEPARSER_SETTINGS); month names in Turkish and English.
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([^\W\d_]{3,})\s+(\d{4})")
_MONTHS = {name: number for number, names in enumerate((
    ("ocak", "january"), ("şubat", "february"), ("mart", "march"), ("nisan", "april"), ("mayıs", "may"),
    ("haziran", "june"), ("temmuz", "july"), ("ağustos", "august"), ("eylül", "september"),
    ("ekim", "october"), ("kasım", "november"), ("aralık", "december")), start=1) for name in names}
_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
# The label that separates the published part of a date line from the updated part.
_UPDATED_LABEL = re.compile(r"(?:son\s+)?g[üu]ncelle(?:n?me)(?:\s+tarihi)?|updated?", re.I)


@dataclass(frozen=True)
class When:
    """A parsed moment; has_time is False for a date-only value (its time is unknown, not midnight)."""

    value: datetime
    has_time: bool

    def iso(self) -> str:
        if not self.has_time:
            return self.value.date().isoformat()
        dt = self.value if self.value.tzinfo else self.value.replace(tzinfo=ISTANBUL)
        spec = "seconds" if not dt.microsecond else ("milliseconds" if dt.microsecond % 1000 == 0 else "auto")
        return dt.isoformat(timespec=spec)

    def same_day(self, other: When) -> bool:
        return self._local_date() == other._local_date()

    def _local_date(self) -> date:
        if self.has_time and self.value.tzinfo:
            return self.value.astimezone(ISTANBUL).date()
        return self.value.date()


def parse_structured(value: object) -> When | None:
    """An ISO-like value from JSON-LD or meta (datePublished, article:published_time, …)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if _ISO_DATE.match(value):
        return When(datetime.fromisoformat(value), has_time=False)
    try:
        return When(datetime.fromisoformat(value), has_time=True)
    except ValueError:
        pass
    # Not ISO (e.g. "27.12.2016 18:57:00"): read it as a visible date line.
    published, _ = parse_date_line(value)
    return published


def _quick_parse(date_text: str, time_text: str | None) -> datetime | None:
    """What dateparser gives for the common shapes ("12.07.2025", "12-07-2025", "12 Temmuz 2025", then
    "17:12" / "17:12:05"), without it (~2-5 ms a call); None for anything else (dateparser decides)."""
    numeric = _NUMERIC_DATE.fullmatch(date_text)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
    else:
        named = _NAMED_DATE.fullmatch(date_text)
        month = _MONTHS.get(named[2].translate(_TR_LOWER).lower()) if named else None
        if month is None:
            return None
        day, year = int(named[1]), int(named[3])
    hour = minute = second = 0
    if time_text:
        hour, minute, *rest = (int(x) for x in re.split(r"[:.]", time_text))
        second = rest[0] if rest else 0
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 31.02.2025, 25:00: dateparser's call
        return None


def _parse_piece(text: str) -> When | None:
    match = _DATE_TIME.search(text)
    if not match:
        return None
    parsed = _quick_parse(match["date"], match["time"])
    if parsed is not None:
        return When(parsed, has_time=bool(match["time"]))
    piece = match["date"] + (" " + match["time"].replace(".", ":") if match["time"] else "")
    parsed = dateparser.parse(piece, languages=["tr", "en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        return None
    return When(parsed, has_time=bool(match["time"]))


def parse_date_line(text: str) -> tuple[When | None, When | None]:
    """The (published, updated) moments of a visible date line such as "12 Temmuz 2025 Cumartesi 17:12"
    or "05.04.2025 - Güncelleme : 05.04.2025". dateparser gives up on labels, so the line is split at the
    update label and each part's date and time are cut out before parsing."""
    if not text:
        return None, None
    parts = _UPDATED_LABEL.split(text, maxsplit=1)
    published = _parse_piece(parts[0])
    updated = _parse_piece(parts[1]) if len(parts) > 1 else None
    return published, updated


def is_date_line(text: str) -> bool:
    """True for a paragraph that is only a date line ("11-07-2025 09:30", "12 Temmuz 2025 Cumartesi
    08:05", "05.04.2025 - Güncelleme : 05.04.2025"): pages repeat it inside the article container."""
    if len(text) > 80 or not _DATE_TIME.search(text):
        return False
    rest = _DATE_TIME.sub(" ", _UPDATED_LABEL.sub(" ", text))
    return len(re.findall(r"\w+", rest)) <= 2


def best_published(structured: list[When | None], visible: When | None) -> When | None:
    """Structured datetime with time > visible date line with time > structured date-only > visible
    date-only. A visible time is only trusted when it falls on the structured day (if there is one)."""
    found = [w for w in structured if w is not None]
    timed = [w for w in found if w.has_time]
    if timed:
        return timed[0]
    if visible is not None and visible.has_time and (not found or visible.same_day(found[0])):
        return visible
    return found[0] if found else visible


def page_date(root, url: str | None = None) -> str | None:
    """The publication day htmldate finds (original date, extensive search: URL, copyright lines, text),
    as "YYYY-MM-DD" — the fallback for pages without structured data or a date line, which trafilatura
    uses too. May clean `root`: call it after everything else has been read from the tree."""
    from htmldate import find_date

    try:
        found = find_date(root, url=url, original_date=True, extensive_search=True,
                          max_date=date.today().isoformat(), outputformat="%Y-%m-%d")
    except Exception:  # htmldate gives up on odd markup: no date rather than no article
        return None
    return found or None
