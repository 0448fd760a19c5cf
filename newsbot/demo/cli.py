"""`python -m newsbot demo`: serve the bundled demo site on 127.0.0.1, crawl it, print what landed."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from newsbot.demo.server import DEMO_SITE, FixtureSite
from newsbot.store import ARTICLES, STORIES, StoreConfig, open_store

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot demo", description=__doc__)
    parser.add_argument("--data-dir", help="embedded store directory, kept (default: a temporary one, removed at "
                        "the end unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store and print the status "
                        "command that reads it")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="newsbot-demo-"))
    temporary = not args.data_dir and not args.keep
    try:
        code = demo(data_dir)
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    if temporary:
        print(f"\nthe demo's store at {data_dir} was removed; run with --keep to look at it with 'status'")
    else:
        # the same interpreter (a venv's, say) and an absolute path: the line works as printed
        print("\nlook at it with: " + shlex.join([sys.executable, "-m", "newsbot", "status", "--data-dir",
                                                 str(data_dir.resolve())]))
    return code


def demo(data_dir: Path) -> int:
    """Serve the demo site, crawl it into the embedded store at `data_dir`, print what landed."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSBOT_MONGO_URI", "MONGO_URI")}
    with FixtureSite(DEMO_SITE) as site:
        feed = site.url("/rss.xml")
        print(f"demo site: {site.base}  (feed {feed})")
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={feed}", "-a", "source=demo",
               "-s", f"NEWSBOT_DATA_DIR={data_dir}", "-s", "LOG_LEVEL=WARNING"]
        print("crawling:", " ".join(cmd[2:]))
        proc = subprocess.run(cmd, cwd=ROOT, env=env)
    if proc.returncode != 0:
        print(f"demo: the crawl failed with exit code {proc.returncode}", file=sys.stderr)
        return 1
    with open_store(StoreConfig(None, "newsbot", data_dir)) as store:
        docs = sorted(store.find(ARTICLES, source="demo"), key=lambda d: d.get("published_at_local") or "",
                      reverse=True)
        runs = store.runs("demo")
        stories = len(store.find(STORIES))
    print(f"\n{len(docs)} articles landed in the embedded store at {data_dir}:\n")
    for doc in docs:
        print(f"# {doc['title']}")
        print(f"  published {doc.get('published_at_local')}  category {doc.get('category')}  agency {doc.get('agency')}"
              f"  editor {doc.get('editor')}")
        print(f"  lead: {doc.get('lead')}")
        for para in doc.get("body", []):
            print(f"  | {para[:110]}{'…' if len(para) > 110 else ''}")
        print()
    for run in runs:
        health = (run.get("health") or {}).get("verdict", "-")
        print(f"crawl run {run['_id']}: {run.get('status')}, {run.get('items', {}).get('scraped', 0)} items, "
              f"{run.get('errors', {}).get('total', 0)} errors, {run.get('duration', 0):.1f} s, health {health}")
    print(f"{stories} stories in the stories collection")
    return 0
