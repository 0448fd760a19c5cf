"""Article dates: the text a page gives (ISO 8601, with or without an offset, or a bare day) as a UTC
datetime, and the Turkish calendar day of a moment.

Pages give local times; a time without an offset is Europe/Istanbul time, and a page that gives only a
day (`YYYY-MM-DD`) is taken as 00:00 of that day in Istanbul, so that the article counts on that
Turkish day. The store keeps the page's own text beside the UTC value (`published_at_local`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

ISTANBUL = ZoneInfo("Europe/Istanbul")  # +03:00 all year since 2016; the zone database knows the years before


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_utc(value: object) -> datetime | None:
    """An ISO 8601 string or a datetime as an aware UTC datetime; None for what is not a date.

    A naive datetime is UTC (what databases give back); a naive string is Istanbul time (what pages
    give); a bare day is 00:00 Istanbul."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ISTANBUL)
        return parsed.astimezone(timezone.utc)
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=ISTANBUL).astimezone(timezone.utc)
    return None


def istanbul_day(value: object) -> str | None:
    """The Turkish calendar day (YYYY-MM-DD) of a moment: 00:30+03:00 is that day, not the UTC day before."""
    moment = to_utc(value)
    return moment.astimezone(ISTANBUL).date().isoformat() if moment is not None else None


def istanbul_today() -> date:
    return datetime.now(ISTANBUL).date()
