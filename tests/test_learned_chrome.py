"""Per-site learned boilerplate (newsbot/extract/learned_chrome.py, pipelines/boilerplate.py) on the dev set's
hand-written stories with site chrome around them."""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.utils.test import get_crawler

from newsbot.extract.learned_chrome import FileChromeMemory, SiteChrome, paragraph_key
from newsbot.items import Article
from pipelines.boilerplate import LearnedBoilerplatePipeline

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


def _item(story: str, n: int, site: str = "ornek.example") -> Article:
    return Article(url=f"http://{site}/haber/{n}", site=site, title=STORIES[story]["title"], body=page(story, n))


def test_what_was_learned_is_kept_for_the_next_crawl(tmp_path):
    crawler = get_crawler(settings_dict={"NEWSBOT_DATA_DIR": str(tmp_path)})
    first = LearnedBoilerplatePipeline.from_crawler(crawler)
    for n, story in enumerate(["s01", "s02", "s03", "s04"]):
        first.process_item(_item(story, n))
    first.close_spider()
    assert crawler.stats.get_value("newsbot/chrome/learned_new") == 4  # slogan, widget, counter, address
    assert list((tmp_path / "learned_chrome").glob("*.json"))

    second = LearnedBoilerplatePipeline.from_crawler(get_crawler(settings_dict={"NEWSBOT_DATA_DIR": str(tmp_path)}))
    item = second.process_item(_item("s05", 0))
    assert item.body == article_paragraphs("s05")  # the next crawl's first page is already clean
    other = second.process_item(_item("s05", 1, site="baska.example"))
    assert TOP in other.body  # learned per site


def test_a_corrupt_memory_file_means_learning_afresh(tmp_path, caplog):
    memory = FileChromeMemory(tmp_path)
    memory.save("ornek.example", {"version": 1, "learned": [paragraph_key(TOP)]})
    assert SiteChrome(memory.load("ornek.example")).learned == {paragraph_key(TOP)}
    (tmp_path / "ornek.example.json").write_text("{not json", encoding="utf-8")
    assert memory.load("ornek.example") is None
    assert "learning afresh" in caplog.text
    assert SiteChrome(memory.load("ornek.example")).learned == set()


def test_learning_can_be_turned_off(tmp_path):
    import pytest
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        LearnedBoilerplatePipeline.from_crawler(
            get_crawler(settings_dict={"NEWSBOT_DATA_DIR": str(tmp_path), "NEWSBOT_LEARN_CHROME": False}))
