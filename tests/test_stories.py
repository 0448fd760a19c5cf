"""Story clustering: quality on the syndication fixture set, in memory and through the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsbot.dates import to_utc as to_utc_naive  # (aware UTC now; the name kept for the diff)
from newsbot.store import SIGNATURES, STORIES, story_payload
from newsbot.store.story_index import BatchIndex, RecentSignatures
from newsbot.stories import MemoryIndex, Signer, StoryClusterer, StoryParams, pairwise_scores, story_text
from tests.fixtures.syndication.generate import TEMPLATES, generate, load_stories

TARGET_PRECISION, TARGET_RECALL = 0.99, 0.95


def _copies():
    return sorted(generate(), key=lambda c: to_utc_naive(c["published_at"]))


def _cluster(clusterer: StoryClusterer, copies, now) -> dict[str, str]:
    return {
        c["url"]: clusterer.assign(c["url"], c["lead"], c["body"], published_at=c["published_at"], now=now,
                                   site=c["site"], url=c["url"]).story_id
        for c in copies
    }


def _now(copies):
    return max(to_utc_naive(c["published_at"]) for c in copies) + timedelta(hours=1)


def test_fixture_set_is_big_enough():
    stories, copies = load_stories(), generate()
    assert len(stories) >= 30
    assert len(copies) >= 60
    assert len({c["site"] for c in copies if c["site"] in TEMPLATES}) >= 4
    negatives = [s for s in stories if s.get("related")]
    assert len(negatives) >= 10
    assert {s["kind"] for s in negatives} == {"follow-up", "same-topic", "province"}


def _assert_quality(copies, assigned):
    truth = [c["story"] for c in copies]
    predicted = [assigned[c["url"]] for c in copies]
    precision, recall, *_ = pairwise_scores(truth, predicted)
    assert precision >= TARGET_PRECISION and recall >= TARGET_RECALL, (precision, recall)
    by_story = {c["story"]: assigned[c["url"]] for c in copies}
    for story in load_stories():  # every hard negative is a story of its own
        if story.get("related"):
            assert by_story[story["id"]] != by_story[story["related"]], story["id"]


def test_precision_and_recall_in_memory():
    copies = _copies()
    _assert_quality(copies, _cluster(StoryClusterer(MemoryIndex()), copies, _now(copies)))


def test_clusters_hold_across_runs_through_the_store(store_backend):
    """Half of the copies clustered in one run, the rest in another (each: signatures and band keys read
    from the store, what the run made written by the store's one write path): same quality, and the
    stories collection has one document per story with every outlet once."""
    copies = _copies()
    now = _now(copies)
    signer = Signer()
    assigned: dict[str, str] = {}
    half = len(copies) // 2
    for part in (copies[:half], copies[half:]):
        sigs = {c["url"]: signer.sign(story_text(c["lead"], c["body"])) for c in part}
        with store_backend.store() as store:
            index = BatchIndex(store, list(sigs), [b for s in sigs.values() for b in s.bands], now - timedelta(days=7),
                               RecentSignatures(0))  # nothing kept between the runs but the store
            clusterer = StoryClusterer(index, signer=signer)
            ops = []
            for c in part:
                story_id = clusterer.assign(c["url"], c["lead"], c["body"], published_at=c["published_at"], now=now,
                                            site=c["site"], url=c["url"], signature=sigs[c["url"]]).story_id
                assigned[c["url"]] = story_id
                ops += [(SIGNATURES, index.added[c["url"]]),
                        (STORIES, story_payload(story_id, site=c["site"], url=c["url"], title=c["title"],
                                                agency=c["agency"], published_at=c["published_at"], now=now))]
            counts = store.write(ops)
            assert counts.written == len(ops) and not counts.failed
    _assert_quality(copies, assigned)
    with store_backend.store() as store:
        stories = store.find(STORIES)
        assert len(store.find(SIGNATURES)) == len(copies)
    assert len(stories) == len(set(assigned.values()))
    assert sum(s["outlet_count"] for s in stories) == len(copies)
    assert all(len(s["outlets"]) == s["outlet_count"] and s["agency"] and s["title"] for s in stories)


def test_a_signature_of_another_scheme_is_never_compared(store_backend):
    """The store holds a signature of the same text signed under another scheme (e.g. another datasketch):
    it shares band keys, but it is refused and counted, not compared; the same URL seen again keeps its story
    and is re-signed under the current scheme."""
    story = load_stories()[0]
    signer = Signer()
    now = to_utc_naive("2026-10-05T05:00:00+03:00")
    sig = signer.sign(story_text(story["paragraphs"][0], story["paragraphs"][1:]))
    old = {"_id": "https://eski.example/1", "story_id": "s-old", "bands": sig.bands, "minhash": sig.minhash.tobytes(),
           "size": sig.size, "published_at": now, "seen_at": now, "site": "eski.example",
           "url": "https://eski.example/1", "scheme": "mh0-datasketch-1.6"}
    with store_backend.store() as store:
        assert not store.write([(SIGNATURES, old)]).failed
        assert signer.scheme != old["scheme"] and signer.scheme.startswith("mh1-")

        def assign(url: str):
            index = BatchIndex(store, [url], sig.bands, now - timedelta(days=7), RecentSignatures())
            result = StoryClusterer(index, signer=signer).assign(url, story["paragraphs"][0], story["paragraphs"][1:],
                                                                 published_at=now, now=now, signature=sig)
            return result, index.added[url]

        fresh, _ = assign("https://yeni.example/1")
        assert fresh.new_story and fresh.story_id != "s-old"
        assert fresh.candidates == 1 and fresh.refused_scheme == 1 and fresh.jaccard == 0.0
        same_url, resigned = assign("https://eski.example/1")
        assert same_url.story_id == "s-old" and resigned["scheme"] == signer.scheme


def test_the_frozen_permutations_are_datasketchs_affine32_seed_1():
    """newsbot/data/minhash_permutations.json (scripts/make_minhash_permutations.py) holds the parameters every
    stored signature was made with; the signer reads only the file."""
    from datasketch import MinHash

    from newsbot.stories import frozen_permutations
    from scripts.make_minhash_permutations import permutations

    for n in (64, 128, 256):
        a, b = frozen_permutations(n)
        want_a, want_b = MinHash(num_perm=n, seed=1, scheme="affine32").permutations
        assert a.tolist() == [int(v) for v in want_a] == permutations(n)[0]
        assert b.tolist() == [int(v) for v in want_b] == permutations(n)[1]
    with pytest.raises(ValueError, match="make_minhash_permutations.py 100"):
        Signer(StoryParams(num_perm=100))


def _story(paragraphs, published):
    return {"lead": paragraphs[0], "body": paragraphs[1:], "published_at": published}


def test_same_text_days_apart_is_another_story():
    story = load_stories()[0]
    clusterer = StoryClusterer(MemoryIndex(), StoryParams(window_hours=36))
    first = clusterer.assign("https://a.example/1", story["paragraphs"][0], story["paragraphs"][1:],
                             published_at="2026-10-05T04:12:00+03:00", now=to_utc_naive("2026-10-05T05:00:00+03:00"))
    later = clusterer.assign("https://b.example/1", story["paragraphs"][0], story["paragraphs"][1:],
                             published_at="2026-10-08T04:12:00+03:00", now=to_utc_naive("2026-10-08T05:00:00+03:00"))
    same_day = clusterer.assign("https://c.example/1", story["paragraphs"][0], story["paragraphs"][1:],
                                published_at="2026-10-05T20:00:00+03:00", now=to_utc_naive("2026-10-08T05:00:00+03:00"))
    assert first.new_story and later.new_story and first.story_id != later.story_id
    assert same_day.story_id == first.story_id and not same_day.new_story


def test_turkish_case_folding_and_short_texts():
    clusterer = StoryClusterer(MemoryIndex())
    text = load_stories()[2]["paragraphs"]
    a = clusterer.assign("https://a.example/x", text[0], text[1:])
    upper = [p.replace("i", "İ").replace("ı", "I").upper() for p in text]
    b = clusterer.assign("https://b.example/x", upper[0], upper[1:])
    assert b.story_id == a.story_id and b.jaccard == 1.0
    short = clusterer.assign("https://c.example/x", "Kısa haber.", [])
    again = clusterer.assign("https://d.example/x", "Kısa haber.", [])
    assert short.story_id != again.story_id  # too short to compare: each its own story


def test_a_revision_keeps_its_story():
    clusterer = StoryClusterer(MemoryIndex())
    text = load_stories()[4]["paragraphs"]
    first = clusterer.assign("https://a.example/x", text[0], text[1:])
    revised = clusterer.assign("https://a.example/x", "Tamamen yeni bir giriş paragrafı yazıldı.", ["Ve yeni gövde."])
    assert revised.story_id == first.story_id and not revised.new_story


def test_recent_signatures_keep_the_latest_and_forget_the_oldest_bands():
    recent = RecentSignatures(2)
    for n, bands in enumerate((["0:a", "1:b"], ["0:a", "1:c"], ["0:d"])):
        recent.add({"_id": f"u{n}", "bands": bands})
    assert list(recent.docs) == ["u1", "u2"]
    assert [d["_id"] for d in recent.with_bands(["0:a", "1:b", "0:d"])] == ["u1", "u2"]
    recent.add({"_id": "u1", "bands": ["9:z"]})  # re-signed: its old bands are gone
    assert recent.with_bands(["0:a", "1:c"]) == [] and recent.by_band == {"0:d": "u2", "9:z": "u1"}


def test_a_batch_sees_this_runs_copy_of_a_stored_signature_in_the_stored_place(store_backend):
    """This run's recent signatures replace their stored copies (the store does not decode those) and keep the
    stored order; a recent copy that no longer shares a band with the batch leaves the stored one in place."""
    now = to_utc_naive("2026-10-05T05:00:00+03:00")

    def sig(url: str, story: str, bands: list[str]) -> dict:
        return {"_id": url, "story_id": story, "bands": bands, "minhash": b"\x00" * 8, "size": 20,
                "published_at": now, "seen_at": now, "site": "x", "url": url, "scheme": "mh1-test"}

    stored = [sig("https://a/1", "s-a", ["0:x"]), sig("https://b/1", "s-b-stored", ["0:x"]),
              sig("https://d/1", "s-d-stored", ["1:y"])]
    recent = RecentSignatures()
    for doc in (sig("https://c/1", "s-c", ["0:x"]), sig("https://b/1", "s-b-recent", ["0:x"]),
                sig("https://d/1", "s-d-recent", ["5:q"])):  # d re-signed: other bands
        recent.add(doc)
    with store_backend.store() as store:
        assert not store.write([(SIGNATURES, doc) for doc in stored]).failed
        index = BatchIndex(store, ["https://new/1"], ["0:x", "1:y"], now - timedelta(days=7), recent)
        found = index.candidates(["0:x", "1:y"], now - timedelta(days=7))
    assert [(d["_id"], d["story_id"]) for d in found] == [
        ("https://a/1", "s-a"), ("https://b/1", "s-b-recent"), ("https://d/1", "s-d-stored"), ("https://c/1", "s-c")]
