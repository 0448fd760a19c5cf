"""A generated Turkish news site for benchmarks, and a fast static server for it (127.0.0.1 only).

    python bench/site.py serve --pages 2000 [--port 0] [--port-file F]   # serve until killed
    python bench/site.py write --pages 2000 --out DIR                    # write the pages as files

The site: N article pages (~70 KB each, like real Turkish news pages: menus, JSON-LD, inline scripts,
a date line, share bar, a mid-body "İLGİLİ HABER" box, "Kaynak: İHA" trailer, tags, related-news and
"ÇOK OKUNAN HABERLER" widgets, comment form, cookie notice, footer), /rss.xml (latest 100), a sitemap
index /sitemap.xml with one sitemap per 1,000 articles, /robots.txt. About one page in ten is a copy of
an earlier page's agency story (other headline and chrome), as on republishing sites. Everything is
deterministic (seeded) and pre-rendered in memory.

The server is a bare asyncio protocol (HTTP/1.1 keep-alive, GET/HEAD, Content-Length) serving the
pre-rendered bytes: a few tens of µs per request, so it is not the bottleneck of a crawl on the same
machine. GET /__hits returns the number of article pages served so far (JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

TZ = timezone(timedelta(hours=3))
SITE_NAME = "Kent Haber"
CITIES = ["Ankara", "İstanbul", "İzmir", "Bursa", "Antalya", "Konya", "Trabzon", "Samsun", "Erzurum", "Van",
          "Diyarbakır", "Gaziantep", "Eskişehir", "Kayseri", "Malatya", "Sakarya", "Ordu", "Rize", "Muğla", "Edirne"]
INSTITUTIONS = ["Büyükşehir Belediyesi", "Valilik", "İl Sağlık Müdürlüğü", "Emniyet Müdürlüğü",
                "İl Milli Eğitim Müdürlüğü", "Tarım ve Orman Müdürlüğü", "AFAD", "Karayolları Bölge Müdürlüğü",
                "Ticaret Odası", "Üniversite Rektörlüğü", "İl Jandarma Komutanlığı", "Meteoroloji Bölge Müdürlüğü"]
PEOPLE = ["Ahmet Yılmaz", "Ayşe Demir", "Mehmet Kaya", "Fatma Şahin", "Mustafa Çelik", "Zeynep Arslan",
          "Hüseyin Doğan", "Elif Koç", "İbrahim Aydın", "Emine Öztürk", "Ömer Kılıç", "Hatice Aslan"]
TOPICS = ["asfalt çalışması", "su kesintisi", "trafik düzenlemesi", "okul inşaatı", "hastane hizmeti",
          "kuvvetli yağış", "orman yangını", "hasat dönemi", "ihracat rakamları", "kültür festivali",
          "deprem tatbikatı", "toplu taşıma zammı", "park ve bahçe düzenlemesi", "kadın kooperatifi",
          "sokak hayvanları", "altyapı yatırımı", "turizm sezonu", "öğrenci bursu", "fuar organizasyonu"]
CATEGORIES = ["Gündem", "Ekonomi", "Yerel", "Eğitim", "Sağlık", "Spor", "Kültür-Sanat", "Çevre", "Asayiş"]
MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
          "Aralık"]
SENTENCES = [
    "{city} {inst} ekipleri, {topic} kapsamında {n} mahallede çalışma başlattı.",
    "{person}, yaptığı açıklamada {topic} konusunda vatandaşların duyarlı olmasını istedi.",
    "Çalışmaların {month} ayı sonuna kadar tamamlanması hedefleniyor.",
    "{inst} tarafından yapılan açıklamada, {n} kişinin sürece dahil edildiği belirtildi.",
    "Yetkililer, {topic} nedeniyle bazı caddelerde trafiğin kontrollü sağlanacağını duyurdu.",
    "\"Vatandaşlarımızın anlayışı için teşekkür ediyoruz\" diyen {person}, sürecin yakından takip edildiğini söyledi.",
    "{city} genelinde {n} noktada denetim yapıldı, eksiklikler tutanak altına alındı.",
    "Proje için ayrılan bütçenin {n} milyon lira olduğu açıklandı.",
    "Bölgedeki esnaf, {topic} sonrasında işlerin yeniden hareketleneceğini umuyor.",
    "{person}, \"{topic} konusunda elimizden gelen her şeyi yapıyoruz\" ifadelerini kullandı.",
    "Açıklamada ayrıca {city} ve çevre ilçelerde benzer çalışmaların planlandığı kaydedildi.",
    "Meteoroloji, hafta sonu {city} için sağanak yağış uyarısında bulundu.",
    "Geçen yıl aynı dönemde {n} başvuru alındığı, bu yıl sayının arttığı bildirildi.",
    "{inst} önünde toplanan vatandaşlar, {topic} hakkında bilgi aldı.",
    "Konuyla ilgili soruşturma başlatıldığı, {n} kişinin ifadesine başvurulduğu öğrenildi.",
    "Uzmanlar, {topic} sürecinde yaşlı ve kronik hastaların dikkatli olması gerektiğini vurguladı.",
    "{city} Valisi {person}, bölgeye giderek çalışmaları yerinde inceledi.",
    "Etkinliğe {n} kişinin katılması bekleniyor; program {month} ayında başlayacak.",
    "Belediye meclisi, {topic} ile ilgili kararı oy birliğiyle kabul etti.",
    "Kentte son {n} günde yapılan ölçümlerde değerlerin normal seviyede olduğu görüldü.",
    "Sürücülerin alternatif güzergahları kullanmaları ve uyarı levhalarına dikkat etmeleri istendi.",
    "{person} ayrıca, gelecek yıl için {n} yeni projenin hazırlık aşamasında olduğunu belirtti.",
    "İlçe sakinleri, {topic} sonrası yaşanan gecikmelere tepki gösterdi.",
    "{inst} koordinasyonunda yürütülen çalışmalara gönüllüler de destek verdi.",
    "Olay yerine çok sayıda sağlık ve itfaiye ekibi sevk edildi.",
    "Tören, saygı duruşu ve İstiklal Marşı'nın okunmasıyla başladı.",
    "Başvuruların {month} ayının {n}. gününe kadar e-Devlet üzerinden yapılabileceği hatırlatıldı.",
    "{city} Ticaret Odası verilerine göre ihracat geçen yıla göre yüzde {n} arttı.",
    "Yapılan incelemede yapının {n} yıl önce inşa edildiği ve güçlendirme gerektiği tespit edildi.",
    "{person}, {city} halkına \"sabırları için\" teşekkür etti.",
]


# Free sentences are drawn from this vocabulary (with the names above): unrelated stories then share few
# 4-word sequences, as real news does. Template sentences alone (30 of them) made every pair of pages
# share dozens of 4-word shingles, which no real site does and which floods story clustering with
# candidates (see BENCHMARKS.md).
WORDS = """
açıklama toplantı karar süreç proje bütçe yatırım vatandaş mahalle ilçe merkez bölge köy cadde sokak meydan
okul öğrenci öğretmen veli hastane doktor hemşire hasta ambulans itfaiye polis jandarma ekip görevli uzman
yetkili başkan müdür vali kaymakam muhtar meclis üye komisyon rapor inceleme denetim tespit tutanak ceza
uyarı duyuru program etkinlik festival fuar sergi konser tören anma kutlama yarışma ödül sporcu kulüp maç
takım antrenör taraftar stadyum saha spor salon kurs eğitim seminer panel konferans çalıştay oturum kongre
ekonomi piyasa fiyat zam enflasyon faiz kredi ihracat ithalat üretim tüketim esnaf tüccar çiftçi üretici
hasat tarla bahçe sera ürün buğday fındık çay zeytin pamuk hayvan süt et yem kooperatif birlik dernek vakıf
su elektrik doğalgaz kesinti arıza bakım onarım yenileme altyapı kanalizasyon yol köprü tünel viyadük otoyol
trafik kaza araç sürücü yolcu otobüs minibüs tramvay metro tren vapur feribot havalimanı uçak sefer bilet
hava yağış kar fırtına rüzgar sel taşkın heyelan deprem sarsıntı yangın duman orman ağaç fidan dikim çevre
atık geri dönüşüm temizlik kirlilik ölçüm değer seviye oran sayı yüzde milyon bin lira dolar avro rakam
yıl ay hafta gün saat sabah akşam gece dönem sezon tarih süre aşama hedef plan strateji politika yönetmelik
kanun madde düzenleme başvuru kayıt belge sertifika diploma burs destek yardım hibe bağış kampanya gönüllü
aile çocuk genç yaşlı kadın erkek engelli emekli işçi memur personel istihdam işsizlik maaş ücret prim
kültür sanat tiyatro sinema müzik kitap kütüphane müze tarih miras kazı restorasyon cami kilise kale han
turizm turist otel konaklama rezervasyon plaj tesis kamp yayla doğa yürüyüş bisiklet park bahçe alan
yeni büyük küçük önemli ciddi hızlı yavaş güçlü zayıf yüksek düşük uzun kısa geniş dar eski modern yerel
ulusal uluslararası resmi özel kamu ortak genel temel ilk son ikinci üçüncü farklı benzer toplam ortalama
başladı tamamlandı sürüyor ertelendi açıklandı belirtildi vurgulandı kaydedildi bildirildi duyuruldu
gerçekleştirildi düzenlendi yapıldı alındı verildi sağlandı artırıldı azaltıldı planlanıyor bekleniyor
değerlendirildi incelendi görüşüldü kabul reddedildi onaylandı imzalandı teslim edildi hizmete açıldı
ile için gibi kadar sonra önce göre karşı üzere dolayı rağmen beri ayrıca ancak ise bile hem de da ve veya
""".split()


def _free_sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 16))]
    if rng.random() < 0.5:
        words.insert(0, rng.choice(CITIES + PEOPLE + INSTITUTIONS))
    words.insert(rng.randrange(1, len(words)), str(rng.randint(2, 4800)))
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + "."


def _sentence(rng: random.Random) -> str:
    """A sentence of Turkish news prose: a third from the templates, the rest free."""
    return _text(rng, rng.choice(SENTENCES)) if rng.random() < 0.35 else _free_sentence(rng)


def _text(rng: random.Random, template: str) -> str:
    return template.format(city=rng.choice(CITIES), inst=rng.choice(INSTITUTIONS), person=rng.choice(PEOPLE),
                           topic=rng.choice(TOPICS), n=rng.randint(2, 480), month=rng.choice(MONTHS))


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def _slug(text: str) -> str:
    table = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
    words = "".join(c if c.isalnum() else " " for c in text.translate(table).lower()).split()
    return "-".join(words[:8])


class SiteBuilder:
    def __init__(self, pages: int, base: str = "http://127.0.0.1", seed: int = 7) -> None:
        self.pages = pages
        self.base = base.rstrip("/")
        rng = random.Random(seed)
        start = datetime(2026, 11, 27, 23, 0, tzinfo=TZ)
        self.stories: list[dict] = []
        for i in range(pages):
            if i >= 20 and rng.random() < 0.1:  # an agency story republished under another headline
                orig = self.stories[rng.randrange(max(0, i - 50), i)]
                story = {**orig, "copy_of": orig["id"]}
                who = _text(rng, "{person} açıklama yaptı")
                story["title"] = f"{rng.choice(CITIES)}'da {rng.choice(TOPICS)}: {who}"
            else:
                topic, city = rng.choice(TOPICS), rng.choice(CITIES)
                story = {"title": f"{city}'da {topic} {rng.choice(['başladı', 'sürüyor', 'tamamlandı', 'ertelendi'])}"
                                  f": {rng.choice(INSTITUTIONS)} {rng.choice(['açıkladı', 'uyardı', 'duyurdu'])}",
                         "lead": _text(rng, rng.choice(SENTENCES[:12])) + " " + _text(rng, rng.choice(SENTENCES)),
                         "body": _paragraphs(rng, rng.randint(6, 14)), "agency": rng.choice(["İHA", "DHA", "AA"]),
                         "category": rng.choice(CATEGORIES), "author": rng.choice(PEOPLE)}
            story["id"] = 100000 + i
            story["published"] = start - timedelta(minutes=7 * i + rng.randint(0, 6))
            story["path"] = f"/haber/{_slug(story['title'])}-{story['id']}.html"
            story["seed"] = rng.randrange(1 << 30)
            self.stories.append(story)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, i: int) -> bytes:
        s = self.stories[i]
        rng = random.Random(s["seed"])
        pub = s["published"]
        upd = pub + timedelta(minutes=rng.randint(5, 90))
        others = [self.stories[j] for j in rng.sample(range(self.pages), min(16, self.pages))]
        menu = "".join(f'<li><a href="{self.base}/kategori/{_slug(c)}">{c}</a></li>' for c in CATEGORIES * 4)
        mega = "".join(f'<li><a href="{self.base}/{_slug(c)}-haberleri">{c} Haberleri</a></li>' for c in CITIES * 3)
        related = "".join(f'<li><a href="{self.url(o["path"])}"><img src="/i/{o["id"]}.jpg" alt="">'
                          f'<span>{escape(o["title"])}</span></a></li>' for o in others[:6])
        most_read = "".join(f'<li><span class="n">{k + 1}</span><a href="{self.url(o["path"])}">{escape(o["title"])}'
                            f'</a></li>' for k, o in enumerate(others[6:16]))
        body = list(s["body"])
        inline_box = (f'<div class="inline-related"><strong>İLGİLİ HABER</strong> '
                      f'<a href="{self.url(others[0]["path"])}">{escape(others[0]["title"])}</a></div>')
        paras = []
        for k, p in enumerate(body):
            paras.append(f"<p>{escape(p)}</p>")
            if k == 2:
                paras.append(inline_box)
            if k == 4:
                paras.append(f'<figure><img src="/i/{s["id"]}-2.jpg" alt=""><figcaption>{escape(s["title"][:60])}'
                             f"</figcaption></figure>")
        tags = rng.sample(TOPICS, 4)
        date_line = (f'{pub:%d.%m.%Y} - {pub:%H:%M} | Güncelleme: {upd:%d.%m.%Y} - {upd:%H:%M}')
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
              "description": s["lead"], "datePublished": pub.isoformat(), "dateModified": upd.isoformat(),
              "articleSection": s["category"], "keywords": ", ".join(tags), "inLanguage": "tr-TR",
              "author": {"@type": "Person", "name": s["author"]},
              "publisher": {"@type": "Organization", "name": SITE_NAME,
                            "logo": {"@type": "ImageObject", "url": self.url("/logo.png")}},
              "mainEntityOfPage": self.url(s["path"]), "image": [self.url(f"/i/{s['id']}.jpg")]}
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Anasayfa", "item": self.url("/")},
            {"@type": "ListItem", "position": 2, "name": s["category"],
             "item": self.url(f"/kategori/{_slug(s['category'])}")}]}
        # Inline scripts as real pages carry them (ad slots, analytics, a state blob): most of a page's bytes.
        state = {"ads": [{"slot": f"div-gpt-ad-{k}", "sizes": [[300, 250], [728, 90]], "targeting": {"kw": tags}}
                         for k in range(40)],
                 "menu": [{"title": c, "url": f"/kategori/{_slug(c)}", "children": [
                     {"title": f"{c} {city}", "url": f"/{_slug(c)}/{_slug(city)}"} for city in CITIES]}
                     for c in CATEGORIES],
                 "trending": [{"id": o["id"], "title": o["title"], "url": o["path"]} for o in others]}
        css = "".join(f".c{k}{{margin:{k % 7}px;padding:{k % 5}px;color:#{k * 2731 % 0xFFFFFF:06x}}}"
                      for k in range(250))
        page = f"""<!DOCTYPE html>
