"""Syndicated stories: MinHash LSH over the chrome-stripped, Turkish-folded text of each article.

An article's *signature* is a MinHash (datasketch) of the set of word n-grams of its lead and body
(the title is left out: it is the part outlets reword most). The signature is cut into LSH bands;
each band hashes to a *band key*. Articles sharing one band key are candidates; a candidate is the
same story when

- the estimated Jaccard similarity of the two shingle sets is at least `threshold`, or the shorter
  text is contained in the longer one (estimated from Jaccard and the two set sizes) at least
  `containment` — an outlet that dropped or added a paragraph still matches;
- and the two were published within `window_hours` of each other.

The new article joins the story of its best match (highest Jaccard); with no match it starts a new
story. Only band-key look-ups reach the index, so the cost per article does not grow with the
number of stored articles. The index is an interface (`SignatureIndex`): `MemoryIndex` here for
benchmarks and the fallback, `newsbot.store.story_index.BatchIndex` over the store (MongoDB / embedded).

Signatures cannot change silently: the hashing is newsbot's own (SHA-1 of each shingle, MurmurHash3's
fmix32, affine permutations read from newsbot/data/minhash_permutations.json, band keys by blake2b), and
every signature carries its `scheme` id (hashing version, permutations, shingle size, bands × rows). A
stored signature of another scheme is never compared: it is refused and counted (`refused_scheme`), and
an article re-signed under the current scheme keeps its story.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from newsbot.dates import to_utc, utcnow
from newsbot.text import fold, shingle_bytes

PERMUTATIONS_FILE = Path(__file__).parent / "data" / "minhash_permutations.json"
HASHING_VERSION = "mh1"  # sha1[:4] LE → fmix32 → a·h + b (uint32) → min; band key blake2b-8. Change = new version.

_MAX_HASH32 = (1 << 32) - 1
# MurmurHash3 fmix32 shifts and multipliers (datasketch.minhash._FMIX_CONSTANTS[32]; shift 3 = shift 1).
_FMIX_S1, _FMIX_S2 = np.uint32(16), np.uint32(13)
_FMIX_M1, _FMIX_M2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)


@dataclass(frozen=True)
class StoryParams:
    """Tuning; each field has a NEWSBOT_STORY_* setting (see `from_settings`)."""

    num_perm: int = 128
    shingle_size: int = 4
    lsh_threshold: float = 0.3  # candidate level: bands and rows are derived from it
    threshold: float = 0.5  # estimated Jaccard to accept a candidate
    containment: float = 0.7  # or: share of the shorter text found in the longer one
    min_shingles: int = 10  # shorter texts are too short to compare: they get a story of their own
    window_hours: float = 36.0  # copies of one story are published within this many hours
    signature_days: float = 7.0  # signatures older than this are not looked at (and may be purged)

    @classmethod
    def from_settings(cls, settings) -> StoryParams:
        return cls(
            num_perm=settings.getint("NEWSBOT_STORY_NUM_PERM", cls.num_perm),
            shingle_size=settings.getint("NEWSBOT_STORY_SHINGLE_SIZE", cls.shingle_size),
            lsh_threshold=settings.getfloat("NEWSBOT_STORY_LSH_THRESHOLD", cls.lsh_threshold),
            threshold=settings.getfloat("NEWSBOT_STORY_THRESHOLD", cls.threshold),
            containment=settings.getfloat("NEWSBOT_STORY_CONTAINMENT", cls.containment),
            min_shingles=settings.getint("NEWSBOT_STORY_MIN_SHINGLES", cls.min_shingles),
            window_hours=settings.getfloat("NEWSBOT_STORY_WINDOW_HOURS", cls.window_hours),
            signature_days=settings.getfloat("NEWSBOT_STORY_SIGNATURE_DAYS", cls.signature_days),
        )


@dataclass
class Signature:
    minhash: np.ndarray  # uint32, num_perm values
    size: int  # number of distinct shingles
    bands: list[str]  # LSH band keys ("<band>:<hash>")


def story_text(lead: str, body: Sequence[str]) -> list[str]:
    """The paragraphs that make a story's signature: lead and body, a paragraph repeated after
    folding (a lead copied into the body) counted once."""
    seen: set[str] = set()
    parts = []
    for para in [lead or "", *(body or [])]:
        key = fold(para)
        if key and key not in seen:
            seen.add(key)
            parts.append(para)
    return parts


@cache
def frozen_permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the affine permutations for `num_perm`, from the committed data file."""
    table = json.loads(PERMUTATIONS_FILE.read_text(encoding="utf-8"))["permutations"]
    if str(num_perm) not in table:
        raise ValueError(f"no frozen MinHash permutations for NEWSBOT_STORY_NUM_PERM={num_perm} (have "
                         f"{', '.join(sorted(table, key=int))}): run scripts/make_minhash_permutations.py {num_perm}")
    return (np.array(table[str(num_perm)]["a"], dtype=np.uint32), np.array(table[str(num_perm)]["b"], dtype=np.uint32))


