"""The held-out Turkish sites (tests/fixtures/heldout/: fictional sites written blind to newsbot's code, with
hand-written truth), crawled as a user would: each site served on its own 127.0.0.1 port, `scrapy crawl news`
from its sitemap and again from its home page, into a temporary embedded store. Per site and crawl:

    python3 bench/heldout.py [--json OUT] [--per-page] [--site NAME ...] [--start sitemap|home]

- found: truth articles stored, of the site's articles; non-articles stored (any stored URL that is not a truth
  article, named by its truth kind when it has one);
- on the stored articles: text F1 (stored `text` against lead + body; newsbot/extract/scoring.py, AEB shingles),
  body F1 (`body` without the lead, against the truth body), chrome strings leaked (the site's chrome strings and
  the page's other headlines found in `text` more often than in the truth), duplicated paragraphs, pages with
  U+FFFD or mojibake, title exact, and agency / category / published-time accuracy (the time to the minute, with
  its offset); coverage as in bench/devset.py.

Serving (the format in tests/fixtures/heldout/README.md): a file is served at its path under the site's folder;
`index.html` serves a directory; `?` in a URL is `%3F` in the file name; `{BASE}` in a file becomes the site's base
URL; `_headers.json` overrides status and headers per path; .html/.htm/.asp/.php and extension-less files are
`text/html` without a charset.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from devset import MOJIBAKE, coverage, coverage_row, duplicates, leaks, same_instant  # noqa: E402

from newsbot.extract.scoring import score  # noqa: E402
from newsbot.text import fold, word_tuple  # noqa: E402

HELDOUT = ROOT / "tests" / "fixtures" / "heldout"
HTML_SUFFIXES = {"", ".html", ".htm", ".asp", ".aspx", ".php"}


def load_truth(folder: Path = HELDOUT) -> dict:
    """Every truth-*.json of the folder, merged."""
    merged: dict = {"sites": {}, "articles": {}, "non_articles": {}}
    for path in sorted(folder.glob("truth-*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        for key in merged:
            merged[key].update(part.get(key) or {})
    return merged


class SiteHandler(BaseHTTPRequestHandler):
    """Serves one site folder as the README's format says."""

    def __init__(self, *args, folder: Path, base: list[str], headers: dict, **kwargs) -> None:
        self.folder, self.base, self.overrides = folder, base, headers
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        name = unquote(parts.path).lstrip("/") + (f"%3F{unquote(parts.query)}" if parts.query else "")
        file = self.folder / name
        if file.is_dir() or not name:
            file = file / "index.html"
        override = self.overrides.get(key) or {}
        if not file.is_file() or self.folder not in file.resolve().parents:
            self.send_error(override.get("status", 404))
            return
        body = file.read_bytes().replace(b"{BASE}", self.base[0].encode())
        # The URL's path decides the type: a query file's name ("x.asp%3Fid=1") has no usable suffix.
        suffix = Path(unquote(parts.path)).suffix.lower() if parts.path.strip("/") else ".html"
        ctype = "text/html" if suffix in HTML_SUFFIXES else (mimetypes.guess_type(file.name)[0] or
                                                              "application/octet-stream")
        self.send_response(override.get("status", 200))
        self.send_header("Content-Type", override.get("Content-Type", ctype))
        self.send_header("Content-Length", str(len(body)))
        for header, value in override.items():
            if header not in ("status", "Content-Type"):
                self.send_header(header, value)
        self.end_headers()
        self.wfile.write(body)


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve a site folder on a free 127.0.0.1 port; return the server and its base URL."""
    headers_file = folder / "_headers.json"
    headers = json.loads(headers_file.read_text(encoding="utf-8")) if headers_file.exists() else {}
    base: list[str] = [""]
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, folder=folder.resolve(), base=base,
                                                           headers=headers))
    base[0] = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base[0]


def crawl(url: str, source: str, out_dir: Path) -> tuple[list[dict], str]:
    """`scrapy crawl news` from one URL into a temporary embedded store; the exported items and the log's tail."""
    items = out_dir / f"items-{source}.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    run = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}", "-a", f"source={source}",
                          "-O", str(items), "-s", f"NEWSBOT_DATA_DIR={out_dir / 'data'}", "-s", "LOG_LEVEL=INFO",
                          "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
                         cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    got = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines()] if items.exists() else []
    # The stats dump's counters of pages not stored, e.g. "'newsbot/dropped/soft_404': 1,".
    drops = [line.strip().strip(",'").replace("newsbot/", "").replace("': ", "=") for line in run.stderr.splitlines()
             if "'newsbot/dropped/" in line or "'newsbot/skipped/" in line]
    return got, ", ".join(drops)


