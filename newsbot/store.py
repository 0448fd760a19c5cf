"""The one place that knows MongoDB (placeholder: the full version replaces it)."""

from __future__ import annotations

import os
from pathlib import Path

import pymongo


def mongo_uri() -> str | None:
    return os.environ.get("NEWSBOT_MONGO_URI") or os.environ.get("MONGO_URI") or None


def open_client(data_dir: str = "data"):
    """A pymongo client for the configured server, or litemongo's embedded on-disk store."""
    uri = mongo_uri()
    if uri:
        return pymongo.MongoClient(uri)
    import litemongo

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return litemongo.connect(str(Path(data_dir).resolve() / "newsbot.sqlite"))
