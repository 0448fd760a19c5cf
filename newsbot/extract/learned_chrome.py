"""Per-site learned boilerplate: the second net after the structural and phrase rules.

While a site is crawled, a paragraph that recurs on its pages with DIFFERENT stories (a menu, a footer, a
read counter, a poll, a widget heading and its links, a copyright or address line) is learned as that
site's chrome and removed from later pages. A paragraph that recurs because the pages tell the same story
(a syndicated copy, a follow-up repeating its background paragraph) is not learned: two pages count as
different stories only when the rest of their text shares few words.

`SiteChrome` is the learning for one site (pure: paragraphs in, keep/remove flags out; its state as a dict
of lists of small documents — no data as mapping keys and no arrays directly in arrays, so MongoDB and
FerretDB, which refuses nested arrays, store it as is). pipelines/boilerplate.py keeps each site's
state in the store (`learned_chrome` collection) between crawls.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict

from newsbot.text import fold

STATE_VERSION = 2  # 1: the same with mappings keyed by paragraph / page id (never stored outside files)
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
            # each distinct word hashed once (a page repeats its names and places)
            out.update(zlib.crc32(t.encode()) for t in set(tokens) if len(t) >= TOPIC_MIN_LETTERS and not t.isdigit())
    return out


def _jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)  # |a ∪ b| without building the union


class SiteChrome:
    """What one site's pages taught so far. `observe(paragraphs)` learns from a page and returns, per
    paragraph, True to keep it."""

    def __init__(self, data: dict | None = None) -> None:
        data = data if data and data.get("version") == STATE_VERSION else {}
        self.learned: set[str] = set(data.get("learned", []))
        # key -> [first page id, [page ids]]; oldest first (evicted first).
        self.keys: OrderedDict[str, list] = OrderedDict(
            (str(k["key"]), [int(k["first"]), [int(i) for i in k["pages"]]]) for k in data.get("keys", []))
        self.pages: OrderedDict[int, set[int]] = OrderedDict(
            (int(p["page"]), {int(t) for t in p["topic"]}) for p in data.get("pages", []))
        self.next_id: int = int(data.get("next_id", 0))
        self.new_keys = 0  # learned since this object was made (a stat)

    def to_dict(self) -> dict:
        """The state, oldest first: keys as {key, first page id, pages: [ids]}, pages as {page, topic}."""
        return {"version": STATE_VERSION, "learned": sorted(self.learned),
                "keys": [{"key": k, "first": first, "pages": list(ids)} for k, (first, ids) in self.keys.items()],
                "pages": [{"page": n, "topic": sorted(topic)} for n, topic in self.pages.items()],
                "next_id": self.next_id}

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
        seen_on = ids
        ids = [*ids, page][-MAX_IDS:]
        share = len(ids) / (page - first + 1)
        prose = len(key.split()) >= PROSE_WORDS and bool(_SENTENCE_END.search(paragraph))
        # The topic comparisons (the costly part) only when the cheaper conditions already hold.
        if (share >= (PROSE_SHARE if prose else MIN_SHARE) and len(seen_on) + 1 >= MIN_STORIES
                and sum(1 for i in seen_on if _jaccard(self.pages.get(i, set()), topic) < SAME_STORY) + 1
                >= MIN_STORIES):
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
