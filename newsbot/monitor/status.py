"""`python -m newsbot status`: what an ops dashboard watches, from MongoDB or the embedded store.

- articles per source per day for the last --days days (the Europe/Istanbul calendar day of published_at:
  an article published at 00:30+03:00 counts on that Turkish day), with each source's total;
- the last --runs crawl runs per source: status, items, errors, duration (and health when recorded).

`--json` prints the same as one JSON document. A bad URI or an unreachable server: one line on
stderr (credentials masked) and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any

from newsbot.dates import istanbul_today
from newsbot.store import Spool, Store, StoreConfig, StoreError, open_store, short_error
from newsbot.store.migrate import notice
from newsbot.store.spool_cli import config_from, store_arguments


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _get(doc: dict, dotted: str, default: Any = None) -> Any:
    for part in dotted.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return default
        doc = doc[part]
    return doc


def collect(store: Store, days: int, runs: int, today: date | None = None) -> dict:
    """The status as plain data (what --json prints, before datetimes become strings)."""
    day_list = collect_days(days, today)
    run_docs: list[dict] = []
    for source in store.run_sources():
        for doc in store.runs(source, limit=runs):
            run_docs.append({key: _aware(value) for key, value in doc.items()})
    return {"days": day_list, "articles": store.articles_per_day(day_list), "runs": run_docs}


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return ""
    if seconds < 60:
        return f"{seconds:.1f}s"
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


def render(status: dict, where: str) -> str:
    days = status["days"]
    out = [f"newsbot status — reading {where}", "",
           f"Articles per source per day (published, last {len(days)} days)"]
    if status["articles"]:
        rows = [[source, *info["per_day"].values(), info["total"]] for source, info in status["articles"].items()]
        out.append(_table(["source", *(d[5:] for d in days), "stored"], rows))
    else:
        out.append("(no articles stored)")
    out += ["", "Last runs per source"]
    runs = status["runs"]
    if runs:
        with_health = any("health" in run for run in runs)
        headers = ["source", "started (UTC)", "status", "scraped", "inserted", "updated", "dropped", "errors",
                   "duration"] + (["health"] if with_health else [])
        rows = []
        for run in runs:
            started = run.get("started_at")
            row = [run.get("source"), started.strftime("%Y-%m-%d %H:%M") if isinstance(started, datetime) else "",
                   run.get("status"), _get(run, "items.scraped", ""), _get(run, "items.inserted", ""),
                   _get(run, "items.updated", ""), _get(run, "items.dropped", ""), _get(run, "errors.total", ""),
                   _duration(run.get("duration"))]
            if with_health:
                health = run.get("health")
                row.append(health.get("verdict", json.dumps(health)) if isinstance(health, dict) else health)
            rows.append(row)
        out.append(_table(headers, rows))
    else:
        out.append("(no crawl runs recorded)")
    return "\n".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return _aware(value).isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot status", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7, help="days of article counts (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="last runs shown per source (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    store_arguments(parser)
    args = parser.parse_args(argv)
    if args.days < 1 or args.runs < 1:
        parser.error("--days and --runs must be at least 1")
    config: StoreConfig = config_from(args)
    where = config.describe()
    try:
        config.check()
        if (line := notice(config)) is not None:
            print(f"status: {line}", file=sys.stderr)
        if not config.uri and not config.sqlite_path.exists():
            # Say so: an empty status may just mean the wrong store (the demo's, another --data-dir).
            where += " (no store there yet: nothing was crawled into it; --data-dir or NEWSBOT_MONGO_URI " \
                     "picks another)"
            status = {"days": collect_days(args.days), "articles": {}, "runs": []}
        else:
            with open_store(config) as store:
                status = collect(store, args.days, args.runs)
    except StoreError as exc:
        print(f"status: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # unreachable server, authentication failure, …
        print(f"status: cannot read {config.describe()}: {short_error(exc)}", file=sys.stderr)
        return 2
    spooled = len(Spool.for_config(config))
    if args.json:
        print(json.dumps(_jsonable({"store": where, "spooled": spooled, **status}), ensure_ascii=False, indent=1))
    else:
        print(render(status, where))
        if spooled:
            print(f"\n{spooled} write(s) spooled in {config.spool_path}: run 'python -m newsbot replay-spool'")
    return 0


def collect_days(days: int, today: date | None = None) -> list[str]:
    """The last `days` days up to today (Istanbul), oldest first, as YYYY-MM-DD."""
    today = today or istanbul_today()
    return [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