def scheme_id(params: StoryParams, bands: int | None = None, rows: int | None = None) -> str:
    """The id stored with every signature: two signatures are comparable only when their ids are equal."""
    if bands is None or rows is None:
        bands, rows = lsh_shape(params.lsh_threshold, params.num_perm)
    return f"{HASHING_VERSION}-affine32s1-p{params.num_perm}-w{params.shingle_size}-b{bands}x{rows}"


# (threshold, num_perm) → (bands, rows) as datasketch 2.0's MinHashLSH(weights=(0.2, 0.8)) chooses them,
# for the default settings (tests/test_signer.py checks them against datasketch): dedupe runs in the crawl
# process, and datasketch would bring scipy and redis into it (~0.5 s, ~50 MiB of PSS) only to compute this.
LSH_SHAPES = {(0.3, 128): (42, 3)}


@cache
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for the LSH threshold, as datasketch's MinHashLSH chooses them (part of the scheme id,
    so a change there shows as a scheme mismatch, not as split clusters)."""
    if (threshold, num_perm) in LSH_SHAPES:
        return LSH_SHAPES[threshold, num_perm]
    from datasketch import MinHashLSH  # other settings: datasketch integrates (imported here: see LSH_SHAPES)

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.2, 0.8))
    return lsh.b, lsh.r


class Signer:
    """Computes signatures; permutations are made once (datasketch makes them per MinHash otherwise)."""

    def __init__(self, params: StoryParams = StoryParams()) -> None:
        self.params = params
        self.bands, self.rows = lsh_shape(params.lsh_threshold, params.num_perm)
        self.scheme = scheme_id(params, self.bands, self.rows)
        a, b = frozen_permutations(params.num_perm)
        # As columns: the permuted hashes are then one row per permutation, and the minimum of each row
        # is a contiguous reduction.
        self._a, self._b = a.astype(np.uint32)[:, None], b.astype(np.uint32)[:, None]
        self._empty = np.full(params.num_perm, _MAX_HASH32, dtype=np.uint32)
        self._blake2b_64 = hashlib.blake2b(digest_size=8)  # only ever copied (safe to share between threads)
        self._band_prefixes = [f"{i}:" for i in range(self.bands)]

    def sign(self, paragraphs: Iterable[str]) -> Signature:
        """The MinHash of the paragraphs' shingles: bit for bit what datasketch 2.0's
        `MinHash(num_perm, seed=1, scheme="affine32").update_batch(shingles)` gives (tests/test_signer.py),
        for about 35 % less CPU; SHA-1 runs in one comprehension and the rest in numpy."""
        grams = shingle_bytes(paragraphs, self.params.shingle_size)
        if grams:
            sha1 = hashlib.sha1
            # sha1_hash32 is the first 4 bytes of the digest, little-endian: every 5th uint32 of the digests.
            hv = np.frombuffer(b"".join([sha1(g).digest() for g in grams]), dtype="<u4")[::5].astype(np.uint32)
            # datasketch 2.0.0 affine32 (minhash._fmix, update_batch): MurmurHash3's fmix32, then
            # a * h + b per permutation, wrapping in uint32; the signature is each permutation's minimum.
            hv ^= hv >> _FMIX_S1
            hv *= _FMIX_M1
            hv ^= hv >> _FMIX_S2
            hv *= _FMIX_M2
            hv ^= hv >> _FMIX_S1
            phv = self._a * hv
            phv += self._b
            values = phv.min(axis=1)
        else:
            values = self._empty.copy()  # datasketch's empty MinHash: every value the maximum
        return Signature(values, len(grams), self.band_keys(values) if len(grams) >= self.params.min_shingles else [])

    def band_keys(self, values: np.ndarray) -> list[str]:
        """One key per LSH band: "<band>:<8-byte blake2b of the band's values, in hex>"."""
        # One tobytes() sliced per band: the same bytes as each band's values[i * r:(i + 1) * r].tobytes();
        # copying an empty blake2b(digest_size=8) is cheaper than making one with the keyword each time.
        step = values.itemsize * self.rows
        raw = values.tobytes()
        keys = []
        for i, prefix in enumerate(self._band_prefixes):
            h = self._blake2b_64.copy()
            h.update(raw[i * step:(i + 1) * step])
            keys.append(prefix + h.hexdigest())
        return keys


def similarity(a: Signature, b_values: np.ndarray, b_size: int) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the smaller set in the larger)."""
    jac = float(np.count_nonzero(a.minhash == b_values)) / len(a.minhash)
    small = min(a.size, b_size)
    if small == 0:
        return jac, 0.0
    inter = jac * (a.size + b_size) / (1.0 + jac)
    return jac, min(1.0, inter / small)


