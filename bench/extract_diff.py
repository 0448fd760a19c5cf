"""extract_article's output, every field, on every page set the project measures, dumped from one code tree and
compared with another's: a change meant to make extraction cheaper must not change what it returns.

    python3 bench/extract_diff.py dump OUT.json [--tree DIR]     # DIR: the newsbot checkout to run (default: this one)
    python3 bench/extract_diff.py compare A.json B.json

Page sets, each run through one extract_article in a fixed order, once with a fresh learned-template store
(site_template.py: pages of a site in order, as one extraction worker gets them) and once with templates off:
  bench     the realistic bench site's first 300 pages (generated here: same pages for both trees)
  turkish   ../shared/corpus/turkish (11 real pages)
  devset    tests/fixtures/devsites (the dev set of bench/devset.py)
  tkdev     every HTML page of ../shared/corpus/turkish-dev/sites (articles, home, category, info pages)
  general   ../shared/corpus/trafilatura (990 pages)
A set whose files are missing is skipped and named. An exception is recorded as the page's output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
BENCH_PAGES = 300


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def page_sets() -> dict[str, list[tuple[str, str, bytes]]]:
    """Set name -> [(page id, url, bytes)] in the order they are extracted."""
    from bench.site import SiteBuilder

    site = SiteBuilder(BENCH_PAGES, "http://127.0.0.1:8000")
    sets = {"bench": [(s["path"], site.url(s["path"]), site.page(i)) for i, s in enumerate(site.stories)]}
    truth = SHARED / "turkish" / "ground-truth.json"
    if truth.exists():
        data = json.loads(truth.read_text(encoding="utf-8"))
        sets["turkish"] = [(pid, e["url"], _read(SHARED / "turkish" / e["html"])) for pid, e in sorted(data.items())]
    devsites = ROOT / "tests" / "fixtures" / "devsites"
    articles = json.loads((devsites / "truth.json").read_text(encoding="utf-8"))["articles"]
    sets["devset"] = [(name, t["url"], (devsites / name).read_bytes()) for name, t in articles.items()]
    tkdev = SHARED / "turkish-dev" / "sites"
    if tkdev.exists():
        sets["tkdev"] = [(str(p.relative_to(tkdev)), f"http://{p.relative_to(tkdev).parts[0]}.example/"
                          + "/".join(p.relative_to(tkdev).parts[1:]), p.read_bytes())
                         for p in sorted(tkdev.rglob("*.html"))]
    traf = SHARED / "trafilatura" / "evaldata.json"
    if traf.exists():
        pages = []
        for url, entry in json.loads(traf.read_text(encoding="utf-8")).items():
            path = next((p for p in (SHARED / "trafilatura" / d / (entry["file"] + ".gz") for d in ("cache", "eval"))
                         if p.exists()), None)
            if path is not None:
                pages.append((url, url if url.startswith("http") else "https://example.org/", _read(path)))
        sets["general"] = pages
    return sets


def dump(out: Path, tree: Path) -> None:
    sets = page_sets()  # the page generator of this checkout, before the tree's newsbot is imported
    sys.path.insert(0, str(tree))
    from newsbot.extract import extract_article
    from newsbot.extract.site_template import SiteTemplates

    print(f"extract_article of {Path(sys.modules['newsbot'].__file__).parent.parent}", file=sys.stderr)
    result: dict[str, dict] = {}
    for name, pages in sets.items():
        for label, templates in (("template", SiteTemplates), ("general", None)):
            store = templates() if templates else None
            rows = result[f"{name}/{label}"] = {}
            for pid, url, data in pages:
                try:
                    rows[pid] = extract_article(data, url, templates=store)
                except Exception as exc:  # noqa: BLE001 — the output compared is the exception then
                    rows[pid] = {"error": repr(exc)}
        print(f"{name}: {len(pages)} pages", file=sys.stderr)
    out.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def compare(a: Path, b: Path) -> int:
    left, right = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    differing = 0
    for key in sorted(set(left) | set(right)):
        rows_a, rows_b = left.get(key, {}), right.get(key, {})
        diff = [pid for pid in sorted(set(rows_a) | set(rows_b)) if rows_a.get(pid) != rows_b.get(pid)]
        differing += len(diff)
        print(f"{key:20} pages {len(rows_a):4} / {len(rows_b):4}  differ {len(diff)}")
        for pid in diff[:5]:
            fa, fb = rows_a.get(pid) or {}, rows_b.get(pid) or {}
            fields = [f for f in sorted(set(fa) | set(fb)) if fa.get(f) != fb.get(f)]
            print(f"    {pid}: {', '.join(fields)}")
    print(f"{sum(len(v) for v in left.values())} page outputs, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--tree", type=Path, default=ROOT, help="the newsbot checkout whose extract_article runs")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.tree.resolve())
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