def path_key(url: str) -> str:
    parts = urlsplit(url)
    return parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")


def score_page(want: dict, got: dict, chrome: list[str]) -> dict:
    lead = want.get("lead") or ""
    paragraphs = want["body"] if want.get("lead_in_body") or not lead else [lead, *want["body"]]
    truth_text = "\n\n".join(paragraphs)
    lead_words = word_tuple(lead) if lead else None
    truth_body = [p for p in want["body"] if word_tuple(p) != lead_words]
    body_only = [p for p in got.get("body") or [] if word_tuple(p) != lead_words]
    text = got.get("text") or ""
    return {
        "text_f1": score(truth_text, text).f1,
        "body_f1": score("\n".join(truth_body), "\n".join(body_only)).f1,
        "leaks": leaks(text, truth_text, chrome),
        "dups": duplicates(text, want["title"]),
        "bad_chars": int("\ufffd" in text or bool(MOJIBAKE.search(text))),
        "title": (got.get("title") or "").split() == want["title"].split(),
        "agency": (got.get("agency") or None) == want.get("agency"),
        "category": fold(got.get("category") or "") == fold(want.get("category") or ""),
        "date": same_instant(want["published_at"], got.get("published_at")),
        "got": {k: got.get(k) for k in ("title", "agency", "category", "published_at")},
    }


def evaluate_site(folder: Path, truth: dict, start: str, out_dir: Path) -> tuple[dict, dict]:
    site = folder.name
    articles = {k.split("/", 1)[1]: v for k, v in truth["articles"].items() if k.split("/", 1)[0] == site}
    kinds = {k.split("/", 1)[1]: v for k, v in truth["non_articles"].items() if k.split("/", 1)[0] == site}
    chrome_strings = truth["sites"].get(site, {}).get("chrome_strings", [])
    server, base = serve(folder)
    try:
        items, drops = crawl(f"{base}/sitemap.xml" if start == "sitemap" else f"{base}/", site, out_dir)
    finally:
        server.shutdown()
    row: dict = defaultdict(float)
    pages: dict = {}
    stored_keys = set()
    non_articles = []
    for item in items:
        key = path_key(item["url"])
        want = articles.get(key)
        if want is None:
            non_articles.append(f"{key} ({kinds.get(key, 'not in truth')})")
            continue
        if key in stored_keys:
            row["stored_twice"] += 1
            continue
        stored_keys.add(key)
        page = score_page(want, item, chrome_strings + want.get("page_chrome", []))
        pages[f"{site}/{key}"] = page
        for field in ("text_f1", "body_f1", "title", "agency", "category", "date"):
            row[field] += float(page[field])
        row["leaks"] += len(page["leaks"])
        row["dups"] += page["dups"]
        row["bad_chars"] += page["bad_chars"]
        coverage_row(row, want.get("agency"), item.get("agency"), want.get("category"), item.get("category"))
    n = len(stored_keys) or 1
    result = {"articles": len(articles), "found": len(stored_keys), "non_articles_stored": len(non_articles),
              **{f: row[f] / n for f in ("text_f1", "body_f1", "title", "agency", "category", "date")},
              "chrome_leaks": int(row["leaks"]), "dup_paragraphs": int(row["dups"]), "bad_chars": int(row["bad_chars"]),
              "stored_twice": int(row["stored_twice"]), **coverage(row),
              "missed": sorted(set(articles) - stored_keys), "non_article_urls": non_articles, "drops": drops}
    return result, pages