class SignatureIndex(Protocol):
    """Where signatures live. Documents: {_id: canonical_url, story_id, bands, minhash (bytes),
    size, published_at (UTC), seen_at, site, url, scheme}."""

    def get(self, key: str) -> dict | None: ...

    def candidates(self, bands: list[str], not_before: datetime) -> Iterable[dict]: ...

    def add(self, doc: dict) -> None: ...


class MemoryIndex:
    """An in-process SignatureIndex (benchmarks, tests)."""

    def __init__(self) -> None:
        self.docs: dict[str, dict] = {}
        self.by_band: dict[str, list[str]] = defaultdict(list)

    def get(self, key: str) -> dict | None:
        return self.docs.get(key)

    def candidates(self, bands: list[str], not_before: datetime) -> Iterable[dict]:
        keys = {k for band in bands for k in self.by_band.get(band, ())}
        return [d for k in keys if (d := self.docs[k])["seen_at"] >= not_before]

    def add(self, doc: dict) -> None:
        if doc["_id"] not in self.docs:
            for band in doc["bands"]:
                self.by_band[band].append(doc["_id"])
        self.docs[doc["_id"]] = doc


def new_story_id(canonical_url: str) -> str:
    """A story is named after its first article: the same input gives the same ids on every run."""
    return "s" + hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Assignment:
    story_id: str
    new_story: bool
    matched: str | None = None  # canonical URL of the best match
    jaccard: float = 0.0
    candidates: int = 0
    refused_scheme: int = 0  # candidates signed under another scheme, not compared


class StoryClusterer:
    """Gives each article a story_id, using (and adding to) a SignatureIndex."""

    def __init__(self, index: SignatureIndex, params: StoryParams = StoryParams(), signer: Signer | None = None):
        self.index = index
        self.params = params
        self.signer = signer or Signer(params)

    def is_match(self, sig: Signature, published: datetime, other: dict) -> tuple[bool, float]:
        if other.get("scheme") != self.signer.scheme:
            return False, 0.0  # signed another way: never compared (assign counts it)
        other_pub = other.get("published_at") or other.get("seen_at")
        if published and other_pub and abs(published - other_pub) > timedelta(hours=self.params.window_hours):
            return False, 0.0
        other_values = np.frombuffer(other["minhash"], dtype=np.uint32)
        jac, cont = similarity(sig, other_values, other["size"])
        ok = jac >= self.params.threshold or (
            cont >= self.params.containment and min(sig.size, other["size"]) >= self.params.min_shingles
        )
        return ok, jac

    def assign(self, key: str, lead: str, body: Sequence[str], published_at=None, now: datetime | None = None,
               site: str = "", url: str = "", signature: Signature | None = None) -> Assignment:
        """Cluster one article (`key` is its canonical URL) and record its signature (`signature`: the one
        `self.signer` gives for lead and body, when the caller computed it already)."""
        now = to_utc(now) or utcnow()
        published = to_utc(published_at) or now
        sig = signature if signature is not None else self.signer.sign(story_text(lead, body))
        known = self.index.get(key)
        best: tuple[float, dict] | None = None
        candidates = refused = 0
        if sig.bands:
            not_before = now - timedelta(days=self.params.signature_days)
            for other in self.index.candidates(sig.bands, not_before):
                if other["_id"] == key:
                    continue
                candidates += 1
                if other.get("scheme") != self.signer.scheme:
                    refused += 1
                    continue
                ok, jac = self.is_match(sig, published, other)
                if ok and (best is None or jac > best[0]):
                    best = (jac, other)
        if known is not None:  # seen before (a revision; or signed under another scheme, now re-signed): its story
            story_id, new = known["story_id"], False
        elif best is not None:
            story_id, new = best[1]["story_id"], False
        else:
            story_id, new = new_story_id(key), True
        self.index.add({
            "_id": key, "story_id": story_id, "bands": sig.bands, "minhash": sig.minhash.tobytes(),
            "size": sig.size, "published_at": published, "seen_at": now, "site": site, "url": url,
            "scheme": self.signer.scheme,
        })
        return Assignment(story_id, new, best[1]["_id"] if best else None, best[0] if best else 0.0, candidates,
                          refused)


def pairwise_scores(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of a clustering: (precision, recall, true pairs, predicted pairs,
    correct pairs), where a pair is two articles in one cluster."""
    def pairs(labels: Sequence[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            groups[label].append(i)
        return {(a, b) for members in groups.values() for i, a in enumerate(members) for b in members[i + 1:]}

    true_pairs, pred_pairs = pairs(truth), pairs(predicted)
    correct = len(true_pairs & pred_pairs)
    precision = correct / len(pred_pairs) if pred_pairs else 1.0
    recall = correct / len(true_pairs) if true_pairs else 1.0
    return precision, recall, len(true_pairs), len(pred_pairs), correct
