"""Story clustering: quality on the syndication fixture set, in memory and through the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsbot.stories import MemoryIndex, StoryClusterer, StoryParams, pairwise_scores, to_utc_naive
from newsbot.story_store import STORIES, StoreIndex, ensure_story_indexes, record_story
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


@pytest.mark.parametrize("backend", ["embedded"])
def test_clusters_hold_across_runs_through_the_store(backend, tmp_path):
    """Half of the copies clustered by one client (one run), the rest by another: same quality, and the
    stories collection has one document per story with every outlet once."""
    from newsbot.store import StoreConfig, open_client

    copies = _copies()
    now = _now(copies)
    config = StoreConfig(None, "t_stories", tmp_path)
    assigned: dict[str, str] = {}
    half = len(copies) // 2
    for part in (copies[:half], copies[half:]):
        client = open_client(config)
        db = client[config.db_name]
        ensure_story_indexes(db)
        part_ids = _cluster(StoryClusterer(StoreIndex(db)), part, now)
        for c in part:
            record_story(db, part_ids[c["url"]], site=c["site"], url=c["url"], title=c["title"], agency=c["agency"],
                         published_at=to_utc_naive(c["published_at"]), now=now)
        assigned.update(part_ids)
        client.close()
    _assert_quality(copies, assigned)
    client = open_client(config)
    stories = list(client[config.db_name][STORIES].find())
    client.close()
    assert len(stories) == len(set(assigned.values()))
    assert sum(s["outlet_count"] for s in stories) == len(copies)
    assert all(len(s["outlets"]) == s["outlet_count"] and s["agency"] and s["title"] for s in stories)


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
