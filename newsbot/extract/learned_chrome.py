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

Memory: a candidate paragraph is tracked by a 64-bit digest of its key, not by its text (most candidates
are article paragraphs seen once, up to 80 words each); only learned keys keep their text. A candidate
can only be learned within LEARN_SPAN pages of its first sighting, so only that many pages' topics are
kept, and a candidate seen again past its span keeps no page ids (it stays tracked, so that it is never
learned, as before). Measured on the bodies of 2,000 realistic bench pages with chrome lines added: the
state takes 1.5 MiB of Python objects instead of 6.7, its JSON 0.37 MB instead of 2.6, with the same keys
learned and the same paragraphs removed, also across a save and reload.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import OrderedDict

from newsbot.text import fold

# 3: candidates by key digest, page topics of the last LEARN_SPAN pages; 2: the same by key text, the
# topics of 200 pages (read, converted); 1: mappings keyed by paragraph / page id (never stored outside files)
STATE_VERSION = 3
READABLE_VERSIONS = (2, 3)
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
MAX_KEYS = 5000  # candidate paragraphs tracked
MAX_IDS = 12  # page ids kept per candidate
MAX_LEARNED = 2000
# A candidate is learned only while its share holds: at most MAX_IDS sightings over the pages since its first,
# so only within MAX_IDS / MIN_SHARE pages of it. Later it can never be learned (its ids are dropped), and a
# page's topic is never looked at again once this many newer pages came: only these are kept.
LEARN_SPAN = int(MAX_IDS / min(MIN_SHARE, PROSE_SHARE))
_PAST_SPAN = (-1, ())  # a candidate past its span: first page "before any", no ids (shared by all of them)

_TOKEN = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")  # 1.234 / 2,5 / 17:12 are one number
_SENTENCE_END = re.compile(r"[.!?…]\W*$")


def paragraph_key(paragraph: str) -> str:
    """Folded words with every number as 0: "Bu haber 1.234 kez okundu" and "… 2.047 …" are one key."""
    return " ".join(_TOKEN.findall(_NUMBER.sub("0", fold(paragraph))))


def key_digest(key: str) -> int:
    """A paragraph key's 64-bit digest (signed: a BSON int64), stable across processes and crawls."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


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
        data = data if data and data.get("version") in READABLE_VERSIONS else {}
        digest = key_digest if data.get("version") == 2 else int  # version 2 kept the key's text
        self.learned: set[str] = set(data.get("learned", []))
        # key digest -> (first page id, (page ids)); least recently seen first (evicted first).
        self.keys: OrderedDict[int, tuple[int, tuple[int, ...]]] = OrderedDict(
            (digest(k["key"]), (int(k["first"]), tuple(int(i) for i in k["pages"]))) for k in data.get("keys", []))
        self.pages: OrderedDict[int, set[int]] = OrderedDict(
            (int(p["page"]), {int(t) for t in p["topic"]}) for p in data.get("pages", [])[-LEARN_SPAN:])
        self.next_id: int = int(data.get("next_id", 0))
        self.new_keys = 0  # learned since this object was made (a stat)

    def to_dict(self) -> dict:
        """The state, oldest first: keys as {key digest, first page id, pages: [ids]}, pages as {page, topic}."""
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
        digest = key_digest(key)
        first, ids = self.keys.pop(digest, (page, ()))
        if page - first >= LEARN_SPAN:  # can never be learned now: still tracked (as before), without ids
            self._track(digest, _PAST_SPAN)
            return
        if page in ids:  # the same paragraph twice on one page counts once
            self.keys[digest] = (first, ids)
            return
        seen_on = ids
        ids = (*ids, page)[-MAX_IDS:]
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
        self._track(digest, (first, ids))

    def _track(self, digest: int, entry: tuple[int, tuple[int, ...]]) -> None:
        self.keys[digest] = entry
        while len(self.keys) > MAX_KEYS:
            self.keys.popitem(last=False)

    def _remember(self, page: int, topic: set[int]) -> None:
        self.pages[page] = topic
        while len(self.pages) > LEARN_SPAN:
            self.pages.popitem(last=False)
