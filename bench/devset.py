"""Body quality on the dev set (tests/fixtures/devsites/: five site templates with hand-written truth),
per template, through what a crawl runs: extraction, then the item pipelines that change the body
(chrome stripping, learned boilerplate, validation — the stored `text`).

    python3 bench/devset.py [--json OUT] [--per-page] [--turkish-dev]

Per template: text F1 (the stored `text` against lead + body of the truth; newsbot/extract/scoring.py, AEB shingles),
body F1 (`body` without any copy of the lead, against the truth body), chrome strings leaked (the template's
chrome strings and the page's other headlines found in `text` and not in the truth), duplicated paragraphs
(a paragraph of `text` whose folded words equal an earlier one's or the title's), pages with U+FFFD or
mojibake in `text`, and agency / category / date accuracy. Pages of a template go through one pipeline
instance in file order, as one crawl of that site would. Coverage (issue 14's measure): of the pages that
show an agency (category), the share where it is right, and the pages given one they do not show.

--turkish-dev also crawls ../shared/corpus/turkish-dev (its serve.py, `scrapy crawl news` from each site's
sitemap, and again from each home page, into a temporary embedded store), prints its score.py report and
the same coverage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itemadapter import ItemAdapter  # noqa: E402

from newsbot.extract import extract_article  # noqa: E402
from newsbot.extract.scoring import score  # noqa: E402
from newsbot.items import Article  # noqa: E402
from newsbot.text import fold, word_tuple  # noqa: E402

DEVSITES = ROOT / "tests" / "fixtures" / "devsites"
TURKISH_DEV = ROOT.parent / "shared" / "corpus" / "turkish-dev"
MOJIBAKE = re.compile(r"[ÃÄÅ][\x80-\xbf\u0152-\u2122]|Ã§|Ä±|Å\u009f")


class Stats:
    """The stats collector interface the pipelines use, kept in a dict."""

    def __init__(self) -> None:
        self.values: dict[str, int] = defaultdict(int)

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count

    def get_value(self, key: str, default=None):
        return self.values.get(key, default)

    def set_value(self, key: str, value) -> None:
        self.values[key] = value


def body_pipelines(stats: Stats, data_dir: Path) -> list:
    """The pipelines of a crawl that change an article's body or text, in settings order."""
    from pipelines.strip_chrome import StripChromePipeline
    from pipelines.validate import ValidatePipeline

    chain = [StripChromePipeline(stats=stats)]
    try:
        from pipelines.boilerplate import LearnedBoilerplatePipeline
    except ImportError:  # before the learned-boilerplate stage existed
        pass
    else:
        chain.append(LearnedBoilerplatePipeline.for_data_dir(data_dir, stats=stats))
    chain.append(ValidatePipeline(stats))
    return chain


def run_page(path: Path, url: str, chain: list) -> dict:
    fields = extract_article(path.read_bytes(), url)
    item = Article(url=url, canonical_url=fields["canonical_url"], title=fields.get("title") or "",
                   lead=fields.get("lead") or "", body=list(fields.get("body") or []),
                   text="\n\n".join(fields.get("body") or []), published_at=fields.get("published_at"),
                   category=fields.get("category"), agency=fields.get("agency"), site=url.split("/")[2])
    for stage in chain:
        try:
            item = stage.process_item(item, None)
        except Exception as exc:  # DropItem: the page is not stored (counts as empty)
            return {"dropped": f"{type(exc).__name__}: {exc}", "title": item.title, "lead": "", "body": [],
                    "text": "", "agency": None, "category": None, "published_at": None}
    return dict(ItemAdapter(item).asdict())


def same_instant(want: str | None, got: str | None) -> bool:
    if not want or not got or len(got) <= 10:
        return want == got
    try:
        return abs((datetime.fromisoformat(want) - datetime.fromisoformat(got)).total_seconds()) <= 60
    except ValueError:
        return False


def leaks(text: str, truth_text: str, strings: list[str]) -> list[str]:
    folded, truth_folded = fold(text), fold(truth_text)
    out = []
    for s in strings:
        f = fold(s)
        extra = folded.count(f) - truth_folded.count(f)
        out += [s] * max(0, extra)
    return out


