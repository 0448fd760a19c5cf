"""The chrome of generated realistic Turkish news pages (bench/site_pages.py): menus, tickers, widgets, comments,
polls, footers, head scripts. Each function returns an HTML fragment; everything is drawn from the caller's
seeded random.Random, so a page is the same on every run.

The shape follows the real pages in ../shared/corpus/turkish (AA, Habertürk, NTV, Hürriyet, DHA): 380–1,250
elements nested 12–23 deep, 40–400 links, 4–370 KB of inline scripts and styles. What makes a real page cost
~20–40 ms of extraction is its many nested wrappers and widget texts, not its bytes, so the widgets here are
nested as a CMS nests them.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from bench.site_text import CATEGORIES, CITIES, PEOPLE, TOPICS, free_sentence, sentence, slug

# Columnists and column titles for the "YAZARLAR" widgets.
COLUMNISTS = ["Cengiz Aktaş", "Nermin Ertuğrul", "Suat Karadeniz", "Gülay Sevim", "Levent Oral", "Pınar Yücel",
              "Kemal Bozkurt", "Derya Işık", "Orhan Güneş", "Sibel Tunç"]
CURRENCIES = [("DOLAR", 34.12), ("EURO", 36.05), ("STERLİN", 43.30), ("GRAM ALTIN", 2980.4), ("ÇEYREK ALTIN", 4870.0),
              ("BIST 100", 9650.2), ("BITCOIN", 3210450.0), ("BRENT", 74.2)]
PRAYERS = ["İmsak", "Güneş", "Öğle", "İkindi", "Akşam", "Yatsı"]
SOCIAL = ["Facebook", "X", "Instagram", "YouTube", "LinkedIn", "Telegram", "WhatsApp", "TikTok"]
FOOTER_PAGES = ["Künye", "İletişim", "Reklam", "Kariyer", "Gizlilik Politikası", "Çerez Politikası",
                "KVKK Aydınlatma Metni", "Kullanım Koşulları", "Yayın İlkeleri", "Abonelik", "RSS", "Site Haritası",
                "Künye ve Yasal Uyarı", "Veri Sorumlusu", "Hakkımızda", "Arşiv"]


def esc(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def nest(classes: list[str], inner: str) -> str:
    """inner wrapped in one div per class, outermost first: CMS layouts nest every block in several."""
    for cls in reversed(classes):
        inner = f'<div class="{cls}">{inner}</div>'
    return inner


def card(base: str, story: dict, cls: str = "card", with_image: bool = True) -> str:
    """A teaser card: image, category, headline, date (related lists, mega-menu featured news, galleries)."""
    image = (f'<div class="{cls}-image"><picture><source srcset="/i/{story["id"]}.webp" type="image/webp">'
             f'<img src="/i/{story["id"]}.jpg" alt="{esc(story["title"])}" loading="lazy"></picture></div>'
             if with_image else "")
    return (f'<div class="{cls}"><a href="{base}{story["path"]}" title="{esc(story["title"])}">{image}'
            f'<div class="{cls}-body"><span class="{cls}-category">{story["category"]}</span>'
            f'<h3 class="{cls}-title">{escape(story["title"])}</h3>'
            f'<span class="{cls}-date">{story["published"]:%d.%m.%Y %H:%M}</span></div></a></div>')


def mega_menu(base: str, rng: random.Random, pool: list[dict], columns: int) -> str:
    """Main navigation: every category with a drop-down of sub-sections (cities) and featured news."""
    items = []
    for cat in CATEGORIES[:columns]:
        subs = "".join(f'<li class="sub-item"><a href="{base}/{slug(cat)}/{slug(city)}">{city} {cat}</a></li>'
                       for city in rng.sample(CITIES, 8))
        featured = "".join(card(base, s, "menu-card") for s in rng.sample(pool, 3))
        items.append(f'<li class="menu-item has-dropdown"><a href="{base}/{slug(cat)}">{cat}</a>'
                     + nest(["dropdown", "dropdown-inner", "row"],
                            f'<div class="col-3"><ul class="sub-menu">{subs}</ul></div>'
                            f'<div class="col-9"><div class="featured">{featured}</div></div>') + "</li>")
    return nest(["nav-wrapper", "container"], f'<nav class="main-nav"><ul class="menu">{"".join(items)}</ul></nav>')


def tickers(rng: random.Random) -> str:
    """Currency and market strip with arrows, as national portals carry above the header."""
    cells = []
    for name, value in CURRENCIES:
        change = rng.uniform(-2.5, 2.5)
        arrow = "up" if change >= 0 else "down"
        cells.append(f'<div class="ticker-item {arrow}"><span class="ticker-name">{name}</span>'
                     f'<span class="ticker-value">{value * (1 + change / 100):,.2f}</span>'
                     f'<span class="ticker-change">%{change:+.2f}</span><i class="icon-{arrow}"></i></div>')
    return nest(["market-bar", "container", "ticker-track"], "".join(cells))


def breaking_bar(base: str, pool: list[dict], count: int) -> str:
    links = "".join(f'<div class="swiper-slide"><a href="{base}{s["path"]}">{escape(s["title"])}</a></div>'
                    for s in pool[:count])
    return nest(["breaking-news", "container"],
                '<span class="breaking-label">SON DAKİKA</span>'
                + nest(["swiper", "swiper-wrapper"], links)
                + '<button class="swiper-prev">‹</button><button class="swiper-next">›</button>')


def share_bar(url: str, title: str) -> str:
    links = "".join(f'<li><a class="share-{slug(s)}" href="https://share.example/{slug(s)}?u={url}" '
                    f'title="{s} ile paylaş" rel="nofollow"><i class="icon-{slug(s)}"></i><span>{s}</span></a></li>'
                    for s in SOCIAL[:6])
    return nest(["share-tools"], f'<ul class="social-share">{links}<li><a href="#" class="print">Yazdır</a></li>'
                                 f'<li><a href="mailto:?subject={esc(title)}">E-posta</a></li></ul>'
                                 '<div class="font-size"><button>A-</button><button>A+</button></div>'
                                 '<a class="google-news" href="#">Google News\'te takip et</a>')


def related_grid(base: str, title: str, pool: list[dict], cls: str) -> str:
    cards = "".join(nest(["col-md-4 col-6"], card(base, s)) for s in pool)
    return nest([cls, "widget"], f'<div class="widget-title"><h2>{title}</h2></div>'
                + nest(["widget-body", "row"], cards))


def most_read(base: str, pool: list[dict]) -> str:
    items = "".join(f'<li><span class="rank">{k + 1}</span><a href="{base}{s["path"]}">'
                    f'<img src="/i/{s["id"]}-k.jpg" alt=""><span>{escape(s["title"])}</span></a></li>'
                    for k, s in enumerate(pool))
    return nest(["most-read", "widget"], f'<div class="widget-title">ÇOK OKUNAN HABERLER</div><ol>{items}</ol>')


def comments(rng: random.Random, count: int, when: datetime) -> str:
    """A comment thread: Turkish prose by readers (which an extractor must not take for the article)."""
    def one(depth: int) -> str:
        who = rng.choice(PEOPLE).split()[0] + " " + rng.choice("ABCDEFGHKMNOSTY") + "."
        at = when + timedelta(minutes=rng.randint(3, 2000))
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
        replies = "".join(one(depth + 1) for _ in range(rng.randint(0, 1) if depth == 0 else 0))
        return (f'<li class="comment depth-{depth}"><div class="comment-wrap">'
                f'<div class="comment-head"><img class="avatar" src="/a/{rng.randint(1, 999)}.png" alt="">'
                f'<span class="comment-author">{who}</span><span class="comment-date">{at:%d.%m.%Y %H:%M}</span></div>'
                f'<div class="comment-body"><p>{escape(text)}</p></div>'
                f'<div class="comment-actions"><button class="like">Beğen ({rng.randint(0, 90)})</button>'
                f'<button class="dislike">({rng.randint(0, 30)})</button><button class="reply">Yanıtla</button>'
                f'<a class="report" href="#">Şikayet et</a></div></div>'
                + (f'<ul class="children">{replies}</ul>' if replies else "") + "</li>")

    thread = "".join(one(0) for _ in range(count))
    return nest(["comments-area", "widget"],
                f'<div class="widget-title"><h3>Yorumlar ({count})</h3></div>'
                '<form class="comment-form"><input name="name" placeholder="Adınız"><textarea name="comment" '
                'placeholder="Yorumunuzu yazın"></textarea><label><input type="checkbox"> KVKK metnini okudum, '
                'kabul ediyorum.</label><button>Gönder</button></form>'
                '<p class="comment-note">Yorumlar kullanıcıların kendi görüşleridir; yasalara aykırı, hakaret '
                'içeren yorumlar onaylanmaz.</p>' f'<ol class="comment-list">{thread}</ol>')


def poll(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    options = "".join(f'<li><label><input type="radio" name="poll" value="{k}"> {text}</label>'
                      f'<div class="bar"><span style="width:{rng.randint(3, 70)}%"></span></div></li>'
                      for k, text in enumerate(["Evet, yeterli", "Hayır, yetersiz", "Kısmen", "Fikrim yok"]))
    return nest(["poll-widget", "widget"], f'<div class="widget-title">ANKET</div>'
                f'<p class="poll-question">Kentimizdeki {topic} sizce yeterli mi?</p><ul>{options}</ul>'
                '<button>Oy ver</button><a href="#">Sonuçları gör</a>')


def sidebar_widgets(base: str, rng: random.Random, pool: list[dict], city: str) -> str:
    """Local-site sidebar: prayer times, weather, currencies, columnists, photo gallery teasers."""
    prayer = "".join(f'<li><span>{p}</span><strong>{4 + 3 * k:02d}:{rng.randint(0, 59):02d}</strong></li>'
                     for k, p in enumerate(PRAYERS))
    days = "".join(f'<li><span>{d}</span><i class="w-{rng.randint(1, 9)}"></i><b>{rng.randint(-3, 31)}°</b></li>'
                   for d in ["Pzt", "Sal", "Çar", "Per", "Cum"])
    writers = "".join(f'<li><a href="{base}/yazar/{slug(w)}"><img src="/y/{slug(w)}.jpg" alt="{w}">'
                      f'<div class="writer-info"><span class="writer-name">{w}</span>'
                      f'<span class="writer-title">{escape(free_sentence(rng)[:48])}</span></div></a></li>'
                      for w in rng.sample(COLUMNISTS, 5))
    gallery = "".join(card(base, s, "gallery-card") for s in pool)
    return (nest(["widget prayer-times"], f'<div class="widget-title">{city.upper()} NAMAZ VAKİTLERİ</div>'
                 f'<ul>{prayer}</ul>')
            + nest(["widget weather"], '<div class="widget-title">HAVA DURUMU</div><select>'
                   + "".join(f"<option>{c}</option>" for c in CITIES) + f'</select><ul>{days}</ul>')
            + nest(["widget markets"], '<div class="widget-title">PİYASALAR</div>' + tickers(rng))
            + nest(["widget writers"], f'<div class="widget-title">YAZARLAR</div><ul>{writers}</ul>')
            + nest(["widget photo-gallery"], f'<div class="widget-title">FOTO GALERİ</div>{gallery}'))


def cookie_banner() -> str:
    return nest(["cookie-consent", "cookie-inner"],
                "<p>Sitemizde deneyiminizi iyileştirmek için çerezler kullanılmaktadır. Kişisel verileriniz 6698 "
                'sayılı KVKK kapsamında işlenmektedir. Detaylı bilgi için <a href="/cerez-politikasi">Çerez '
                'Politikası</a> sayfamızı inceleyebilirsiniz.</p><button class="accept">Kabul Et</button>'
                '<button class="settings">Ayarlar</button>')


def footer(base: str, rng: random.Random, name: str, columns: int) -> str:
    cols = []
    for cat in CATEGORIES[:columns]:
        links = "".join(f'<li><a href="{base}/{slug(cat)}/{slug(c)}">{c} {cat}</a></li>' for c in rng.sample(CITIES, 6))
        cols.append(nest(["footer-col"], f'<h4>{cat}</h4><ul>{links}</ul>'))
    pages = "".join(f'<li><a href="{base}/{slug(p)}">{p}</a></li>' for p in FOOTER_PAGES)
    social = "".join(f'<a href="https://social.example/{slug(s)}" rel="nofollow">{s}</a>' for s in SOCIAL)
    return ('<footer class="site-footer">' + nest(["footer-top", "container", "row"], "".join(cols))
            + nest(["footer-bottom", "container"],
                   f'<ul class="footer-pages">{pages}</ul><div class="social">{social}</div>'
                   '<div class="apps"><a href="#">App Store\'dan indirin</a><a href="#">Google Play\'den alın</a></div>'
                   f'<p>© 2026 {name}. Tüm hakları saklıdır. Sitemizde yayınlanan haber, fotoğraf ve videoların '
                   'izinsiz kullanılması, kopyalanması ve çoğaltılması 5846 sayılı Fikir ve Sanat Eserleri Kanunu '
                   'uyarınca yasaktır. Haberlerin sorumluluğu kaynağına aittir.</p>') + "</footer>")


def head(s: dict, url: str, site: str, rng: random.Random, weight: float, ld: list[dict], tags: list[str],
         body_in_state: bool = False) -> str:
    """<head>: meta tags, inline CSS, JSON-LD, analytics and ad scripts, and a state blob whose size varies
    with the page's weight (real pages carry 20–370 KB of inline scripts and styles)."""
    css = "".join(f".c{k}{{margin:{k % 7}px;padding:{k % 5}px;color:#{k * 2731 % 0xFFFFFF:06x}}}"
                  for k in range(int(120 * weight)))
    slots = [{"slot": f"/2176/{slug(site)}/{slug(s['category'])}/{k}",
              "div": f"div-gpt-ad-{rng.randint(10**9, 10**10)}",
              "sizes": [[300, 250], [336, 280], [728, 90], [970, 250]][: 1 + k % 4],
              "targeting": {"kw": tags, "pos": k}} for k in range(int(12 * weight))]
    # Recommendation lists grow faster than the weight: the heaviest real pages owe their size to scripts.
    recommended = [{"id": rng.randint(10**5, 10**6), "title": free_sentence(rng),
                    "url": f"/haber/{rng.randint(10**5, 10**6)}", "image": f"/i/{rng.randint(10**5, 10**6)}.jpg"}
                   for _ in range(int(16 * weight ** 2))]
    state = {"page": {"type": "news-detail", "id": s["id"], "category": s["category"], "tags": tags},
             "ads": slots, "recommendations": recommended}
    if body_in_state:  # Next.js-style sites carry the article a second time in a script (AA, NTV)
        state["article"] = {"title": s["title"], "spot": s["lead"], "body": "".join(f"<p>{p}</p>" for p in s["body"])}
    # A webpack-style bundle inlined by some sites; ~8 KB at weight 1, growing with its cube (the 200–370 KB
    # script pages of the real corpus are the heavy tail).
    section = slug(s["category"])
    modules = ",".join(f'{k}:function(e,t,n){{"use strict";n.d(t,{{Z:function(){{return r{k}}}}});'
                       f'var r{k}=n({k * 7 % 997}),o{k}=n.n(r{k});e.exports=o{k}.a.bind(null,"{section}",{k})}}'
                       for k in range(int(40 * weight ** 3)))
    lds = "".join(f'<script type="application/ld+json">{json.dumps(x, ensure_ascii=False)}</script>' for x in ld)
    return f"""<head><meta charset="utf-8">
<title>{escape(s["title"])} - {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{esc(s["lead"])}">
<meta name="keywords" content="{", ".join(tags)}">
<meta property="og:title" content="{esc(s["title"])}"><meta property="og:description" content="{esc(s["lead"])}">
<meta property="og:type" content="article"><meta property="og:site_name" content="{site}">
<meta property="og:url" content="{url}"><meta property="og:image" content="{url}.jpg">
<meta property="article:published_time" content="{s["published"].isoformat()}">
<meta property="article:section" content="{s["category"]}">
{"".join(f'<meta property="article:tag" content="{t}">' for t in tags)}
<meta name="twitter:card" content="summary_large_image"><meta name="twitter:title" content="{esc(s["title"])}">
<link rel="canonical" href="{url}"><link rel="amphtml" href="{url}/amp">
<link rel="preconnect" href="https://cdn.example">
<link rel="stylesheet" href="/static/app.{rng.randint(10**6, 10**7)}.css">
<style>{css}</style>
{lds}
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());
gtag('config','G-{rng.randint(10**7, 10**8)}',{{'content_group':'{s["category"]}','author':'{s["author"]}'}});</script>
<script>var googletag=googletag||{{}};googletag.cmd=googletag.cmd||[];</script>
<script>window.__INITIAL_STATE__={json.dumps(state, ensure_ascii=False)};</script>
<script>(self.webpackChunk=self.webpackChunk||[]).push([[{s["id"] % 97}],{{{modules}}}]);</script>
</head>"""
