"""A generated Turkish news site for benchmarks, and a fast static server for it (127.0.0.1 only).

    python bench/site.py serve --pages 2000 [--kind realistic|light] [--port 0] [--port-file F]
    python bench/site.py write --pages 2000 [--kind realistic|light] --out DIR    # the article pages as files
    python bench/site.py stats --pages 300 [--kind realistic|light]              # sizes per template

Two kinds of article pages, the same stories:
- realistic (default): three templates of real weight and shape (bench/site_pages.py: a national portal, a
  local WordPress-style CMS, an agency-style page), 40–250 KB a page (median ~70 KB), ~800–1,200 elements
  (median per template) nested 17–19 deep, with the chrome of real Turkish sites: mega-menus, tickers,
  "SON DAKİKA" bar, share bars, "BUNLAR DA İLGİNİZİ ÇEKEBİLİR" and "ÇOK OKUNAN HABERLER" widgets, comment
  threads, polls, sidebar widgets, galleries, cookie banners, long footers, inline scripts and JSON-LD.
  Shapes measured against the real pages of ../shared/corpus/turkish (see BENCHMARKS.md, "The bench site").
- light: the earlier single template (~56 KB, but only ~550 shallow elements: ~3–5 ms of extraction where
  real pages cost ~15–40 ms), kept for comparison with earlier measurements.

About one page in ten republishes an earlier page's agency story under another headline — on the realistic
site in another template than the original, as on republishing sites. Discovery: /rss.xml (latest 100), a
sitemap index /sitemap.xml with one sitemap per 1,000 articles, /robots.txt. Everything is deterministic
(seeded) and pre-rendered in memory.

The server is a bare asyncio protocol (HTTP/1.1 keep-alive, GET/HEAD, Content-Length) serving the
pre-rendered bytes: a few tens of µs per request, so it is not the bottleneck of a crawl on the same
machine. GET /__hits returns the number of article pages served so far (JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` is importable

from bench.site_pages import TEMPLATES, article_path, render  # noqa: E402
from bench.site_text import (  # noqa: E402
    CATEGORIES,
    CITIES,
    INSTITUTIONS,
    PEOPLE,
    SENTENCES,
    SITE_NAME,
    TOPICS,
    TZ,
    fill,
    paragraphs,
    slug,
)

KINDS = ("realistic", "light")


class SiteBuilder:
    """The stories of an N-article site and their pages. The stories are the same for both kinds (the main
    random stream is not touched by the template choice), so light and realistic runs crawl the same news."""

    def __init__(self, pages: int, base: str = "http://127.0.0.1", seed: int = 7, kind: str = "realistic") -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.pages = pages
        self.kind = kind
        self.base = base.rstrip("/")
        rng = random.Random(seed)
        start = datetime(2026, 11, 27, 23, 0, tzinfo=TZ)
        self.stories: list[dict] = []
        for i in range(pages):
            if i >= 20 and rng.random() < 0.1:  # an agency story republished under another headline
                orig = self.stories[rng.randrange(max(0, i - 50), i)]
                story = {**orig, "copy_of": orig["id"]}
                who = fill(rng, "{person} açıklama yaptı")
                story["title"] = f"{rng.choice(CITIES)}'da {rng.choice(TOPICS)}: {who}"
            else:
                topic, city = rng.choice(TOPICS), rng.choice(CITIES)
                story = {"title": f"{city}'da {topic} {rng.choice(['başladı', 'sürüyor', 'tamamlandı', 'ertelendi'])}"
                                  f": {rng.choice(INSTITUTIONS)} {rng.choice(['açıkladı', 'uyardı', 'duyurdu'])}",
                         "lead": fill(rng, rng.choice(SENTENCES[:12])) + " " + fill(rng, rng.choice(SENTENCES)),
                         "body": paragraphs(rng, rng.randint(6, 14)), "agency": rng.choice(["İHA", "DHA", "AA"]),
                         "category": rng.choice(CATEGORIES), "author": rng.choice(PEOPLE)}
            story["id"] = 100000 + i
            story["published"] = start - timedelta(minutes=7 * i + rng.randint(0, 6))
            story["seed"] = rng.randrange(1 << 30)
            self._place(story, self.stories[story["copy_of"] - 100000] if "copy_of" in story else None)
            self.stories.append(story)
        self.article_paths = {s["path"] for s in self.stories}

    def _place(self, story: dict, original: dict | None) -> None:
        """The story's template, URL path and weight (from its own seed: the main stream stays as it was).
        A syndicated copy goes into another template than its original."""
        own = random.Random(story["seed"] ^ 0x7E3)
        if self.kind == "light":
            story["template"], story["weight"] = "light", 1.0
            story["path"] = f"/haber/{slug(story['title'])}-{story['id']}.html"
            return
        choices = [t for t in TEMPLATES if original is None or t != original["template"]]
        story["template"] = own.choice(choices)
        # Page weight: log-normal around 1 (a few pages with long comment threads and big galleries).
        story["weight"] = min(2.8, max(0.55, own.lognormvariate(0.0, 0.45)))
        story["path"] = article_path(story["template"], story)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, i: int) -> bytes:
        s = self.stories[i]
        if s["template"] == "light":
            return self.light_page(s)
        rng = random.Random(s["seed"])
        pool = [self.stories[rng.randrange(self.pages)] for _ in range(48)]  # related, most-read, menu teasers
        return render(s["template"], self.base, s, pool, s["weight"]).encode("utf-8")

    def light_page(self, s: dict) -> bytes:
        """The earlier single-template page (one shallow layout, ~3 ms of extraction)."""
        rng = random.Random(s["seed"])
        pub = s["published"]
        upd = pub + timedelta(minutes=rng.randint(5, 90))
        others = [self.stories[j] for j in rng.sample(range(self.pages), min(16, self.pages))]
        menu = "".join(f'<li><a href="{self.base}/kategori/{slug(c)}">{c}</a></li>' for c in CATEGORIES * 4)
        mega = "".join(f'<li><a href="{self.base}/{slug(c)}-haberleri">{c} Haberleri</a></li>' for c in CITIES * 3)
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
             "item": self.url(f"/kategori/{slug(s['category'])}")}]}
        # Inline scripts as real pages carry them (ad slots, analytics, a state blob): most of a page's bytes.
        state = {"ads": [{"slot": f"div-gpt-ad-{k}", "sizes": [[300, 250], [728, 90]], "targeting": {"kw": tags}}
                         for k in range(40)],
                 "menu": [{"title": c, "url": f"/kategori/{slug(c)}", "children": [
                     {"title": f"{c} {city}", "url": f"/{slug(c)}/{slug(city)}"} for city in CITIES]}
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
<li><a href="{self.base}/kategori/{slug(s["category"])}">{s["category"]}</a></li></ol>
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
<div class="tags"><span>Etiketler:</span> {" ".join(f'<a href="/etiket/{slug(t)}">{t}</a>' for t in tags)}</div>
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
    def __init__(self, responses: dict[bytes, tuple[bytes, bytes]], articles: set[bytes], counter: list[int]) -> None:
        self.responses = responses
        self.articles = articles
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
                if path in self.articles:
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


def serve(pages: int, port: int, port_file: str | None, kind: str = "realistic") -> None:
    import socket

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))  # loopback only
    port = sock.getsockname()[1]
    builder = SiteBuilder(pages, f"http://127.0.0.1:{port}", kind=kind)
    responses = {path.encode(): (ctype.encode(), body) for path, (ctype, body) in builder.files().items()}
    articles = {path.encode() for path in builder.article_paths}
    counter = [0]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(lambda: _Http(responses, articles, counter),
                                                                sock=sock, backlog=1024)
        if port_file:
            Path(port_file + ".tmp").write_text(str(port))
            Path(port_file + ".tmp").rename(port_file)
        print(f"serving {pages} {kind} articles on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def write(pages: int, out: Path, base: str, kind: str = "realistic") -> None:
    """Write the article pages (and a manifest file → url) for extraction benchmarks."""
    builder = SiteBuilder(pages, base, kind=kind)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for i, s in enumerate(builder.stories):
        name = f"{s['id']}.html"
        (out / name).write_bytes(builder.page(i))
        manifest[name] = builder.url(s["path"])
    (out / "manifest.json").write_text(json.dumps(manifest, indent=0), encoding="utf-8")


def page_stats(pages: int, kind: str = "realistic") -> dict[str, dict]:
    """Per template: page count and size in KB (min, median, max), element count and nesting depth
    (median), bytes of inline <script>/<style> (median KB), syndicated copies."""
    import lxml.html

    builder = SiteBuilder(pages, kind=kind)
    rows: dict[str, list[tuple[float, int, int, float]]] = {}
    for i, s in enumerate(builder.stories):
        data = builder.page(i)
        tree = lxml.html.fromstring(data)
        elements = tree.xpath("//*")
        depth = max(sum(1 for _ in e.iterancestors()) for e in elements)
        inline = sum(len((e.text or "").encode()) for e in tree.xpath("//script|//style"))
        row = (len(data) / 1024, len(elements), depth, inline / 1024)
        rows.setdefault(s["template"], []).append(row)
        rows.setdefault("all", []).append(row)
    out = {}
    for template, got in sorted(rows.items()):
        sizes = sorted(r[0] for r in got)
        copies = sum(1 for s in builder.stories if template in ("all", s["template"]) and "copy_of" in s)
        out[template] = {"pages": len(got), "kb_min": round(sizes[0], 1),
                         "kb_median": round(statistics.median(sizes), 1),
                         "kb_max": round(sizes[-1], 1), "elements": statistics.median(r[1] for r in got),
                         "depth": statistics.median(r[2] for r in got),
                         "inline_kb": round(statistics.median(r[3] for r in got), 1), "copies": copies}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    w = sub.add_parser("write")
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--base", default="http://127.0.0.1:8000")
    st = sub.add_parser("stats")
    for p in (s, w, st):
        p.add_argument("--pages", type=int, default=2000)
        p.add_argument("--kind", choices=KINDS, default="realistic")
    args = ap.parse_args()
    if args.cmd == "serve":
        serve(args.pages, args.port, args.port_file, args.kind)
    elif args.cmd == "write":
        write(args.pages, args.out, args.base, args.kind)
    else:
        for template, row in page_stats(args.pages, args.kind).items():
            print(template, json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