<html lang="tr"><head><meta charset="utf-8">
<title>{escape(s["title"])} - {SITE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(s["lead"], {'"': '&quot;'})}">
<meta name="keywords" content="{", ".join(tags)}">
<meta property="og:title" content="{escape(s["title"], {'"': '&quot;'})}">
<meta property="og:description" content="{escape(s["lead"], {'"': '&quot;'})}">
<meta property="og:type" content="article"><meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:url" content="{self.url(s["path"])}">
<meta property="og:image" content="{self.url(f"/i/{s['id']}.jpg")}">
<meta property="article:published_time" content="{pub.isoformat()}">
<meta property="article:modified_time" content="{upd.isoformat()}">
<meta property="article:section" content="{s["category"]}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="{self.url(s["path"])}">
<link rel="amphtml" href="{self.url("/amp" + s["path"])}">
<style>{css}</style>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script type="application/ld+json">{json.dumps(crumbs, ensure_ascii=False)}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());
gtag('config','G-XXXXXXX',{{'page_path':'{s["path"]}','content_group':'{s["category"]}'}});</script>
<script>window.__STATE__={json.dumps(state, ensure_ascii=False)};</script>
</head>
<body class="page-news-detail">
<div class="cookie-notice">Sitemizde çerezler kullanılmaktadır. Detaylı bilgi için Çerez Politikası sayfamızı
inceleyebilirsiniz. <button>Kabul et</button></div>
<div class="breaking"><span>SON DAKİKA</span>
<a href="{self.url(others[1]["path"])}">{escape(others[1]["title"])}</a></div>
<header class="site-header"><a class="logo" href="{self.base}/">{SITE_NAME}</a>
<nav class="main-menu"><ul>{menu}</ul></nav><nav class="mega-menu"><ul>{mega}</ul></nav>
<form class="search" action="/ara"><input name="q" placeholder="Haber ara"><button>Ara</button></form></header>
<main class="container"><div class="row">
<div class="col-md-8 news-detail">
<ol class="breadcrumb"><li><a href="{self.base}/">Anasayfa</a></li>
<li><a href="{self.base}/kategori/{_slug(s["category"])}">{s["category"]}</a></li></ol>
<article>
<h1 class="news-title">{escape(s["title"])}</h1>
<h2 class="news-spot">{escape(s["lead"])}</h2>
<div class="news-info"><span class="author">{s["author"]}</span> <span class="news-date">{date_line}</span></div>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a> <a href="#">Paylaş</a>
 <a href="#">Google News'te takip et</a></div>