def duplicates(text: str, title: str) -> int:
    seen = {word_tuple(title)} if title else set()
    dup = 0
    for para in (p for p in text.split("\n\n") if p.strip()):
        key = word_tuple(para)
        if key in seen:
            dup += 1
        seen.add(key)
    return dup


def evaluate(per_page: bool = False) -> dict:
    truth = json.loads((DEVSITES / "truth.json").read_text(encoding="utf-8"))
    rows: dict[str, dict] = {}
    pages: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="devset-") as tmp:
        chains: dict[str, list] = {}
        for name, t in truth["articles"].items():
            template = t["template"]
            stats = Stats()
            chain = chains.setdefault(template, body_pipelines(stats, Path(tmp)))
            got = run_page(DEVSITES / name, t["url"], chain)
            truth_text = "\n\n".join([t["lead"], *t["body"]])
            lead_words = word_tuple(t["lead"])
            body_only = [p for p in got["body"] if word_tuple(p) != lead_words]
            chrome = truth["templates"][template]["chrome_strings"] + t["page_chrome"]
            page = {
                "text_f1": score(truth_text, got["text"]).f1,
                "body_f1": score("\n".join(t["body"]), "\n".join(body_only)).f1,
                "leaks": leaks(got["text"], truth_text, chrome),
                "dups": duplicates(got["text"], t["title"]),
                "bad_chars": int("\ufffd" in got["text"] or bool(MOJIBAKE.search(got["text"]))),
                "agency": got.get("agency") == t["agency"],
                "category": bool(got.get("category")) and fold(got["category"]) == fold(t["category"]),
                "date": same_instant(t["published_at"], got.get("published_at")),
                "got": {k: got.get(k) for k in ("agency", "category", "published_at", "dropped")},
            }
            pages[name] = page
            row = rows.setdefault(template, defaultdict(float))
            row["pages"] += 1
            for key in ("text_f1", "body_f1", "agency", "category", "date"):
                row[key] += float(page[key])
            row["leaks"] += len(page["leaks"])
            row["dups"] += page["dups"]
            row["bad_chars"] += page["bad_chars"]
    for name, page in pages.items():
        t = truth["articles"][name]
        coverage_row(rows[t["template"]], t["agency"], page["got"]["agency"], t["category"], page["got"]["category"])
    table = {}
    for template, row in rows.items():
        n = row["pages"]
        table[template] = {"pages": int(n), "text_f1": row["text_f1"] / n, "body_f1": row["body_f1"] / n,
                           "chrome_leaks": int(row["leaks"]), "dup_paragraphs": int(row["dups"]),
                           "bad_chars": int(row["bad_chars"]), "agency": row["agency"] / n,
                           "category": row["category"] / n, "date": row["date"] / n,
                           **coverage(row)}
    return {"templates": table, "pages": pages if per_page else {}}


def coverage_row(row: dict, want_agency, got_agency, want_category, got_category) -> None:
    """Count one page into the coverage counters of `row`."""
    for field, want, got in (("agency", want_agency, got_agency), ("category", want_category, got_category)):
        if want:
            row[f"{field}_shown"] += 1
            row[f"{field}_shown_right"] += bool(got) and fold(got) == fold(want)
        elif got:
            row[f"{field}_invented"] += 1


def coverage(row: dict) -> dict:
    out = {}
    for field in ("agency", "category"):
        shown = row.get(f"{field}_shown", 0)
        out[f"{field}_shown"] = f"{int(row.get(f'{field}_shown_right', 0))}/{int(shown)}"
        out[f"{field}_invented"] = int(row.get(f"{field}_invented", 0))
    return out


