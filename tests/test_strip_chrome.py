"""Chrome stripping: the phrase data, the pure functions, the pipeline and the strip command."""

from __future__ import annotations

import json

import pytest

from newsbot.items import Article
from newsbot.text import fold, parse_bare_date_line, same_text
from pipelines.strip_chrome import (
    ChromeDataError,
    StripChromePipeline,
    load_rules,
    strip_paragraphs,
    strip_text,
)
from pipelines.strip_chrome_cli import main as strip_main
from tests.plugin_sites import FIXTURES

SEED = FIXTURES / "seed-local-site-iha-story.txt"  # from ../shared/examples (see turkish/PROVENANCE.md)
TITLE = "Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı"
LEAD_START = "Kuzey Kore lideri Kim Jong-un, Rusya Dışişleri Bakanı Sergey Lavrov’u kıyı kenti Wonsan’da ağırladı."
CHROME = ["HABER KAYNAĞI", "Editor :", "SİZİN DÜŞÜNCELERİNİZ", "BUNLAR DA İLGİNİZİ", "ÇOK OKUNAN", "12-07-2025"]
ARTICLE = ("Kuzey Kore lideri Kim Jong-un, diplomatik temaslarda bulunmak üzere ülkesini ziyaret eden Rusya "
           "Dışişleri Bakanı Sergey Lavrov’u kıyı kenti Wonsan’da ağırladı ve uzun bir görüşme yaptı.")


class FakeStats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count


def _assert_no_chrome(paragraphs: list[str]) -> None:
    for para in paragraphs:
        for chrome in CHROME:
            assert fold(chrome) not in fold(para), (chrome, para)


# -- the seed text ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed():
    return strip_text(SEED.read_text(encoding="utf-8"))


def test_seed_fields(seed):
    assert seed.fields["title"] == TITLE
    assert seed.fields["category"] == "Siyaset"
    assert seed.fields["published_at"] == "2025-07-12T17:12:00+03:00"
    assert seed.fields["agency"] == "İHA"
    assert seed.fields["editor"] == "Haber Merkezi"
    # The lead is the properly cased copy, not the page's lower-cased summary block.
    assert seed.fields["lead"].startswith(LEAD_START)


def test_seed_body_has_no_chrome_title_or_lead(seed):
    _assert_no_chrome(seed.body)
    assert not any(same_text(p, TITLE) for p in seed.body)
    assert not any(same_text(p, seed.fields["lead"]) for p in seed.body)
    assert not any(fold(LEAD_START) in fold(p) for p in seed.body)
    assert seed.body[0].startswith("Kuzey Kore lideri Kim Jong-un, diplomatik temaslarda")
    assert seed.body[-1].endswith("konuları görüştük\" şeklinde konuştu.")
    # Sub-headings glued to the paragraph before them in the text dump become their own entries.
    assert '"Putin, tüm ikili anlaşmalara bağlılığını yineledi"' in seed.body
    assert 'Kuzey Koreli mevkidaşı ile yaptığı görüşmeyi "verimli" olarak nitelendirdi' in seed.body
    assert len(seed.body) == 5


def test_seed_with_known_title(seed):
    again = strip_text(SEED.read_text(encoding="utf-8"), title=TITLE)
    assert again.body == seed.body and again.fields == seed.fields


