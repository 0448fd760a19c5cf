"""Per-site learned boilerplate: the second net after the structural and phrase rules.

While a site is crawled, a paragraph that recurs on its pages with DIFFERENT stories (a menu, a footer, a
read counter, a poll, a widget heading and its links, a copyright or address line) is learned as that
site's chrome and removed from later pages. A paragraph that recurs because the pages tell the same story
(a syndicated copy, a follow-up repeating its background paragraph) is not learned: two pages count as
different stories only when the rest of their text shares few words.

- `SiteChrome` — the learning for one site (pure: paragraphs in, keep/remove flags out; state as a dict).
- `ChromeMemory` — where a site's state is kept between crawls: `load(site)` / `save(site, data)`.
  `FileChromeMemory` keeps one JSON file per site under `<NEWSBOT_DATA_DIR>/learned_chrome/` (a stand-in
  until the store package offers a collection for it).
"""

from __future__ import annotations

import json
import logging
import os
import re
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from newsbot.text import fold

STATE_VERSION = 1
# A paragraph is learned when seen on at least MIN_STORIES pages that are different stories from the page
# where it is seen now, and on at least MIN_SHARE of the site's pages since it first appeared (chrome is on
# (nearly) every page of a template; a formula sentence such as "Olayla ilgili soruşturma başlatıldı." is
# on some pages only). Prose-like paragraphs need PROSE_SHARE.
MIN_STORIES = 3
MIN_SHARE = 0.5
PROSE_SHARE = 0.8
PROSE_WORDS = 8
# Longer paragraphs are article text, never learned.
MAX_WORDS = 80
# Two pages are the same story when the words (5+ letters) of their article paragraphs overlap this much
# (Jaccard). Unrelated stories of one site share ~0.05 (dev set); a follow-up shares its names and places.
SAME_STORY = 0.2
TOPIC_MIN_LETTERS = 5
ARTICLE_WORDS = 12
# Bounds, so a long crawl's memory and the saved file stay small.
MAX_PAGES = 200  # topic word sets kept (the most recent pages)
MAX_KEYS = 5000  # candidate paragraphs tracked
MAX_IDS = 12  # page ids kept per candidate
MAX_LEARNED = 2000

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")  # 1.234 / 2,5 / 17:12 are one number
_SENTENCE_END = re.compile(r"[.!?…]\W*$")


def paragraph_key(paragraph: str) -> str:
    """Folded words with every number as 0: "Bu haber 1.234 kez okundu" and "… 2.047 …" are one key."""
    return " ".join(_TOKEN.findall(_NUMBER.sub("0", fold(paragraph))))


def _topic(paragraphs: list[str]) -> set[int]:
    """Hashed words of 5+ letters of the article paragraphs: what the page is about."""
    out: set[int] = set()
    for para in paragraphs:
        tokens = _TOKEN.findall(fold(para))
        if len(tokens) >= ARTICLE_WORDS:
            out.update(zlib.crc32(t.encode()) for t in tokens if len(t) >= TOPIC_MIN_LETTERS and not t.isdigit())
    return out


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class SiteChrome:
    """What one site's pages taught so far. `observe(paragraphs)` learns from a page and returns, per
    paragraph, True to keep it."""

    def __init__(self, data: dict | None = None) -> None:
        data = data if data and data.get("version") == STATE_VERSION else {}
        self.learned: set[str] = set(data.get("learned", []))
        # key -> [first page id, [page ids]]; oldest first (evicted first).
        self.keys: OrderedDict[str, list] = OrderedDict((k, v) for k, v in data.get("keys", {}).items())
        self.pages: OrderedDict[int, set[int]] = OrderedDict(
            (int(k), set(v)) for k, v in data.get("pages", {}).items())
        self.next_id: int = int(data.get("next_id", 0))
        self.new_keys = 0  # learned since this object was made (a stat)

    def to_dict(self) -> dict:
        return {"version": STATE_VERSION, "learned": sorted(self.learned), "keys": dict(self.keys),
                "pages": {str(k): sorted(v) for k, v in self.pages.items()}, "next_id": self.next_id}

    def observe(self, paragraphs: list[str]) -> list[bool]:
        page = self.next_id
        self.next_id += 1
        keys = [paragraph_key(p) for p in paragraphs]
        candidate = [bool(k) and len(k.split()) <= MAX_WORDS for k in keys]
        # The page's topic from paragraphs not already known as chrome.
        topic = _topic([p for p, k in zip(paragraphs, keys, strict=True) if k not in self.learned])
        for key, is_candidate, para in zip(keys, candidate, paragraphs, strict=True):
            if is_candidate and key not in self.learned:
                self._count(key, page, topic, para)
        self._remember(page, topic)
        return [k not in self.learned for k in keys]

    def _count(self, key: str, page: int, topic: set[int], paragraph: str) -> None:
        first, ids = self.keys.pop(key, [page, []])
        if page in ids:  # the same paragraph twice on one page counts once
            self.keys[key] = [first, ids]
            return
        different = sum(1 for i in ids if _jaccard(self.pages.get(i, set()), topic) < SAME_STORY)
        ids = [*ids, page][-MAX_IDS:]
        share = len(ids) / (page - first + 1)
        prose = len(key.split()) >= PROSE_WORDS and bool(_SENTENCE_END.search(paragraph))
        if different + 1 >= MIN_STORIES and share >= (PROSE_SHARE if prose else MIN_SHARE):
            if len(self.learned) < MAX_LEARNED:
                self.learned.add(key)
                self.new_keys += 1
            return
        self.keys[key] = [first, ids]
        while len(self.keys) > MAX_KEYS:
            self.keys.popitem(last=False)

    def _remember(self, page: int, topic: set[int]) -> None:
        self.pages[page] = topic
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)


class ChromeMemory(Protocol):
    """Where learned chrome is kept between crawls, per site."""

    def load(self, site: str) -> dict | None: ...

    def save(self, site: str, data: dict) -> None: ...


class FileChromeMemory:
    """One JSON file per site under `root` (written atomically: a crash never leaves half a file)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, site: str) -> Path:
        return self.root / (quote(site or "_", safe="") + ".json")

    def load(self, site: str) -> dict | None:
        path = self._path(site)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("learned chrome for %s unreadable, learning afresh: %s: %s", site, path, exc)
            return None

    def save(self, site: str, data: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(site)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
