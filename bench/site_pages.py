"""Three page templates of realistic weight for the generated bench site (bench/site.py --kind realistic):

- national: a national portal (mega-menu with featured news, market ticker, "SON DAKİKA" bar, share bar,
  "BUNLAR DA İLGİNİZİ ÇEKEBİLİR" grid, "ÇOK OKUNAN HABERLER", a few comments, a large state script);
- local: a local WordPress-style CMS (date bar, sidebar widgets — prayer times, weather, markets,
  columnists, photo gallery —, a poll, a long comment thread, Yoast-style JSON-LD @graph);
- agency: an agency-style page (JSON-LD NewsArticle with the full articleBody, dateline city, subscription
  notice, photo gallery with credits, "İlgili konular", "Benzer haberler", "EN SON" list, a long footer).

`weight` (drawn per page by the builder, median 1) scales the parts whose size varies on real sites: comment
threads, galleries, related lists, inline scripts. Every template puts the story in its own markup, so a
syndicated copy of a story appears in another template with other chrome.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from xml.sax.saxutils import escape

from bench.site_chrome import (
    breaking_bar,
    comments,
    cookie_banner,
    esc,
    footer,
    head,
    mega_menu,
    most_read,
    nest,
    poll,
    related_grid,
    share_bar,
    sidebar_widgets,
    tickers,
)
from bench.site_text import CATEGORIES, CITIES, MONTHS, PEOPLE, TOPICS, free_sentence, slug

TEMPLATES = ("national", "local", "agency")
SITE_NAMES = {"national": "Gündem Postası", "local": "Ege Kent Haber", "agency": "Ulak Haber Ajansı"}
DAYS = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]


def article_path(template: str, story: dict) -> str:
    """Each template has its own URL shape (all end in the numeric id, as news URLs do)."""
    s = slug(story["title"])
    if template == "national":
        return f"/{slug(story['category'])}/{s}-{story['id']}"
    if template == "local":
        return f"/haber/{slug(story['category'])}/{s}-h{story['id']}.html"
    return f"/tr/{slug(story['category'])}/{s}/{story['id']}"


def render(template: str, base: str, story: dict, pool: list[dict], weight: float) -> str:
    rng = random.Random(story["seed"] ^ 0x5EED)
    return {"national": national, "local": local, "agency": agency}[template](base, story, pool, rng, weight)


def _body(story: dict, pool: list[dict], base: str, rng: random.Random, box: str) -> str:
    """The story's paragraphs with what real bodies carry inside them: an "İLGİLİ HABER" box, an ad slot
    and a figure."""
    out = []
    for k, para in enumerate(story["body"]):
        out.append(f"<p>{escape(para)}</p>")
        if k == 2:
            other = pool[0]
            out.append(f'<div class="{box}"><strong>İLGİLİ HABER</strong> <a href="{base}{other["path"]}">'
                       f'{escape(other["title"])}</a></div>')
        if k == 3:
            out.append(nest(["ad-inline", "ad-label"], f'REKLAM<div id="div-gpt-ad-{rng.randint(10**9, 10**10)}">'
                                                       "</div>"))
        if k == 5:
            out.append(f'<figure class="inline-image"><img src="/i/{story["id"]}-2.jpg" alt="">'
                       f'<figcaption>{escape(story["title"][:70])}</figcaption></figure>')
    return "".join(out)


def _news_ld(story: dict, base: str, site: str, tags: list[str], body: bool) -> dict:
    url = base + story["path"]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story["title"],
          "description": story["lead"], "datePublished": story["published"].isoformat(),
          "dateModified": (story["published"] + timedelta(minutes=37)).isoformat(),
          "articleSection": story["category"], "keywords": ", ".join(tags), "inLanguage": "tr-TR",
          "author": {"@type": "Person", "name": story["author"]},
          "publisher": {"@type": "NewsMediaOrganization", "name": site,
                        "logo": {"@type": "ImageObject", "url": base + "/logo.png"}},
          "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "image": [f"{url}.jpg"]}
    if body:
        ld["articleBody"] = " ".join(story["body"])
    return ld


def _crumbs(base: str, story: dict) -> dict:
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Anasayfa", "item": base + "/"},
        {"@type": "ListItem", "position": 2, "name": story["category"],
         "item": f"{base}/{slug(story['category'])}"}]}


def _scaled(weight: float, n: int, low: int = 0) -> int:
    return max(low, round(n * weight))


def national(base: str, s: dict, pool: list[dict], rng: random.Random, weight: float) -> str:
    site = SITE_NAMES["national"]
    url, tags = base + s["path"], rng.sample(TOPICS, 5)
    pub = s["published"]
    upd = pub + timedelta(minutes=rng.randint(5, 90))
    ld = [_news_ld(s, base, site, tags, body=False), _crumbs(base, s)]
    article = (f'<article class="news-detail" data-id="{s["id"]}">'
               f'<ol class="breadcrumb"><li><a href="{base}/">Anasayfa</a></li><li><a href="{base}/'
               f'{slug(s["category"])}">{s["category"]}</a></li></ol>'
               f'<h1 class="news-title">{escape(s["title"])}</h1><h2 class="news-spot">{escape(s["lead"])}</h2>'
               + nest(["news-meta"], f'<span class="author">{s["author"]}</span><time datetime="{pub.isoformat()}">'
                      f'Giriş: {pub:%d.%m.%Y %H:%M}</time><time>Güncelleme: {upd:%d.%m.%Y %H:%M}</time>')
               + share_bar(url, s["title"])
               + f'<figure class="main-image"><img src="/i/{s["id"]}.jpg" alt="{esc(s["title"])}"></figure>'
               + nest(["news-content", "content-text"], _body(s, pool[1:], base, rng, "inline-related")
                      + f'<p class="source">Kaynak: {s["agency"]}</p>')
               + '<div class="tags"><span>Etiketler:</span>'
               + "".join(f'<a href="{base}/etiket/{slug(t)}">{t}</a>' for t in tags) + "</div></article>")
    prev_next = nest(["prev-next"], f'<a class="prev" href="{base}{pool[2]["path"]}">ÖNCEKİ HABER '
                     f'<span>{escape(pool[2]["title"])}</span></a><a class="next" href="{base}{pool[3]["path"]}">'
                     f'SONRAKİ HABER <span>{escape(pool[3]["title"])}</span></a>')
    main = (nest(["col-lg-8", "news-column"],
                 article + prev_next
                 + related_grid(base, "BUNLAR DA İLGİNİZİ ÇEKEBİLİR", pool[4:4 + _scaled(weight, 9, 6)], "related")
                 + comments(rng, _scaled(weight, 3), pub))
            + nest(["col-lg-4", "sidebar", "sticky"],
                   most_read(base, pool[13:23])
                   + related_grid(base, "EDİTÖRÜN SEÇTİKLERİ", pool[23:29], "editors-pick")
                   + '<div class="ad" id="div-gpt-ad-sidebar-1"></div>'
                   + '<div class="ad" id="div-gpt-ad-sidebar-2"></div>'))
    header = (tickers(rng) + nest(["site-header", "container"],
                                  f'<a class="logo" href="{base}/"><img src="/logo.svg" alt="{site}"></a>'
                                  '<form class="search" action="/arama"><input name="q" placeholder="Ara...">'
                                  '<button>Ara</button></form><button class="menu-toggle">Menü</button>')
              + mega_menu(base, rng, pool[29:], 9) + breaking_bar(base, pool[30:], 6))
    return ('<!DOCTYPE html>\n<html lang="tr">' + head(s, url, site, rng, weight, ld, tags, body_in_state=True)
            + f'<body class="news-detail-page">{cookie_banner()}{header}'
            + nest(["main-wrapper", "container"], f'<div class="row">{main}</div>')
            + footer(base, rng, site, 9) + "</body></html>")


def local(base: str, s: dict, pool: list[dict], rng: random.Random, weight: float) -> str:
    site = SITE_NAMES["local"]
    url, tags = base + s["path"], rng.sample(TOPICS, 4)
    pub = s["published"]
    city = rng.choice(CITIES)
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": url, "url": url, "name": s["title"], "inLanguage": "tr"},
        {**_news_ld(s, base, site, tags, body=False), "@type": "Article"},
        {"@type": "Person", "name": s["author"], "url": f"{base}/yazar/{slug(s['author'])}"},
        {"@type": "Organization", "name": site, "sameAs": [f"https://social.example/{slug(site)}"]}]}
    menu = "".join(f'<li class="menu-item menu-item-has-children"><a href="{base}/kategori/{slug(c)}">{c}</a>'
                   f'<ul class="sub-menu">' + "".join(f'<li><a href="{base}/kategori/{slug(c)}/{slug(d)}">{d}</a></li>'
                                                      for d in rng.sample(CITIES, 5)) + "</ul></li>"
                   for c in CATEGORIES)
    topbar = nest(["top-bar", "container"], f'<span class="today">{pub:%d.%m.%Y} {DAYS[pub.weekday()]}</span>'
                  f'<span class="weather">{city} {rng.randint(-2, 30)}°C</span>'
                  '<a href="/giris">Giriş Yap</a><a href="/abone-ol">Abone Ol</a>')
    header = (topbar + nest(["header-main", "container"],
                            f'<a class="logo" href="{base}/">{site}</a><div class="header-ad">REKLAM</div>')
              + nest(["main-menu-wrap", "container"], f'<ul id="menu-ana-menu" class="menu">{menu}</ul>'))
    post = (f'<article id="post-{s["id"]}" class="post type-post status-publish format-standard has-post-thumbnail">'
            + nest(["td-post-header"], f'<ul class="td-category"><li><a href="{base}/kategori/{slug(s["category"])}">'
                   f'{s["category"]}</a></li></ul><h1 class="entry-title">{escape(s["title"])}</h1>'
                   + nest(["td-module-meta-info"], f'<span class="td-post-author-name">{s["author"]}</span>'
                          f'<span class="td-post-date"><time class="entry-date" datetime="{pub.isoformat()}">'
                          f'{pub.day} {MONTHS[pub.month - 1]} {pub.year} - '
                          f'{pub:%H:%M}</time></span><span class="td-post-views">'
                          f'{rng.randint(100, 9000)} okunma</span>'))
            + share_bar(url, s["title"])
            + nest(["td-post-content", "entry-content"],
                   f'<p class="spot"><strong>{escape(s["lead"])}</strong></p>'
                   f'<figure class="wp-block-image size-large"><img src="/wp-content/uploads/{s["id"]}.jpg" '
                   f'class="wp-image-{s["id"]}" alt=""></figure>' + _body(s, pool, base, rng, "ilgili-haber-kutu")
                   + f'<p>Haber: {s["author"]} / {s["agency"]}</p>')
            + '<div class="td-post-source-tags"><ul class="td-tags"><li><span>ETİKETLER</span></li>'
            + "".join(f'<li><a href="{base}/etiket/{slug(t)}">{t}</a></li>' for t in tags) + "</ul></div></article>")
    related = "".join(f'<li><a href="{base}{o["path"]}">{escape(o["title"])}</a></li>' for o in pool[1:6])
    content = (nest(["td-pb-span8", "td-main-content", "td-ss-main-content"],
                    post + nest(["td-related"], f'<h4>İLGİLİ HABERLER</h4><ul>{related}</ul>')
                    + related_grid(base, "BUNLAR DA İLGİNİZİ ÇEKEBİLİR", pool[6:6 + _scaled(weight, 6, 3)],
                                   "jeg_related")
                    + poll(rng) + comments(rng, _scaled(weight, 8, 1), pub))
               + nest(["td-pb-span4", "td-main-sidebar", "td-ss-main-sidebar"],
                      most_read(base, pool[12:20])
                      + sidebar_widgets(base, rng, pool[20:20 + _scaled(weight, 4, 2)], city)))
    return ('<!DOCTYPE html>\n<html lang="tr-TR">' + head(s, url, site, rng, weight, [graph], tags)
            + f'<body class="post-template-default single single-post postid-{s["id"]}">{cookie_banner()}'
            + nest(["td-outer-wrap"], header + nest(["td-main-content-wrap", "td-container", "td-pb-row"], content)
                   + footer(base, rng, site, 6))
            + "</body></html>")


def agency(base: str, s: dict, pool: list[dict], rng: random.Random, weight: float) -> str:
    site = SITE_NAMES["agency"]
    url, tags = base + s["path"], rng.sample(TOPICS, 3)
    pub = s["published"]
    city = rng.choice(CITIES)
    ld = [_news_ld(s, base, site, tags, body=True) | {"contentLocation": {"@type": "Place", "name": city}},
          _crumbs(base, s), {"@context": "https://schema.org", "@type": "Organization", "name": site,
                             "url": base + "/", "logo": base + "/logo.png"}]
    menu = "".join(f'<li><a href="{base}/tr/{slug(c)}">{c}</a></li>' for c in CATEGORIES)
    header = (nest(["header", "container"],
                   f'<a class="brand" href="{base}/tr">{site}</a><ul class="lang"><li>TR</li><li>EN</li><li>AR</li>'
                   f'<li>RU</li><li>KU</li></ul><nav><ul class="nav">{menu}</ul></nav>'
                   '<a class="abone" href="/tr/abonelik">Abonelik</a>')
              + mega_menu(base, rng, pool[20:], 6))
    photo = rng.choice(PEOPLE)
    gallery = "".join(f'<div class="swiper-slide"><figure><img src="/g/{s["id"]}-{k}.jpg" alt="">'
                      f'<figcaption>{escape(free_sentence(rng)[:90])} Fotoğraf: {photo}/{s["agency"]}</figcaption>'
                      f'</figure></div>' for k in range(_scaled(weight, 8, 3)))
    similar = "".join(f'<li><a href="{base}{o["path"]}"><img src="/i/{o["id"]}-s.jpg" alt=""><span>'
                      f'{escape(o["title"])}</span></a></li>' for o in pool[1:7])
    latest = "".join(f'<li><time>{o["published"]:%H:%M}</time><a href="{base}{o["path"]}">{escape(o["title"])}</a></li>'
                     for o in pool[7:7 + _scaled(weight, 20, 10)])
    article = (nest(["detay-spot-category"],
                    f'<span class="detay-news-category"><a href="{base}/tr/{slug(s["category"])}">{s["category"]}</a>'
                    f'</span><h1>{escape(s["title"])}</h1><h4>{escape(s["lead"])}</h4>'
                    + nest(["row"], f'<span>{s["author"]} |</span><span class="tarih">{pub:%d.%m.%Y} - Güncelleme : '
                           f'{pub + timedelta(minutes=rng.randint(5, 80)):%d.%m.%Y}</span>'))
               + f'<div class="detay-foto"><img src="/i/{s["id"]}.jpg" alt="{esc(s["title"])}"></div>'
               + nest(["detay-icerik"], f"<h6>{city}</h6>"
                      + nest(["detay-body"], _body(s, pool, base, rng, "baglantili")
                      + '<span class="detay-foto-editor">Ajans web sitesinde, Haber Akış Sistemi (HAS) üzerinden '
                      'abonelere sunulan haberler, özetlenerek yayımlanmaktadır. Abonelik için lütfen iletişime '
                      'geçiniz.</span>'))
               + nest(["detay-galeri", "swiper"], f'<div class="swiper-wrapper">{gallery}</div>')
               + nest(["detay-paylas"], "<strong>İlgili konular</strong>"
                      + "".join(f'<a class="btn" href="{base}/tr/etiket/{slug(t)}">{t}</a>' for t in tags)
                      + "<strong>Bu haberi paylaşın</strong>" + share_bar(url, s["title"]))
               + nest(["benzer-haberler"], f"<h3>Benzer haberler</h3><ul>{similar}</ul>"))
    services = "".join(f"<li><a href=\"{base}/tr/{slug(x)}\">{x}</a></li>" for x in
                       ["Haber Akış Sistemi", "Fotoğraf Servisi", "Video Servisi", "Grafik Servisi", "Arşiv",
                        "Eğitim Merkezi", "Kurumsal", "Abonelik Başvurusu", "Mobil Uygulamalar", "Bülten"])
    return ('<!DOCTYPE html>\n<html lang="tr">' + head(s, url, site, rng, weight, ld, tags)
            + f"<body>{cookie_banner()}{header}"
            + nest(["container", "row"], nest(["col-md-9", "detay-bg"], article)
                   + nest(["col-md-3", "en-son"], f"<h3>EN SON</h3><ul>{latest}</ul>"))
            + nest(["services", "container"], f'<ul>{services}</ul>') + footer(base, rng, site, 9)
            + f'<script>window.__DATA__={json.dumps({"id": s["id"], "tags": tags}, ensure_ascii=False)}</script>'
            + "</body></html>")