def print_table(result: dict) -> None:
    cols = ["pages", "text_f1", "body_f1", "chrome_leaks", "dup_paragraphs", "bad_chars", "agency", "category",
            "date"]
    more = ["agency_shown", "agency_invented", "category_shown", "category_invented"]
    print(f"{'template':10}" + "".join(f"{c:>15}" for c in cols))
    total = defaultdict(float)
    for template, row in result["templates"].items():
        cells = []
        for c in cols:
            v = row[c]
            cells.append(f"{v:>15.3f}" if isinstance(v, float) else f"{v:>15}")
            total[c] += v * (row["pages"] if isinstance(v, float) else 1)
        print(f"{template:10}" + "".join(cells))
    n = total["pages"]
    print(f"{'all':10}" + "".join(f"{total[c] / n:>15.3f}" if isinstance(result['templates'][next(iter(
        result['templates']))][c], float) else f"{int(total[c]):>15}" for c in cols))
    print(f"\ncoverage: of the pages that show an agency / category, right; pages given one they do not show\n"
          f"{'template':10}" + "".join(f"{c:>18}" for c in more))
    sums = defaultdict(lambda: [0, 0])
    for template, row in result["templates"].items():
        print(f"{template:10}" + "".join(f"{row[c]:>18}" for c in more))
        for c in more:
            right, _, shown = str(row[c]).partition("/")
            sums[c][0] += int(right)
            sums[c][1] += int(shown or 0)
    print(f"{'all':10}" + "".join(f"{f'{a}/{b}' if b else a:>18}" for a, b in sums.values()))
    for name, page in result["pages"].items():
        print(f"\n{name}: text F1 {page['text_f1']:.3f} body F1 {page['body_f1']:.3f} dups {page['dups']} "
              f"leaks {page['leaks']} got {page['got']}")


def turkish_dev_coverage(items: Path, sites: dict[str, str]) -> str:
    """Agency / category coverage of crawled turkish-dev items against its truth.json."""
    truth = json.loads((TURKISH_DEV / "truth.json").read_text(encoding="utf-8"))["articles"]
    row: dict = defaultdict(float)
    for line in items.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        site = next((name for name, base in sites.items() if item["url"].startswith(base)), None)
        want = truth.get(f"{site}/{item['url'].removeprefix(sites.get(site, '')).lstrip('/')}") if site else None
        if want is None or want.get("is_amp"):
            continue
        coverage_row(row, want["source_agency"], item.get("agency"), want["category"], item.get("category"))
    got = coverage(row)
    return (f"coverage: agency right on {got['agency_shown']} pages that show one, given on {got['agency_invented']} "
            f"that do not; category right on {got['category_shown']}, given on {got['category_invented']} that do not")


def turkish_dev(out_dir: Path, start: str = "sitemap.xml") -> str:
    """Serve the four turkish-dev sites, crawl each from `start` (its sitemap, or "" for its home page), score
    the items with its score.py."""
    sites_json = out_dir / "sites.json"
    server = subprocess.Popen([sys.executable, str(TURKISH_DEV / "serve.py"), "--json-out", str(sites_json)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if sites_json.exists() and sites_json.stat().st_size:
                break
            time.sleep(0.1)
        sites = json.loads(sites_json.read_text())
        items = out_dir / "items.jsonl"
        with items.open("w") as sink:
            for name, base in sorted(sites.items()):
                part = out_dir / f"items-{name}.jsonl"
                env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
                subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}{start}",
                                "-a", f"source={name}", "-O", str(part), "-s", f"NEWSBOT_DATA_DIR={out_dir / 'data'}",
                                "-s", "LOG_LEVEL=WARNING", "-s", "AUTOTHROTTLE_ENABLED=False"],
                               cwd=ROOT, env=env, check=False, capture_output=True)
                if part.exists():
                    sink.write(part.read_text())
        report = subprocess.run([sys.executable, str(TURKISH_DEV / "score.py"), str(items), "--sites",
                                 str(sites_json)], capture_output=True, text=True, check=False)
        return report.stdout + report.stderr + turkish_dev_coverage(items, sites) + "\n"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the table (and pages) as JSON here")
    parser.add_argument("--per-page", action="store_true")
    parser.add_argument("--turkish-dev", action="store_true", help="also crawl and score ../shared/corpus/turkish-dev")
    args = parser.parse_args()
    result = evaluate(args.per_page)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.turkish_dev:
        if not TURKISH_DEV.is_dir():
            print(f"turkish-dev: {TURKISH_DEV} not found")
            return
        for start, what in (("sitemap.xml", "each sitemap"), ("", "each home page")):
            with tempfile.TemporaryDirectory(prefix="turkish-dev-") as tmp:
                print(f"\nturkish-dev (crawled from {what}):\n" + turkish_dev(Path(tmp), start))


if __name__ == "__main__":
    main()