<figure class="main-image"><img src="/i/{s["id"]}.jpg" alt="{escape(s["title"], {'"': '&quot;'})}"></figure>
<div class="news-content" itemprop="articleBody">
{"".join(paras)}
<p>Kaynak: {s["agency"]}</p>
</div>
<div class="tags"><span>Etiketler:</span> {" ".join(f'<a href="/etiket/{_slug(t)}">{t}</a>' for t in tags)}</div>
</article>
<div class="related-news"><div class="widget-title">BUNLAR DA İLGİNİZİ ÇEKEBİLİR</div><ul>{related}</ul></div>
<div class="comments"><h3>Yorumlar</h3>
<form><textarea placeholder="Yorumunuzu yazın"></textarea><button>Gönder</button></form>
<p class="comment-note">Yorumlar kullanıcıların kendi görüşleridir; yasalara aykırı yorumlar onaylanmaz.</p></div>
</div>
<aside class="col-md-4 sidebar">
<div class="most-read"><div class="widget-title">ÇOK OKUNAN HABERLER</div><ol>{most_read}</ol></div>
<div class="ad" id="div-gpt-ad-1"></div><div class="ad" id="div-gpt-ad-2"></div></aside>
</div></main>
<footer class="site-footer"><ul>{menu}</ul><ul>{mega}</ul>
<p>© 2026 {SITE_NAME}. Tüm hakları saklıdır. Sitemizde yer alan haberlerin izinsiz kullanılması yasaktır.</p>
<p><a href="/kunye">Künye</a> <a href="/iletisim">İletişim</a> <a href="/kvkk">KVKK Aydınlatma Metni</a></p></footer>
</body></html>"""
        return page.encode("utf-8")

    def files(self) -> dict[str, tuple[str, bytes]]:
        """path → (content type, body) for the whole site."""
        html, xml = "text/html; charset=utf-8", "application/xml; charset=utf-8"
        out: dict[str, tuple[str, bytes]] = {}
        for i, s in enumerate(self.stories):
            out[s["path"]] = (html, self.page(i))
        items = "".join(
            f"<item><title>{escape(s['title'])}</title><link>{self.url(s['path'])}</link>"
            f"<pubDate>{s['published']:%a, %d %b %Y %H:%M:%S +0300}</pubDate>"
            f"<description>{escape(s['lead'])}</description></item>" for s in self.stories[:100])
        out["/rss.xml"] = (xml, (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                 f"<title>{SITE_NAME}</title><link>{self.base}/</link>{items}</channel></rss>").encode())
        maps = []
        for k in range(0, self.pages, 1000):
            urls = "".join(f"<url><loc>{self.url(s['path'])}</loc><lastmod>{s['published'].isoformat()}</lastmod></url>"
                           for s in self.stories[k:k + 1000])
            path = f"/sitemaps/news-{k // 1000 + 1}.xml"
            maps.append(path)
            out[path] = (xml, ('<?xml version="1.0" encoding="UTF-8"?><urlset '
                               f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode())
        index = "".join(f"<sitemap><loc>{self.url(p)}</loc></sitemap>" for p in maps)
        out["/sitemap.xml"] = (xml, ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                                     f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>').encode())
        out["/robots.txt"] = ("text/plain", f"User-agent: *\nAllow: /\nSitemap: {self.url('/sitemap.xml')}\n".encode())
        out["/"] = (html, f'<html><body><a href="{self.url("/rss.xml")}">RSS</a></body></html>'.encode())
        return out


# -- the server ------------------------------------------------------------------------------------
class _Http(asyncio.Protocol):
    def __init__(self, responses: dict[bytes, tuple[bytes, bytes]], counter: list[int]) -> None:
        self.responses = responses
        self.counter = counter
        self.buf = b""
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            line = head.split(b"\r\n", 1)[0].split()
            if len(line) < 2:
                self.transport.close()
                return
            method, path = line[0], line[1].split(b"?", 1)[0]
            close = b"connection: close" in head.lower()
            if path == b"/__hits":
                body, ctype = json.dumps({"articles": self.counter[0]}).encode(), b"application/json"
                status = b"200 OK"
            elif path in self.responses:
                ctype, body = self.responses[path]
                status = b"200 OK"
                if path.startswith(b"/haber/"):
                    self.counter[0] += 1
            else:
                status, ctype, body = b"404 Not Found", b"text/plain", b"not found"
            self.transport.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                                 + str(len(body)).encode() + (b"\r\nConnection: close" if close else b"") + b"\r\n\r\n")
            if method != b"HEAD":
                self.transport.write(body)
            if close:
                self.transport.close()
                return


def serve(pages: int, port: int, port_file: str | None) -> None:
    import socket

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))  # loopback only
    port = sock.getsockname()[1]
    files = SiteBuilder(pages, f"http://127.0.0.1:{port}").files()
    responses = {path.encode(): (ctype.encode(), body) for path, (ctype, body) in files.items()}
    counter = [0]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(lambda: _Http(responses, counter), sock=sock,
                                                                backlog=1024)
        if port_file:
            Path(port_file + ".tmp").write_text(str(port))
            Path(port_file + ".tmp").rename(port_file)
        print(f"serving {pages} articles on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def write(pages: int, out: Path, base: str) -> None:
    """Write the article pages (and a manifest url → file) for extraction benchmarks."""
    builder = SiteBuilder(pages, base)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for i, s in enumerate(builder.stories):
        name = f"{s['id']}.html"
        (out / name).write_bytes(builder.page(i))
        manifest[name] = builder.url(s["path"])
    (out / "manifest.json").write_text(json.dumps(manifest, indent=0), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--pages", type=int, default=2000)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    w = sub.add_parser("write")
    w.add_argument("--pages", type=int, default=2000)
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--base", default="http://127.0.0.1:8000")
    args = ap.parse_args()
    if args.cmd == "serve":
        serve(args.pages, args.port, args.port_file)
    else:
        write(args.pages, args.out, args.base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