def test_strip_command_prints_json(capsys):
    assert strip_main([str(SEED), "--title", TITLE]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["agency"] == "İHA" and out["editor"] == "Haber Merkezi" and out["category"] == "Siyaset"
    assert out["published_at"] == "2025-07-12T17:12:00+03:00"
    assert out["stripped"]["trailer"] == 2
    _assert_no_chrome(out["body"])


@pytest.mark.parametrize("argv", [[], ["/no/such/file.txt"], ["a.txt", "--bogus"], ["a.txt", "--title"]])
def test_strip_command_bad_args(argv, capsys):
    assert strip_main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsbot strip:") and err.count("\n") == 1


def test_strip_command_bad_phrase_file(tmp_path, capsys):
    assert strip_main([str(SEED), "--chrome", str(tmp_path / "missing.toml")]) == 2
    assert "not found" in capsys.readouterr().err


# -- single rules ----------------------------------------------------------------------------------
def test_glued_counter_and_button_rows_are_removed():
    result = strip_paragraphs(["Paylaş Google News'te takip et Yorum yap", ARTICLE, "ÇOK OKUNAN HABERLER3664",
                               "Valilikten kuvvetli yağış uyarısı"])
    assert result.body == [ARTICLE]
    assert result.counts() == {"phrase": 1, "cut_after": 2}


def test_counter_glued_to_heading_before_the_article_only_drops_the_heading():
    result = strip_paragraphs(["ÇOK OKUNAN HABERLER 3664", ARTICLE])
    assert result.body == [ARTICLE]


def test_genuine_paragraphs_mentioning_chrome_words_are_kept():
    body = [
        ARTICLE,
        "Vatandaşlar, yaşadıkları anları sosyal medyada paylaş butonuyla arkadaşlarına iletti.",
        "İlgili kurumlar, ilgili haberler yayımlandıktan sonra açıklama yaptı.",
        "Yorum yapmak istemeyen bakan, kısa süre sonra salondan ayrıldı.",
        "Kaynak",
        "Paylaşım ekonomisi",
        "Belediye, izin alınmadan yapılan kaçak yapıların yıkılacağını açıkladı.",
        "Ekipler, izinsiz kullanılan araçlara el koydu.",
        "AA'ya konuştu",
    ]
    result = strip_paragraphs(body)
    assert result.body == body
    assert result.removed == [] and result.fields == {}


def test_notices_and_copyright_lines_are_removed():
    body = [
        ARTICLE,
        "Anadolu Ajansı web sitesinde, AA Haber Akış Sistemi (HAS) üzerinden abonelere sunulan haberler, "
        "özetlenerek yayımlanmaktadır. Abonelik için lütfen iletişime geçiniz.",
        "Bu bir sıcak gelişme haberidir. Kısa süre içinde güncellenecektir.",
        "Son dakika gelişmelere anında ulaşmak için AA uygulamasını indirin.",
        "© 2025 Yerel Haber. Tüm hakları saklıdır.",
        "Haberlerin izin alınmadan kullanılması yasaktır.",
        "Sitemizde çerezler kullanılmaktadır. Detaylı bilgi için Çerez Politikası'nı inceleyebilirsiniz. Kabul Et",
        "Etiketler: Rusya, Kuzey Kore",
        "Haberin Devamı",
    ]
    result = strip_paragraphs(body)
    assert result.body == [ARTICLE]


def test_reading_time_lines_are_removed_in_several_languages():
    notices = ["Estimated reading time: 6 minutes", "Ten tekst przeczytasz w mniej niż minutę", "Lesezeit: ca. 3 Min.",
               "5 min read", "Temps de lecture : 4 minutes", "3 dk okuma"]
    sentences = ["Reading time is a poor guide: 5 minutes for one reader are 20 for another.",
                 "Die Lesezeit von Kindern ist im Jahr 2020 auf 12 Minuten am Tag gestiegen."]
    assert strip_paragraphs([ARTICLE, *notices, *sentences]).body == [ARTICLE, *sentences]


def test_title_lead_duplicates_and_date_lines():
    lead = fold(LEAD_START)  # the page's summary block, lower-cased like the seed's
    body = [TITLE + " 12-07-2025 17:12", LEAD_START, "12 Temmuz 2025 Cumartesi 17:12", ARTICLE, fold(ARTICLE)]
    result = strip_paragraphs(body, title=TITLE, lead=lead)
    assert result.body == [ARTICLE]
    assert result.fields["published_at"] == "2025-07-12T17:12:00+03:00"
    assert result.fields["lead"] == LEAD_START  # the better-cased copy wins
    assert sorted(result.counts()) == ["date_line", "duplicate", "lead_repeat", "title_repeat"]


def test_truncated_lead_is_replaced_by_the_repeated_head_paragraph():
    full = LEAD_START + " Kim ile yaptığı görüşmede Putin’in mesajını aktaran Lavrov açıklama yaptı."
    result = strip_paragraphs([fold(full), full, ARTICLE], lead=LEAD_START)
    assert result.fields["lead"] == full and result.body == [ARTICLE]


@pytest.mark.parametrize("trailer, agency, editor", [
    ("HABER KAYNAĞI : İHA", "İHA", None),
    ("Kaynak: İHA", "İHA", None),
    ("Kaynak: IHA / Editör: TE Bilisim", "İHA", "TE Bilisim"),
    ("Odatv.com / Kaynak: İHA / İHA Ordu", "İHA", None),
    ("Editor : Haber Merkezi", None, "Haber Merkezi"),
    ("İHA", "İHA", None),
    ("(DHA)", "DHA", None),
    ("Kaynak: Anadolu Ajansı", "AA", None),
])
def test_trailers_become_fields(trailer, agency, editor):
    result = strip_paragraphs([ARTICLE, trailer])
    assert result.body == [ARTICLE]
    assert result.fields.get("agency") == agency and result.fields.get("editor") == editor


def test_trailing_agency_markers_are_cut_from_paragraphs():
    result = strip_paragraphs([ARTICLE + " (DHA)", "Açıklama bekleniyor. İHA"])
    assert result.body == [ARTICLE, "Açıklama bekleniyor."]
    assert result.fields["agency"] == "DHA"  # the first credit found wins
    result = strip_paragraphs([ARTICLE, "Olay yerine ekipler sevk edildi. İHA"])
    assert result.body[-1] == "Olay yerine ekipler sevk edildi." and result.fields["agency"] == "İHA"


def test_widget_injected_mid_body_drops_only_its_links():
    body = [ARTICLE, "İlgili Haberler", "Valilikten kuvvetli yağış uyarısı", ARTICLE.replace("ağırladı", "gördü"),
            "Kaynak: IHA / Editör: TE Bilisim"]
    result = strip_paragraphs(body)
    assert result.body == [ARTICLE, ARTICLE.replace("ağırladı", "gördü")]
    assert result.fields == {"agency": "İHA", "editor": "TE Bilisim"}


def test_memoised_answers_stay_right_across_pages_and_rule_changes():
    # The matcher memoises trailer answers and newsbot.text memoises tokens: changing one page's result
    # must not change the next page's, and rules added later must take effect.
    rules = load_rules()
    body = [ARTICLE, "Kaynak: IHA / Editör: TE Bilisim"]
    first = strip_paragraphs(body, rules=rules)
    first.fields["agency"] = "changed"
    first.body.append("changed")
    second = strip_paragraphs(body, rules=rules)
    assert second.fields == {"agency": "İHA", "editor": "TE Bilisim"} and second.body == [ARTICLE]
    assert strip_paragraphs([ARTICLE, "Yayına hazırlayan: Ayşe Yılmaz"], rules=rules).fields == {}
    rules.add({"trailer": [{"pattern": "yay[ıi]na haz[ıi]rlayan\\s*:\\s*(?P<editor>.+)"}]}, "extra")
    assert strip_paragraphs([ARTICLE, "Yayına hazırlayan: Ayşe Yılmaz"], rules=rules).fields == {
        "editor": "Ayşe Yılmaz"}


def test_bare_date_lines():
    assert parse_bare_date_line("12-07-2025 17:12") == ("2025-07-12T17:12:00+03:00", True)
    assert parse_bare_date_line("05.04.2025 - Güncelleme : 05.04.2025") == ("2025-04-05", True)
    assert parse_bare_date_line("10 Mart 2026 Salı - 01:22:55") == ("2026-03-10T01:22:55+03:00", True)
    assert parse_bare_date_line("Güncelleme: 20 Nisan 2026")[1]
    assert parse_bare_date_line("12-07-2025 17:12 tarihinde açıklandı") == (None, False)


# -- user data -------------------------------------------------------------------------------------
def test_extra_phrase_files_take_effect(tmp_path):
    toml = tmp_path / "site.toml"
    toml.write_text('[drop]\nlines = ["Bizi Instagram\'da takip edin"]\n[cut]\nheadings = ["Haber Arşivi"]\n'
                    '[[trailer]]\npattern = "yay[ıi]na haz[ıi]rlayan\\\\s*:\\\\s*(?P<editor>.+)"\n', encoding="utf-8")
    txt = tmp_path / "more.txt"
    txt.write_text("# one phrase a line\nSİTEMİZE ÜYE OLUN\n[prefix]\nReklam alanı\n", encoding="utf-8")
    body = [ARTICLE, "BİZİ INSTAGRAM'DA TAKİP EDİN", "Sitemize üye olun", "Reklam alanı: 300x250",
            "Yayına hazırlayan: Ayşe Yılmaz", "Haber arşivi", "Eski haber başlığı"]
    assert strip_paragraphs(body).body == body  # the bundled data knows none of these
    rules = load_rules([toml, txt])
    result = strip_paragraphs(body, rules=rules)
    assert result.body == [ARTICLE]
    assert result.fields == {"editor": "Ayşe Yılmaz"}


def test_bad_phrase_files_are_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[drop\n", encoding="utf-8")
    with pytest.raises(ChromeDataError):
        load_rules([bad])
    with pytest.raises(ChromeDataError):
        load_rules([tmp_path / "missing.txt"])


# -- the pipeline ----------------------------------------------------------------------------------
def test_pipeline_updates_item_and_counts_per_rule():
    stats = FakeStats()
    pipeline = StripChromePipeline(stats=stats)
    item = Article(title=TITLE, lead="", body=[TITLE, "12-07-2025 17:12", ARTICLE, "HABER KAYNAĞI : İHA",
                                              "Editor : Haber Merkezi", "ÇOK OKUNAN HABERLER3664", "Başka haber"],
                   published_at="2025-07-12", agency=None)
    out = pipeline.process_item(item)
    assert out.body == [ARTICLE]
    assert (out.agency, out.editor, out.published_at) == ("İHA", "Haber Merkezi", "2025-07-12T17:12:00+03:00")
    assert stats.values["newsbot/chrome/cut_after"] == 2
    assert stats.values["newsbot/chrome/trailer"] == 2
    assert stats.values["newsbot/chrome/title_repeat"] == 1
    assert stats.values["newsbot/chrome/date_line"] == 1
    assert stats.values["newsbot/chrome/items_changed"] == 1
    assert stats.values["newsbot/chrome/field/agency"] == 1


def test_pipeline_keeps_existing_fields_and_reads_the_setting(tmp_path):
    extra = tmp_path / "x.txt"
    extra.write_text("Abone olun şimdi\n", encoding="utf-8")

    class Crawler:
        stats = FakeStats()

        class settings:  # noqa: N801 - stands in for scrapy Settings
            @staticmethod
            def getlist(name):
                assert name == "NEWSBOT_CHROME_FILES"
                return [str(extra)]

    pipeline = StripChromePipeline.from_crawler(Crawler)
    item = Article(title="Başlık", body=[ARTICLE, "Abone olun şimdi", "Kaynak: DHA"], agency="AA",
                   published_at="2025-07-12T10:00:00+03:00")
    out = pipeline.process_item(item)
    assert out.body == [ARTICLE] and out.agency == "AA"


def test_tag_list_after_the_article_is_cut():
    body = [ARTICLE, "- Etiketler :", "- Haberler -", "- Gıda Zehirlenmesi", "- Ardahan"]
    result = strip_paragraphs(body)
    assert result.body == [ARTICLE] and result.counts() == {"cut_after": 4}


def test_source_line_inside_the_body_is_not_an_agency_credit():
    body = [ARTICLE, "Kaynak: Bakanlık verileri", ARTICLE.replace("ağırladı", "gördü"), "Kaynak: Yerel Haber"]
    result = strip_paragraphs(body)
    assert result.body == body[:3]
    assert result.fields == {"agency": "Yerel Haber"}
