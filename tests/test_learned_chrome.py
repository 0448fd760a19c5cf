"""Per-site learned boilerplate (newsbot/extract/learned_chrome.py, pipelines/boilerplate.py) on the dev set's
hand-written stories with site chrome around them; what was learned kept in the store (FerretDB and the
embedded store), written through the store stage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsbot.extract.learned_chrome import LEARN_SPAN, SiteChrome, paragraph_key
from newsbot.items import Article
from newsbot.store import LEARNED_CHROME, StoreConfig, learned_chrome_op
from pipelines.boilerplate import LearnedBoilerplatePipeline
from pipelines.store import take_writes
from tests.plugin_mongo import free_port

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "devsites"))
from stories import STORIES  # noqa: E402

# Chrome no phrase rule knows: a slogan, a widget heading, an address line, a counter with changing numbers.
TOP = "Karadeniz'in en hızlı haber sitesi"
WIDGET = "Editörümüzün önerileri"
ADDRESS = "Merkez: Sahil Yolu No: 4 Ünye / Ordu"


def page(story: str, n: int) -> list[str]:
    s = STORIES[story]
    return [TOP, s["lead"], *s["body"], WIDGET, f"Bu sayfa {1000 + 37 * n} kez görüntülendi", ADDRESS]


def article_paragraphs(story: str) -> list[str]:
    return [STORIES[story]["lead"], *STORIES[story]["body"]]


def test_chrome_recurring_on_different_stories_is_learned_and_removed():
    site = SiteChrome()
    stories = ["s01", "s02", "s03", "s04", "s05"]
    kept = []
    for n, story in enumerate(stories):
        paras = page(story, n)
        kept.append([p for p, k in zip(paras, site.observe(paras), strict=True) if k])
    # The first two pages keep it (nothing to learn from yet); from the third page on it is gone.
    assert TOP in kept[0] and ADDRESS in kept[1]
    for n, story in enumerate(stories[2:], start=2):
        assert kept[n] == article_paragraphs(story), n
    assert paragraph_key("Bu sayfa 1.111 kez görüntülendi") in site.learned


def test_a_follow_ups_background_paragraph_is_not_chrome():
    # s06 and its follow-up s07 share a background paragraph; a syndicated re-run of s06 repeats all of it.
    site = SiteChrome()
    shared = STORIES["s06"]["body"][0]
    assert shared in STORIES["s07"]["body"]
    for n, story in enumerate(["s06", "s07", "s06", "s07", "s01", "s02", "s08"]):
        paras = page(story, n)
        keep = site.observe(paras)
        kept = [p for p, k in zip(paras, keep, strict=True) if k]
        for para in article_paragraphs(story):
            assert para in kept, (n, para)
    assert paragraph_key(shared) not in site.learned
    assert paragraph_key(WIDGET) in site.learned  # the same pages' chrome was learned all the same


def test_a_formula_sentence_on_some_stories_is_not_learned():
    formula = "Olayla ilgili soruşturma başlatıldı."
    site = SiteChrome()
    for n, story in enumerate(["s01", "s02", "s03", "s04", "s05", "s08", "s09", "s10", "s11"]):
        paras = page(story, n) + ([formula] if n % 3 == 0 else [])
        keep = site.observe(paras)
        assert all(k for p, k in zip(paras, keep, strict=True) if p == formula), n
    assert paragraph_key(formula) not in site.learned



def test_a_long_crawls_state_stays_small_and_holds_no_article_text():
    site = SiteChrome()
    stories = sorted(STORIES)
    for n in range(3 * LEARN_SPAN):
        site.observe(page(stories[n % len(stories)], n))
    state = site.to_dict()
    assert paragraph_key(TOP) in site.learned and paragraph_key(ADDRESS) in site.learned
    # candidates are tracked by digest: no article paragraph's text is kept, and only the topics of the pages
    # a candidate can still be learned on
    text = json.dumps(state, ensure_ascii=False)
    assert not [p for s in stories for p in article_paragraphs(s) if paragraph_key(p) in text]
    assert len(state["pages"]) == LEARN_SPAN and len(state["keys"]) > LEARN_SPAN


def test_a_state_saved_with_the_candidates_text_goes_on_learning():
    site = SiteChrome()
    for n, story in enumerate(["s01", "s02"]):
        site.observe(page(story, n))
    # the state as version 2 saved it: the widget seen on pages 0 and 1, by its text
    saved = {**site.to_dict(), "version": 2, "keys": [{"key": paragraph_key(WIDGET), "first": 0, "pages": [0, 1]}]}
    paras = page("s03", 2)
    keep = dict(zip(paras, SiteChrome(saved).observe(paras), strict=True))
    assert keep[WIDGET] is False and keep[TOP] is True  # the third sighting of the widget; TOP: its first
    without = dict(zip(paras, SiteChrome({**saved, "keys": []}).observe(paras), strict=True))
    assert without[WIDGET] is True

def _item(story: str, n: int, site: str = "ornek.example") -> Article:
    return Article(url=f"http://{site}/haber/{n}", site=site, title=STORIES[story]["title"], body=page(story, n))


def _crawl(backend, stories, save_pages=50, final=True, start=0, site="ornek.example"):
    """One crawl's boilerplate stage over `stories`, its writes handed to the store as the store stage would
    (those riding with the items, then, unless the crawl died, the closing ones); the pipeline and its items."""
    crawler = get_crawler(settings_dict={"NEWSBOT_LEARN_CHROME_SAVE_PAGES": save_pages})
    pipeline = LearnedBoilerplatePipeline(backend.config, crawler.stats, save_pages)
    items, ops = [], []
    pipeline.carried = []  # the pages whose item carried the state
    for n, story in enumerate(stories, start=start):
        items.append(pipeline.process_item(_item(story, n, site)))
        if taken := take_writes(items[-1]):
            pipeline.carried.append(n)
            ops += taken
    if final:
        ops += pipeline.final_writes()
    pipeline.close_spider()
    if ops:
        with backend.store() as store:
            counts = store.write(ops)
        assert not counts.failed and not counts.rejected, counts.error
    return pipeline, items


def test_what_was_learned_is_kept_in_the_store_for_the_next_crawl(store_backend):
    first, _ = _crawl(store_backend, ["s01", "s02", "s03", "s04"])
    assert first.stats.get_value("newsbot/chrome/learned_new") == 4  # slogan, widget, counter, address
    with store_backend.store() as store:
        (doc,) = store.find(LEARNED_CHROME)
        assert set(store.learned_chrome("ornek.example")["learned"]) == {
            paragraph_key(p) for p in (TOP, WIDGET, ADDRESS, "Bu sayfa 1 kez görüntülendi")}
    assert doc["_id"] == doc["site"] == "ornek.example" and doc["pages_seen"] == 4 and doc["updated_at"].tzinfo

    second, items = _crawl(store_backend, ["s05"])
    assert items[0].body == article_paragraphs("s05")  # the next crawl's first page is already clean
    _, other = _crawl(store_backend, ["s05"], site="baska.example")
    assert TOP in other[0].body  # learned per site


def test_a_crawl_that_dies_keeps_what_it_learned_up_to_its_last_save(store_backend):
    # No closing writes (the process was killed): only what rode with the articles reached the store.
    first, items = _crawl(store_backend, ["s01", "s02", "s03", "s04", "s08", "s09"], save_pages=3, final=False)
    assert first.carried == [2, 5]  # the page that taught the four lines, then 3 pages later
    _, after = _crawl(store_backend, ["s05"], start=6)
    assert after[0].body == article_paragraphs("s05")


def test_the_state_rides_with_every_nth_page_and_the_rest_is_saved_at_close():
    pipeline = LearnedBoilerplatePipeline(StoreConfig(None, "x", Path("/nonexistent")), None, save_pages=4)
    pipeline.store_down = True  # no store: this test is about when states are handed over
    saved = []
    for n, story in enumerate(["s01", "s02", "s03", "s04", "s05", "s08", "s09", "s10", "s11", "s12"]):
        before = pipeline.sites["ornek.example"].chrome.new_keys if pipeline.sites else 0
        ops = take_writes(pipeline.process_item(_item(story, n)))
        learned = pipeline.sites["ornek.example"].chrome.new_keys - before
        saved.append((n, learned, len(ops)))
    assert sum(k for _, k, _ in saved) == 4  # the four chrome lines were learned (on the third page)
    # every 4th page carries the state, whatever it taught; one op per save
    assert [n for n, _, ops in saved if ops] == [3, 7]
    assert all(ops <= 1 for _, _, ops in saved)
    assert [op[1]["pages_seen"] for op in pipeline.final_writes()] == [10]  # pages 7-9 unsaved: saved at close
    assert pipeline.final_writes() == []  # nothing new since


def test_keys_of_two_crawls_of_one_site_are_united(store_backend):
    # Two workers of one site (or a crawl that could not read the store) each save their own learning.
    a, b = paragraph_key(TOP), paragraph_key(ADDRESS)
    with store_backend.store() as store:
        store.write([learned_chrome_op("ornek.example", {"version": 2, "learned": [a], "next_id": 5})])
        store.write([learned_chrome_op("ornek.example", {"version": 2, "learned": [b], "next_id": 3})])
        state = store.learned_chrome("ornek.example")
        assert store.learned_chrome("baska.example") is None
    assert sorted(state["learned"]) == sorted([a, b]) and state["next_id"] == 3


def test_an_unreadable_state_means_learning_afresh(store_backend, caplog):
    with store_backend.store() as store:
        store.write([learned_chrome_op("ornek.example", {"version": 2, "learned": [], "keys": [{"key": "a b"}]})])
    pipeline, items = _crawl(store_backend, ["s01"], final=False)
    assert pipeline.stats.get_value("newsbot/chrome/state_unreadable") == 1
    assert "learned chrome of ornek.example unreadable, learning afresh" in caplog.text
    assert items[0].body == page("s01", 0)


def test_an_unreachable_store_is_one_warning_and_learning_goes_on(tmp_path, caplog):
    config = StoreConfig(f"mongodb://127.0.0.1:{free_port()}/", "t", tmp_path, timeout_ms=300)
    crawler = get_crawler()
    pipeline = LearnedBoilerplatePipeline(config, crawler.stats)
    kept = [pipeline.process_item(_item(story, n)).body for n, story in enumerate(["s01", "s02", "s03", "s04"])]
    pipeline.process_item(_item("s05", 9, site="baska.example"))
    assert crawler.stats.get_value("newsbot/chrome/store_error") == 1  # tried once, not once per site
    assert caplog.text.count("learned chrome: store unavailable") == 1
    assert kept[3] == article_paragraphs("s04")  # learned within this crawl all the same


def test_learning_can_be_turned_off(tmp_path):
    with pytest.raises(NotConfigured):
        LearnedBoilerplatePipeline.from_crawler(
            get_crawler(settings_dict={"NEWSBOT_DATA_DIR": str(tmp_path), "NEWSBOT_LEARN_CHROME": False}))
