"""What a crawl of the bench site stored, compared between two versions of the code: the articles (every
field but the crawl's own times), their story ids, the stories and the story signatures.

    python bench/store_diff.py crawl --pages 2000 --out A.json [--kind realistic] [-- -s NAME=VALUE …]
    python bench/store_diff.py compare A.json B.json

`crawl` runs the embedded-store crawl as bench/throughput.py does (its server, settings and command line,
but one request at a time and one extraction worker by default), keeps the data directory and dumps the
store; `compare` prints what differs and exits 1 when anything does. A change meant to cut CPU only must
leave the dump unchanged. Left out: the bench server's address (a new port each run); the clock's fields
(fetched_at and its _local text, first_seen, last_seen, seen_at, revised_at, a story payload's now); and
what only says in which order a story's articles came (its id is named after the first: compared as the
set of articles it holds; its title, the first's; its outlets' order). Even one request at a time, two
runs of the same code are not in quite the same order (Scrapy takes start requests as the scheduler has
room) and learned chrome learns in that order: on 2,000 realistic pages two runs of main differed in one
article's body (and signature), nothing else.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import ROOT, SOURCE_TOML, run_crawl, start_server, stop_services  # noqa: E402

sys.path.insert(0, str(ROOT))  # newsbot, for reading the store

SERVER = re.compile(r"http://127\.0\.0\.1:\d+")
CLOCK_FIELDS = {"fetched_at", "fetched_at_local", "first_seen", "last_seen", "seen_at", "revised_at", "now"}


def _plain(value):
    """JSON-able, times as ISO text, bytes as hex."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items()) if k not in CLOCK_FIELDS}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _site_free(value, story_names: dict[str, str]):
    """The bench server's address (a new port each run) out of every text; story ids (named after their first
    article's URL) as that URL."""
    if isinstance(value, dict):
        return {_site_free(k, story_names): _site_free(v, story_names) for k, v in value.items()}
    if isinstance(value, list):
        return [_site_free(v, story_names) for v in value]
    if isinstance(value, str):
        return story_names.get(value) or SERVER.sub("http://bench", value)
    return value


def dump(data_dir: Path) -> dict:
    """The store under `data_dir` (embedded), as comparable JSON."""
    from newsbot.store import ARTICLES, SIGNATURES, STORIES, StoreConfig, open_store

    with open_store(StoreConfig.resolve(data_dir, environ={})) as store:
        articles = {d["canonical_url"]: _plain(d) for d in store.find(ARTICLES)}
        signatures = {d["_id"]: _plain(d) for d in store.find(SIGNATURES)}
        stories = {d["story_id"]: _plain(d) for d in store.find(STORIES)}
    return {"articles": articles, "signatures": signatures, "stories": stories}


def comparable(dumped: dict) -> dict:
    """A dump without the bench server's address (another port each run), each story id replaced by a name
    its articles give it whatever their order ("story of" the first of their URLs, sorted): a story is named
    after the article that reached dedupe first, and a crawl's order is not quite the same twice (Scrapy
    consumes start requests as the scheduler has room), so two runs of the same code may name a story after
    another of its articles; what must not change is which articles are one story."""
    members: dict[str, list[str]] = {}
    for url, doc in dumped["articles"].items():
        members.setdefault(doc.get("story_id"), []).append(SERVER.sub("http://bench", url))
    names = {sid: "story of " + min(urls) for sid, urls in members.items() if sid}
    out = _site_free({k: dumped[k] for k in ("articles", "signatures", "stories")}, names)
    for story in out["stories"].values():  # its title and outlets' order are its articles' order too
        story.pop("title", None)
        story["outlets"] = sorted(story.get("outlets") or [], key=lambda o: o.get("url") or "")
        story["outlet_urls"] = sorted(story.get("outlet_urls") or [])
    return out


def compare(a: dict, b: dict, show: int = 5) -> int:
    """Differences printed, per collection; the number of differing documents."""
    differing = 0
    for name in ("articles", "signatures", "stories"):
        left, right = a[name], b[name]
        only_a, only_b = sorted(set(left) - set(right)), sorted(set(right) - set(left))
        changed = sorted(k for k in set(left) & set(right) if left[k] != right[k])
        fields: dict[str, int] = {}
        for k in changed:
            for f in set(left[k]) | set(right[k]):
                if left[k].get(f) != right[k].get(f):
                    fields[f] = fields.get(f, 0) + 1
        print(f"{name}: {len(left)} / {len(right)}; only in A {len(only_a)}, only in B {len(only_b)}, "
              f"changed {len(changed)}" + (f" (fields: {fields})" if fields else ""))
        for k in changed[:show]:
            diff = {f: (left[k].get(f), right[k].get(f)) for f in set(left[k]) | set(right[k])
                    if left[k].get(f) != right[k].get(f)}
            print(f"  {k}: {json.dumps(diff, ensure_ascii=False)[:400]}")
        differing += len(only_a) + len(only_b) + len(changed)
    return differing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    crawl = sub.add_parser("crawl", help="crawl the bench site into an embedded store and dump it")
    crawl.add_argument("--pages", type=int, default=2000)
    crawl.add_argument("--kind", choices=["realistic", "light"], default="realistic")
    crawl.add_argument("--concurrency", type=int, default=1,
                       help="1 (default): pages reach the pipelines in one order every run, so story ids (named after "
                            "a story's first article) and what learned chrome learned first are comparable")
    crawl.add_argument("--out", type=Path, required=True)
    crawl.add_argument("extra", nargs="*", help="extra arguments for the crawl (e.g. -s NAME=VALUE)")
    cmp = sub.add_parser("compare", help="compare two dumps")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.command == "compare":
        differing = compare(comparable(json.loads(args.a.read_text())), comparable(json.loads(args.b.read_text())))
        print("identical" if not differing else f"{differing} document(s) differ")
        return 1 if differing else 0
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-diff-"))
    server = None
    try:
        server, base = start_server(args.pages, tmp, args.kind)
        (tmp / "sources").mkdir()
        (tmp / "sources" / "benchsite.toml").write_text(SOURCE_TOML.format(base=base), encoding="utf-8")
        args.keep_data = True
        if args.concurrency == 1:  # and one extraction worker: pages leave extraction in the order they came
            args.extra = ["-s", "NEWSBOT_EXTRACT_WORKERS=1", *args.extra]
        res = run_crawl("embedded", base, tmp, "diff", args, None)
        out = dump(tmp / "data-diff")
        out["run"] = {k: res[k] for k in ("pages", "stored", "elapsed_s", "cpu_s", "cpu_by_process")}
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=0))
        print(f"{res['pages']} pages, {len(out['articles'])} articles, {len(out['stories'])} stories -> {args.out}")
    finally:
        stop_services(server, None, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
