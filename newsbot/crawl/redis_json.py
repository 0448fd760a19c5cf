"""JSON for requests in the shared Redis queue (SCHEDULER_SERIALIZER): never pickle.

scrapy-redis stores `Request.to_dict()` with this module's `dumps` and rebuilds requests from `loads` +
`scrapy.utils.request.request_from_dict` (Scrapy's public API). Without a serializer scrapy-redis uses
pickle, and anyone who can write to Redis would run code on every worker; here a payload is only ever
parsed as JSON.

JSON has no bytes and no non-string keys, which a request dict has (body, headers): they are written as
{"__bytes__": base64} and {"__pairs__": [[key, value], …]}. Tuples come back as lists.

`loads` raises RejectedPayload for anything that is not such a document — not JSON, not an object, no URL, or a
`_class` that is not one of Scrapy's request classes (request_from_dict would import and call any class named).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

# request_from_dict imports and instantiates the class a payload names: only these may be named.
REQUEST_CLASSES = frozenset({
    "scrapy.http.request.Request",
    "scrapy.http.request.form.FormRequest",
    "scrapy.http.request.json_request.JsonRequest",
    "scrapy.http.request.rpc.XmlRpcRequest",
})


class RejectedPayload(ValueError):
    """A queue entry that is not a JSON request document (e.g. a pickle pushed into the queue)."""


def _encode(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return {"__bytes__": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        if all(isinstance(key, str) for key in obj):
            return {key: _encode(value) for key, value in obj.items()}
        return {"__pairs__": [[_encode(key), _encode(value)] for key, value in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_encode(value) for value in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot put a {type(obj).__name__} into the Redis queue as JSON")


def _decode(obj: dict) -> Any:  # json object_hook: innermost objects first
    if len(obj) == 1 and "__bytes__" in obj:
        try:
            return base64.b64decode(obj["__bytes__"], validate=True)
        except (binascii.Error, TypeError) as exc:
            raise RejectedPayload(f"bad base64 in a bytes value: {exc}") from None
    if len(obj) == 1 and "__pairs__" in obj:
        pairs = obj["__pairs__"]
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise RejectedPayload("bad __pairs__ value")
        try:
            return {key: value for key, value in pairs}
        except TypeError as exc:  # an unhashable key
            raise RejectedPayload(f"bad __pairs__ key: {exc}") from None
    return obj


def dumps(request_dict: dict) -> str:
    """A request dict (Request.to_dict) as JSON; TypeError if something in it has no JSON form."""
    return json.dumps(_encode(request_dict), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def loads(payload: bytes | str) -> dict:
    """The request dict back from JSON; RejectedPayload for anything else (never unpickled, never executed)."""
    try:
        obj = json.loads(payload, object_hook=_decode)
    except RejectedPayload:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise RejectedPayload(f"not JSON: {type(exc).__name__}") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
        raise RejectedPayload("not a request document (a JSON object with a url)")
    if "_class" in obj and obj["_class"] not in REQUEST_CLASSES:
        raise RejectedPayload(f"request class not allowed: {str(obj['_class'])[:80]}")
    return obj
