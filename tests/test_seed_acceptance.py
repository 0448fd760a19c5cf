"""Seed acceptance (issue 2 §6): `scrapy crawl news` from the demo site's feed gives the seed article with
exactly its fields, the lead once, the body paragraphs and sub-headings in page order, and none of the chrome.

Sub-headings keep the text the page gives them: the page wraps the first one in " quotes, so the body
entry has them too (newsbot does not rewrite article text, it only drops and splits paragraphs)."""

from __future__ import annotations

import html

from newsbot.demo.server import DEMO_SITE
from newsbot.text import fold, same_text

PAGE = DEMO_SITE / "haber" / "kuzey-kore-lideri-kim-rusya-disisleri-bakani-lavrovu-agirladi-3664.html"
TITLE = "Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı"
LEAD = ("Kuzey Kore lideri Kim Jong-un, Rusya Dışişleri Bakanı Sergey Lavrov’u kıyı kenti Wonsan’da ağırladı. "
        "Kim ile yaptığı görüşmede Rusya Devlet Başkanı Vladimir Putin’in tüm ikili anlaşmalara bağlılığını "
        "yinelediğini aktaran Lavrov, \"Başkan Putin yakın gelecekte sizinle doğrudan temaslarını sürdürmeyi "
        "sabırsızlıkla bekliyor\" dedi.")
BODY = [
    "Kuzey Kore lideri Kim Jong-un, diplomatik temaslarda bulunmak üzere ülkesini ziyaret eden Rusya Dışişleri "
    "Bakanı Sergey Lavrov’u kıyı kenti Wonsan’da ağırladı. Rusya Dışişleri Bakanlığı’ndan yapılan açıklamaya göre "
    "Lavrov’un yürüttüğü aktif diplomasiden övgüyle söz eden Kim, \"Sizinle başkent Pyongyang yerine burada, "
    "Wonsan’da buluşmanın daha iyi olacağını düşündüm. Çünkü burası dinlenmek için iyi bir yer\" ifadelerini "
    "kullandı.",
    "Lavrov’un bu ay başında Wonsan kıyısında hizmete açılan tatil kompleksini ziyaret eden ilk yabancı konuk "
    "olduğunu vurgulayan Kim, \"Sizinle burada buluşmaktan çok mutluyum\" dedi. Lavrov ise Wonsan şehrindeki "
    "tatil kompleksini ziyaret eden ilk yabancı konuğun Rusya’nın Kuzey Kore Büyükelçisi Alexander Matsegora "
    "olduğunu hatırlatarak, \"Burayı o kadar övdü ki burada buluşma teklifinize karşı koyamadım\" şeklinde "
    "konuştu.",
    "\"Putin, tüm ikili anlaşmalara bağlılığını yineledi\"",
    "İki ülke arasında yapılan toplantıların Kapsamlı Stratejik Ortaklık Anlaşması’nın uygulanması başta olmak "
    "üzere ilişkilerin gelişimine katkı sağladığını vurgulayan Lavrov, Kuzey Kore lideri Kim’in 9 Mayıs Zafer "
    "Günü’nün 80’inci yıl dönümü vesilesiyle Pyongyang’daki Rusya Büyükelçiliği’ne yaptığı ziyareti hatırlattı. "
    "Lavrov, \"Büyükelçiliğimize gerçekleştirdiğiniz ziyaret ve Zafer Günü’nde yaptığınız içten ve sıcak "
    "açıklamalarınızdan büyük memnuniyet duyduk. Başkan Putin aynı tarihlerde Kızıl Meydan’daki geçit törenine "
    "katılırken, Rus askerleriyle omuz omuza Kursk bölgesinin kurtarılmasına katkıda bulunan Kore Halk Ordusu "
    "birliklerinin komutanlarıyla bir görüşme gerçekleştirdi\" diye konuştu. Putin’in tüm ikili anlaşmalara "
    "bağlılığını yinelediğini aktaran Lavrov, \"Başkan Putin yakın gelecekte sizinle doğrudan temaslarını "
    "sürdürmeyi sabırsızlıkla bekliyor\" dedi.",
    "Kuzey Koreli mevkidaşı ile yaptığı görüşmeyi \"verimli\" olarak nitelendirdi",
    "Kuzey Koreli mevkidaşı Choe Son Hui ile yaptığı temaslara da değinen Lavrov, \"Görüşmelerimiz 3 saatten fazla "
    "sürdü. Görüşmeler odaklanmış şekilde ve verimli geçti\" diye konuştu. Bu yılın sonunda yapılması planlanan "
    "Hükümetlerarası Ticaret, Ekonomik, Bilimsel ve Teknik İşbirliği Komisyonu toplantısına yönelik hazırlıklar "
    "dahil farklı konuları ele aldıklarını ifade eden Lavrov, \"Ayrıca kültürel ve insani iş birliğine ilişkin "
    "geniş bir yelpazedeki konuları görüştük\" şeklinde konuştu.",
]
CHROME = ["HABER KAYNAĞI", "Editor :", "SİZİN DÜŞÜNCELERİNİZ", "BUNLAR DA İLGİNİZİ ÇEKEBİLİR", "ÇOK OKUNAN",
          "3664", "12-07-2025", "Paylaş", "Google News'te takip et", "Yorum yap", "Yorumunuzu yazın",
          "Belediyeden mahallelerde asfalt", "Valilikten kuvvetli yağış", "Tüm hakları saklıdır", "çerez", "SON DAKİKA"]


def test_expected_texts_are_the_fixture_page_texts():
    page = html.unescape(PAGE.read_text(encoding="utf-8"))
    for text in [TITLE, LEAD, *BODY]:
        assert text in page, text[:60]


def test_seed_acceptance(demo_site, crawl):
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}")
    assert result.returncode == 0, result.log[-3000:]
    items = [item for item in result.items if item.get("title") == TITLE]
    assert len(items) == 1, [item.get("title") for item in result.items]
    item = items[0]

    assert item["title"] == TITLE
    assert item["category"] == "Siyaset"
    assert item["published_at"] == "2025-07-12T17:12:00+03:00"
    assert item["agency"] == "İHA"
    assert item["editor"] == "Haber Merkezi"

    # The lead once: in `lead` (properly cased), never again in the body, in any case.
    assert item["lead"] == LEAD
    assert not any(same_text(p, LEAD) or fold(LEAD[:60]) in fold(p) for p in item["body"])
    assert not any(same_text(p, TITLE) for p in item["body"])

    assert item["body"] == BODY
    # `text` is the article as a reader sees it: the lead (the page's first paragraph) once, then the body.
    assert item["text"] == "\n\n".join([LEAD, *BODY])
    for para in item["body"]:
        for chrome in CHROME:
            assert fold(chrome) not in fold(para), (chrome, para[:60])
