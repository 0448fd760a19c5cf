"""Extraction quality, side by side: newsbot's extractor vs trafilatura alone (vs news-please, if a
virtual environment with news-please is given), on two corpora in ../shared/corpus:

    python bench/quality.py [--newsplease VENV/bin/python] [--json OUT] [--limit N] [--show-losses K]
                            [--half dev|held]

1. trafilatura's evaluation set (990 pages, snippets that must / must not appear; rule in its NOTES.md):
   per page, the whitespace-normalised main text is searched for each snippet; TP/FN/FP/TN are summed
   over the corpus (micro average); a crash or empty output counts every `with` as FN.
2. The Turkish pages (11, ground-truth.json): body scored with the AEB shingle metric (newsbot/extract/scoring.py);
   micro (summed shingle counts) and macro (mean of per-page F1).

What text is compared ("main text"):
- trafilatura: `trafilatura.extract(..., include_comments=False, include_tables=True)` — its main text,
  which contains the lead paragraph when the page's article body contains it.
- newsbot: what a crawl stores — `extract_article()`, then the chrome-stripping stage of the item pipeline
  (pipelines/strip_chrome.py: page furniture and site chrome leave the body there, not in extraction), then
  `text` as pipelines/validate.py writes it (`article_text`: the lead once, then the body; "newsbot").
  "newsbot extraction" is the same text before the stripping stage. The per-site learned boilerplate stage is
  left out (it learns over many pages of one site; these are single pages). On the Turkish set newsbot's own
  contract is also scored: the stored body alone against `articleBody` (the ground truth without the summary).
- news-please: `NewsPlease.from_html(...)`: description (its lead) + maintext when maintext does not
  already start with it. The page is given as text decoded by newsbot's charset layer.
Held-out half: each page of the general set belongs to one of two site-disjoint halves, `dev` or `held`, by a
stable hash of its registered domain (the archived site's for web.archive.org copies, the file name's for the
corpus's `hard::` pages). Rules are chosen looking at `dev` only; `held` is the honest number. `--half` scores
one half; without it the whole set is scored and each half's line is printed under it.
Titles: exact match after whitespace normalisation (case kept), on entries with a title. Dates: the
published date's day (YYYY-MM-DD, the page's local day) equals the annotated day.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
TRAF = SHARED / "corpus" / "trafilatura"
TURKISH = SHARED / "corpus" / "turkish"

# Ground-truth titles that are not the article's title (see tests/test_extract_corpus.py, TITLE_FIXES):
# Habertürk's og:title adds a section suffix; Hürriyet's drops the headline's quotation marks.
TURKISH_TITLE_FIXES = {
    "fundus-current-Haberturk_2024_07_03": "Türkiye'de orman yangınları! Yangınlarda son durum!",
    "fundus-historical-Haberturk_2024_04_28": "Turizm Bakanlığı'ndan 'milliyet farkı' açıklaması",
    "birkand-hurriyet-v1": '"Suriyeli kadınlara iyilik yapıyoruz" diye kendilerini savunuyorlar!',
}


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def site_of(page_id: str) -> str:
    """The registered domain a general-set page comes from: its URL's, the archived URL's for a web.archive.org
    copy, and for ids like "hard::laestrella.com.pa-laboral.html" the longest leading run of the file name's
    labels that is a domain ("laestrella.com.pa"); the id itself when none is found."""
    from courlan import extract_domain

    urls = re.findall(r"https?://[^\s]+?(?=https?://|$)", page_id)
    if urls:
        domain = extract_domain(urls[-1])
        if domain:
            return domain
    name = page_id.split("::", 1)[-1].removesuffix(".html").split("-", 1)[0]
    labels = name.split(".")
    for k in range(len(labels), 1, -1):
        domain = extract_domain("https://" + ".".join(labels[:k]) + "/")
        if domain:
            return domain
    return page_id


def half_of(page_id: str) -> str:
    """`dev` or `held`: a stable (process- and machine-independent) hash of the page's site, so that every page
    of a site lands in the same half."""
    return "dev" if hashlib.sha256(site_of(page_id).encode()).digest()[0] % 2 == 0 else "held"


def load_trafilatura_set(limit: int | None = None) -> list[dict]:
    data = json.loads((TRAF / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in data.items():
        for folder in ("cache", "eval"):
            path = TRAF / folder / (entry["file"] + ".gz")
            if path.exists():
                break
        else:
            continue
        pages.append({"id": url, "url": url if url.startswith("http") else "https://example.org/", "path": path,
                      "half": half_of(url),
                      "with": entry.get("with") or [], "without": entry.get("without") or [],
                      "title": entry.get("title") or "", "date": entry.get("date") or ""})
    return pages[:limit] if limit else pages


def load_turkish_set() -> list[dict]:
    data = json.loads((TURKISH / "ground-truth.json").read_text(encoding="utf-8"))
    return [{"id": pid, "url": e["url"], "path": TURKISH / e["html"], "title": e.get("title") or "",
             "title_fixed": TURKISH_TITLE_FIXES.get(pid, e.get("title") or ""), "date": e.get("date") or "",
             "body": e.get("articleBody") or "", "body_with_summary": e.get("articleBodyWithSummary") or ""}
            for pid, e in sorted(data.items())]


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


# -- the extractors ---------------------------------------------------------------------------------
def run_newsbot(pages: list[dict]) -> dict[str, dict]:
    from newsbot.extract import extract_article
    from newsbot.items import Article
    from pipelines.strip_chrome import StripChromePipeline

    stage = StripChromePipeline()
    out = {}
    for page in pages:
        data = read_bytes(page["path"])
        started = time.perf_counter()
        try:
            art = extract_article(data, page["url"])
        except Exception as exc:  # a crash counts as empty output
            out[page["id"]] = {"error": repr(exc), "seconds": time.perf_counter() - started}
            continue
        item = stage.process_item(Article(
            url=page["url"], title=art["title"] or "", lead=art["lead"] or "", body=list(art["body"]),
            published_at=art["published_at"], category=art["category"], agency=art["agency"]))
        seconds = time.perf_counter() - started  # extraction and the stripping stage
        out[page["id"]] = {"title": item.title, "date": item.published_at or "", "lead": item.lead,
                           "body": [p for p in item.body if p.strip()], "extracted_lead": art["lead"] or "",
                           "extracted_body": art["body"], "seconds": seconds}
    return out


def run_trafilatura(pages: list[dict]) -> dict[str, dict]:
    import trafilatura

    out = {}
    for page in pages:
        data = read_bytes(page["path"])
        started = time.perf_counter()
        try:
            doc = trafilatura.bare_extraction(data, url=page["url"], include_comments=False, include_tables=True,
                                              with_metadata=True)
        except Exception as exc:
            out[page["id"]] = {"error": repr(exc), "seconds": time.perf_counter() - started}
            continue
        seconds = time.perf_counter() - started
        if doc is None:
            out[page["id"]] = {"text": "", "title": "", "date": "", "seconds": seconds}
            continue
        d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        out[page["id"]] = {"text": d.get("text") or "", "title": d.get("title") or "", "date": d.get("date") or "",
                           "seconds": seconds}
    return out


def run_newsplease(pages: list[dict], python: str) -> dict[str, dict]:
    from newsbot.extract.charset import decode_html

    with tempfile.TemporaryDirectory() as tmp:
        jobs = Path(tmp) / "jobs.jsonl"
        with jobs.open("w", encoding="utf-8") as fh:
            for k, page in enumerate(pages):
                html = Path(tmp) / f"{k}.html"
                html.write_text(decode_html(read_bytes(page["path"]), None), encoding="utf-8")
                fh.write(json.dumps({"id": page["id"], "path": str(html), "url": page["url"]}) + "\n")
        out_file = Path(tmp) / "out.jsonl"
        subprocess.run([python, str(ROOT / "bench" / "newsplease_extract.py"), str(jobs), str(out_file)], check=True)
        rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    out = {}
    for row in rows:
        main, desc = row.get("maintext") or "", row.get("description") or ""
        text = main if not desc or norm(main).startswith(norm(desc)[:60]) else desc + "\n" + main
        out[row["id"]] = {"text": text, "title": row.get("title") or "", "date": (row.get("date_publish") or "")[:10],
                          "seconds": row["seconds"], "error": row.get("error")}
    return out


def texts(system: str, result: dict) -> dict[str, str]:
    """The texts of one page that are scored, by variant name."""
    if "error" in result and not result.get("title") and not result.get("text") and not result.get("body"):
        return {}
    if system == "newsbot":
        from newsbot.extract.body import article_text  # the stored `text`: lead once, then the body

        return {"newsbot": article_text(result["lead"], result["body"]),
                "newsbot extraction": article_text(result["extracted_lead"], result["extracted_body"]),
                "newsbot body": "\n".join(result["body"])}
    return {system: result.get("text") or ""}


# -- scoring ----------------------------------------------------------------------------------------
def score_snippets(pages: list[dict], outputs: dict[str, dict[str, dict]]) -> dict:
    scores: dict[str, dict] = {}
    for system, results in outputs.items():
        for page in pages:
            variants = texts(system, results.get(page["id"], {"error": "missing"}))
            names = variants or {v: "" for v in texts(system, _EMPTY[system])}
            for name in names:
                text = norm(variants.get(name, ""))
                s = scores.setdefault(name, {"tp": 0, "fn": 0, "fp": 0, "tn": 0, "title_ok": 0, "titles": 0,
                                             "date_ok": 0, "dates": 0, "losses": []})
                tp = sum(1 for w in page["with"] if text and norm(w) in text)
                fp = sum(1 for w in page["without"] if text and norm(w) in text)
                s["tp"] += tp
                s["fn"] += len(page["with"]) - tp
                s["fp"] += fp
                s["tn"] += len(page["without"]) - fp
                s["losses"].append((page["id"], len(page["with"]) - tp, fp))
                res = results.get(page["id"], {})
                if page["title"]:
                    s["titles"] += 1
                    s["title_ok"] += norm(res.get("title")) == norm(page["title"])
                if page["date"]:
                    s["dates"] += 1
                    s["date_ok"] += (res.get("date") or "")[:10] == page["date"]
    for s in scores.values():
        s.update(_prf(s["tp"], s["fp"], s["fn"]))
        s["accuracy"] = round((s["tp"] + s["tn"]) / max(1, s["tp"] + s["tn"] + s["fp"] + s["fn"]), 4)
        s["title_accuracy"] = round(s["title_ok"] / max(1, s["titles"]), 4)
        s["date_accuracy"] = round(s["date_ok"] / max(1, s["dates"]), 4)
    return scores


_EMPTY = {"newsbot": {"lead": "", "body": [], "extracted_lead": "", "extracted_body": []}, "trafilatura": {},
          "news-please": {}}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def score_turkish(pages: list[dict], outputs: dict[str, dict[str, dict]]) -> dict:
    from datetime import datetime

    from newsbot.extract.dates import ISTANBUL
    from newsbot.extract.scoring import score

    def same_moment(got: str, want: str) -> bool:
        if not got or not want:
            return False
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", want):
            return got[:10] == want
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", got):  # the ground truth has a time, the answer none
            return False
        try:
            a, b = datetime.fromisoformat(got), datetime.fromisoformat(want)
        except ValueError:
            return got[:10] == want[:10]
        a = a if a.tzinfo else a.replace(tzinfo=ISTANBUL)
        b = b if b.tzinfo else b.replace(tzinfo=ISTANBUL)
        return a == b

    scores: dict[str, dict] = {}
    for system, results in outputs.items():
        for page in pages:
            res = results.get(page["id"], {})
            variants = texts(system, res) or {v: "" for v in texts(system, _EMPTY[system])}
            for name, text in variants.items():
                want = page["body"] if name == "newsbot body" else page["body_with_summary"]
                sc = score(want, text)
                s = scores.setdefault(name, {"tp": 0, "fp": 0, "fn": 0, "f1s": [], "title_ok": 0, "title_fixed_ok": 0,
                                             "date_day_ok": 0, "date_exact_ok": 0, "pages": 0, "per_page": {}})
                s["tp"] += sc.tp
                s["fp"] += sc.fp
                s["fn"] += sc.fn
                s["f1s"].append(sc.f1)
                s["per_page"][page["id"]] = round(sc.f1, 3)
                s["pages"] += 1
                s["title_ok"] += norm(res.get("title")) == norm(page["title"])
                s["title_fixed_ok"] += norm(res.get("title")) == norm(page["title_fixed"])
                s["date_day_ok"] += (res.get("date") or "")[:10] == page["date"][:10]
                s["date_exact_ok"] += same_moment(res.get("date") or "", page["date"])
    for s in scores.values():
        s.update(_prf(s["tp"], s["fp"], s["fn"]))
        s["macro_f1"] = round(sum(s["f1s"]) / max(1, len(s["f1s"])), 4)
        del s["f1s"]
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--newsplease", help="python of a virtual environment with news-please 1.6 installed")
    ap.add_argument("--limit", type=int, help="only the first N pages of the trafilatura set (quick look)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-losses", type=int, default=0, help="list the K pages where newsbot loses most")
    ap.add_argument("--half", choices=("dev", "held"),
                    help="score only this site-disjoint half of the general set (choose rules on dev only)")
    args = ap.parse_args()

    general, turkish = load_trafilatura_set(args.limit), load_turkish_set()
    for half in ("dev", "held"):
        members = [p for p in general if p["half"] == half]
        print(f"general set, half {half}: {len(members)} pages, {len({site_of(p['id']) for p in members})} sites, "
              f"{sum(len(p['with']) for p in members)} must-have and "
              f"{sum(len(p['without']) for p in members)} must-not snippets")
    if args.half:
        general = [p for p in general if p["half"] == args.half]
    report: dict = {"general": {}, "turkish": {}, "seconds_per_page": {}}
    for name, pages in (("general", general), ("turkish", turkish)):
        outputs = {"newsbot": run_newsbot(pages), "trafilatura": run_trafilatura(pages)}
        if args.newsplease:
            outputs["news-please"] = run_newsplease(pages, args.newsplease)
        for system, results in outputs.items():
            secs = [r["seconds"] for r in results.values() if "seconds" in r]
            report["seconds_per_page"].setdefault(system, {})[name] = round(sum(secs) / max(1, len(secs)), 4)
        if name == "general":
            report[name] = score_snippets(pages, outputs)
            if not args.half:
                report["general_by_half"] = {half: score_snippets([p for p in pages if p["half"] == half], outputs)
                                             for half in ("dev", "held")}
        else:
            report[name] = score_turkish(pages, outputs)

    which = f", half {args.half}" if args.half else ""
    print(f"\n== trafilatura evaluation set{which}: {len(general)} pages (snippet rule, micro average) ==")
    print(f"{'system':18} {'P':>7} {'R':>7} {'F1':>7} {'acc':>7} {'title':>7} {'date':>7} {'FP':>5} {'FN':>5}")
    for name, s in report["general"].items():
        print(f"{name:18} {s['precision']:7.4f} {s['recall']:7.4f} {s['f1']:7.4f} {s['accuracy']:7.4f} "
              f"{s['title_accuracy']:7.4f} {s['date_accuracy']:7.4f} {s['fp']:5} {s['fn']:5}")
    for half, scores in report.get("general_by_half", {}).items():
        print(f"-- half {half}:")
        for name, s in scores.items():
            print(f"{name:18} {s['precision']:7.4f} {s['recall']:7.4f} {s['f1']:7.4f} {s['accuracy']:7.4f} "
                  f"{s['title_accuracy']:7.4f} {s['date_accuracy']:7.4f} {s['fp']:5} {s['fn']:5}")
    print(f"\n== Turkish pages: {len(turkish)} (AEB shingle metric; newsbot body vs articleBody, "
          "others vs articleBodyWithSummary) ==")
    print(f"{'system':18} {'P':>7} {'R':>7} {'F1':>7} {'macroF1':>8} {'title':>6} {'title*':>6} {'day':>5} "
          f"{'exact':>6}")
    for name, s in report["turkish"].items():
        n = s["pages"]
        print(f"{name:18} {s['precision']:7.4f} {s['recall']:7.4f} {s['f1']:7.4f} {s['macro_f1']:8.4f} "
              f"{s['title_ok']:>3}/{n} {s['title_fixed_ok']:>3}/{n} {s['date_day_ok']:>2}/{n} "
              f"{s['date_exact_ok']:>3}/{n}")
    print("(title* = against the ground truth with the documented title fixes; exact = same moment incl. time)")
    print(f"\nseconds per page: {json.dumps(report['seconds_per_page'])}")
    if args.show_losses:
        ours = {pid: (fn, fp) for pid, fn, fp in report["general"]["newsbot"]["losses"]}
        theirs = {pid: (fn, fp) for pid, fn, fp in report["general"]["trafilatura"]["losses"]}
        worse = sorted(ours, key=lambda p: (sum(theirs[p]) - sum(ours[p])))[: args.show_losses]
        print("\npages where newsbot is worst against trafilatura (newsbot fn,fp | trafilatura fn,fp):")
        for pid in worse:
            if sum(ours[pid]) > sum(theirs[pid]):
                print(f"  {ours[pid]} | {theirs[pid]}  {pid}")
    for scores in (report["general"], *report.get("general_by_half", {}).values()):
        for s in scores.values():
            s.pop("losses", None)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