COLUMNS = ["found", "non_articles_stored", "text_f1", "body_f1", "chrome_leaks", "dup_paragraphs", "bad_chars",
           "title", "agency", "category", "date"]


def print_table(start: str, table: dict, per_page: dict) -> None:
    print(f"\nheld-out sites, crawled from each {'sitemap' if start == 'sitemap' else 'home page'}:")
    print(f"{'site':13}" + "".join(f"{c.replace('_stored', '').replace('_paragraphs', ''):>13}" for c in COLUMNS))
    sums: dict = defaultdict(float)
    for site, row in table.items():
        cells = []
        for c in COLUMNS:
            if c == "found":
                cells.append(f"{row['found']}/{row['articles']}")
            elif isinstance(row[c], float):
                cells.append(f"{row[c]:.3f}")
            else:
                cells.append(str(row[c]))
        print(f"{site:13}" + "".join(f"{cell:>13}" for cell in cells))
        for c in COLUMNS:
            sums[c] += row[c] * row["found"] if isinstance(row[c], float) else row[c]
        sums["articles"] += row["articles"]
    n = sums["found"] or 1
    print(f"{'all':13}" + "".join(
        f"{int(sums['found'])}/{int(sums['articles'])}".rjust(13) if c == "found" else
        (f"{sums[c] / n:>13.3f}" if isinstance(next(iter(table.values()))[c], float) else f"{int(sums[c]):>13}")
        for c in COLUMNS))
    for site, row in table.items():
        extra = [f"agency shown {row['agency_shown']}, invented {row['agency_invented']}; "
                 f"category shown {row['category_shown']}, invented {row['category_invented']}"]
        if row["missed"]:
            extra.append("missed: " + ", ".join(row["missed"]))
        if row["non_article_urls"]:
            extra.append("non-articles stored: " + ", ".join(row["non_article_urls"]))
        if row["drops"]:
            extra.append("not stored: " + row["drops"])
        if row["stored_twice"]:
            extra.append(f"stored twice: {row['stored_twice']}")
        print(f"  {site}: " + " | ".join(extra))
    for name, page in per_page.items():
        print(f"\n{name}: text F1 {page['text_f1']:.3f} body F1 {page['body_f1']:.3f} dups {page['dups']} "
              f"leaks {page['leaks']} title {page['title']} got {page['got']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the tables (and pages) as JSON here")
    parser.add_argument("--per-page", action="store_true")
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    parser.add_argument("--dir", type=Path, default=HELDOUT, help="the held-out folder (truth-*.json, sites/)")
    parser.add_argument("--start", choices=["sitemap", "home"], action="append",
                        help="crawl from the sitemap, the home page, or both (default)")
    args = parser.parse_args()
    truth = load_truth(args.dir)
    root = args.dir / "sites"
    sites = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if args.site:
        unknown = set(args.site) - set(sites)
        if unknown:
            print(f"heldout: no such site: {', '.join(sorted(unknown))} (have: {', '.join(sites)})", file=sys.stderr)
            return 2
        sites = args.site
    if not sites:
        print(f"heldout: no sites under {root}", file=sys.stderr)
        return 2
    out: dict = {}
    for start in args.start or ["sitemap", "home"]:
        table, pages = {}, {}
        for site in sites:
            with tempfile.TemporaryDirectory(prefix=f"heldout-{site}-") as tmp:
                table[site], site_pages = evaluate_site(root / site, truth, start, Path(tmp))
                pages.update(site_pages)
        print_table(start, table, pages if args.per_page else {})
        out[start] = {"sites": table, "pages": pages}
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
