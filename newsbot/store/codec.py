"""Documents as JSON text (the embedded store's document column, the spool's lines): datetimes as
{"$date": ISO 8601 UTC} and bytes as {"$bytes": base64}. Keys from scraped data never start with `$`
(documents.safe_key), so the two tags cannot be confused with data.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return {"$date": value.astimezone(timezone.utc).isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def _hook(obj: dict) -> Any:
    if len(obj) == 1:
        if isinstance(obj.get("$date"), str):  # also the old spool's bson.json_util lines ("…Z")
            return datetime.fromisoformat(obj["$date"].replace("Z", "+00:00")).astimezone(timezone.utc)
        if isinstance(obj.get("$bytes"), str):
            return base64.b64decode(obj["$bytes"])
    return obj


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    return json.loads(text, object_hook=_hook)


def utc_text(value: datetime | None) -> str | None:
    """A datetime as sortable UTC text for an indexed column (fixed width: compares as the moments do)."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
