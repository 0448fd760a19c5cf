"""news-please's `NewsPlease.from_html` over a list of pages: run with news-please's own interpreter (it
conflicts with newsbot's pins, so it lives in its own virtual environment; see bench/README section of
BENCHMARKS.md). Imports nothing from newsbot.

    VENV/bin/python bench/newsplease_extract.py JOBS.jsonl OUT.jsonl

JOBS.jsonl: one {"id", "path", "url"} per line (path: an HTML file, .gz allowed).
OUT.jsonl:  one {"id", "title", "maintext", "description", "date_publish", "seconds", "error"} per line;
`seconds` is the time of the from_html call alone (reading and decompressing the file are not timed).
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
import time


def main() -> int:
    logging.disable(logging.CRITICAL)
    from newsplease import NewsPlease

    jobs_path, out_path = sys.argv[1], sys.argv[2]
    with open(jobs_path, encoding="utf-8") as fh, open(out_path, "w", encoding="utf-8") as out:
        for line in fh:
            job = json.loads(line)
            with open(job["path"], "rb") as page:
                data = page.read()
            if job["path"].endswith(".gz"):
                data = gzip.decompress(data)
            html = data.decode("utf-8", errors="replace")
            row = {"id": job["id"], "title": None, "maintext": None, "description": None, "date_publish": None,
                   "error": None}
            started = time.perf_counter()
            try:
                art = NewsPlease.from_html(html, url=job["url"], fetch_images=False)
                row["seconds"] = time.perf_counter() - started
                row.update(title=art.title, maintext=art.maintext, description=art.description,
                           date_publish=str(art.date_publish) if art.date_publish else None)
            except Exception as exc:  # counted as an empty extraction, like a crash in trafilatura's eval
                row["seconds"] = time.perf_counter() - started
                row["error"] = f"{type(exc).__name__}: {exc}"[:300]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
