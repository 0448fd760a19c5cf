"""Syndication benchmark: pairwise precision / recall of story clustering and milliseconds per article.

    python bench/syndication.py                       # fixture set, in-memory signature index
    python bench/syndication.py --store embedded      # the same through the store (sqlite3 under a temp dir)
    python bench/syndication.py --store "$MONGO_URI"  # … or a MongoDB server (a throw-away database)
    python bench/syndication.py --scale 100000        # first fill the index with 100,000 synthetic
                                                      # signatures, then time the fixture articles

The fixture set is generated from tests/fixtures/syndication/stories.toml (generate.py). Articles are
clustered in order of publication, as a crawl would see them.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.dates import to_utc as to_utc_naive  # noqa: E402 - (aware UTC; the name kept)
from newsbot.stories import (  # noqa: E402
    MemoryIndex,
    StoryClusterer,
    StoryParams,
    pairwise_scores,
)
from tests.fixtures.syndication.generate import generate  # noqa: E402


class StoreBackedIndex:
    """A SignatureIndex read from and written to a newsbot store, one article at a time (the crawl batches
    these reads and writes: pipelines/dedupe.py, newsbot/store/story_index.py)."""

    def __init__(self, store) -> None:
        self.store = store

    def get(self, key: str):
        return self.store.signatures([key]).get(key)

    def candidates(self, bands, not_before):
        return self.store.signatures_by_bands(bands, not_before)

    def add(self, doc: dict) -> None:
        self.add_many([doc])

    def add_many(self, docs: list[dict]) -> None:
        from newsbot.store import SIGNATURES

        counts = self.store.write([(SIGNATURES, doc) for doc in docs])
        if counts.failed or counts.rejected:
            raise RuntimeError(counts.error)


@contextlib.contextmanager
def open_index(store: str | None):
    """(index, description) for --store: None → MemoryIndex, "embedded" → the sqlite3 store in a temp dir,
    else a MongoDB URI (a throw-away database)."""
    if not store:
        yield MemoryIndex(), "in-memory index"
        return
    from newsbot.store import StoreConfig, open_store

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        db_name = f"bench_{uuid.uuid4().hex[:8]}"
        uri = None if store == "embedded" else store
        with open_store(StoreConfig(uri, db_name, Path(tmp))) as opened:
            opened.ensure_schema()
            try:
                kind = "embedded sqlite3" if uri is None else "MongoDB server"
                yield StoreBackedIndex(opened), f"store index ({kind})"
            finally:
                if uri:
                    with contextlib.suppress(Exception):
                        opened.client.drop_database(db_name)


def fill_synthetic(clusterer: StoryClusterer, n: int, now, seed: int = 7) -> float:
    """Add n random signatures (distinct stories, seen within the window); returns seconds taken."""
    rng = np.random.default_rng(seed)
    signer = clusterer.signer
    start = time.perf_counter()
    docs = []
    for i in range(n):
        values = rng.integers(0, 2**32 - 1, size=clusterer.params.num_perm, dtype=np.uint32)
        seen = now - timedelta(minutes=int(rng.integers(0, 60 * 24 * 3)))
        docs.append({"_id": f"https://synthetic.example/{i}", "story_id": f"syn{i}", "bands": signer.band_keys(values),
                     "minhash": values.tobytes(), "size": 120, "published_at": seen, "seen_at": seen,
                     "site": "synthetic.example", "url": f"https://synthetic.example/{i}", "scheme": signer.scheme})
    if isinstance(clusterer.index, StoreBackedIndex):
        for i in range(0, n, 1000):
            clusterer.index.add_many(docs[i:i + 1000])
    else:
        for doc in docs:
            clusterer.index.add(doc)
    return time.perf_counter() - start


def run(store: str | None = None, scale: int = 0, params: StoryParams = StoryParams(), verbose: bool = True) -> dict:
    copies = sorted(generate(), key=lambda c: to_utc_naive(c["published_at"]))
    with open_index(store) as (index, where):
        clusterer = StoryClusterer(index, params)
        now = max(to_utc_naive(c["published_at"]) for c in copies) + timedelta(hours=1)
        fill_seconds = fill_synthetic(clusterer, scale, now) if scale else 0.0
        timings, predicted, candidates = [], [], []
        for c in copies:
            start = time.perf_counter()
            result = clusterer.assign(c["url"], c["lead"], c["body"], published_at=c["published_at"], now=now,
                                      site=c["site"], url=c["url"])
            timings.append((time.perf_counter() - start) * 1000)
            predicted.append(result.story_id)
            candidates.append(result.candidates)
    truth = [c["story"] for c in copies]
    precision, recall, true_pairs, pred_pairs, correct = pairwise_scores(truth, predicted)
    report = {
        "where": where, "articles": len(copies), "stories": len(set(truth)), "sites": len({c["site"] for c in copies}),
        "hard_negatives": sum(1 for s in _stories() if s.get("related")), "predicted_stories": len(set(predicted)),
        "precision": precision, "recall": recall, "true_pairs": true_pairs, "predicted_pairs": pred_pairs,
        "correct_pairs": correct, "stored_signatures": scale, "fill_seconds": fill_seconds,
        "ms_per_article_mean": statistics.fmean(timings), "ms_per_article_p50": statistics.median(timings),
        "ms_per_article_p95": sorted(timings)[int(0.95 * (len(timings) - 1))],
        "candidates_per_article_mean": statistics.fmean(candidates), "bands": clusterer.signer.bands,
        "rows": clusterer.signer.rows,
    }
    if verbose:
        _explain(copies, predicted)
    return report


def _stories():
    from tests.fixtures.syndication.generate import load_stories

    return load_stories()


def _explain(copies, predicted) -> None:
    """Print the articles of every wrongly merged or split story."""
    by_truth: dict[str, set[str]] = {}
    by_pred: dict[str, set[str]] = {}
    for c, p in zip(copies, predicted, strict=True):
        by_truth.setdefault(c["story"], set()).add(p)
        by_pred.setdefault(p, set()).add(c["story"])
    for story, preds in sorted(by_truth.items()):
        if len(preds) > 1:
            print(f"  split:  {story} -> {len(preds)} clusters", file=sys.stderr)
    for stories in by_pred.values():
        if len(stories) > 1:
            print(f"  merged: {sorted(stories)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help='"embedded" or a MongoDB URI (default: in-memory index)')
    parser.add_argument("--scale", type=int, default=0, help="synthetic signatures stored before timing")
    args = parser.parse_args(argv)
    r = run(args.store, args.scale)
    print(f"{r['where']}: {r['articles']} articles, {r['stories']} stories ({r['hard_negatives']} hard negatives), "
          f"{r['sites']} sites; LSH {r['bands']} bands x {r['rows']} rows")
    if r["stored_signatures"]:
        print(f"stored signatures before timing: {r['stored_signatures']:,} (filled in {r['fill_seconds']:.1f} s)")
    print(f"pairwise precision {r['precision']:.4f}  recall {r['recall']:.4f}  "
          f"({r['correct_pairs']} of {r['predicted_pairs']} predicted pairs correct, {r['true_pairs']} true pairs; "
          f"{r['predicted_stories']} clusters)")
    print(f"ms per article: mean {r['ms_per_article_mean']:.2f}  p50 {r['ms_per_article_p50']:.2f}  "
          f"p95 {r['ms_per_article_p95']:.2f}; candidates per article {r['candidates_per_article_mean']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
