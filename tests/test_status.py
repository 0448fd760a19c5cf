"""`python -m newsbot status` on FerretDB and on the embedded store: tables and --json."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from newsbot.monitor import status
from newsbot.monitor.runs import build_run_record
from newsbot.store import RUNS, article_op
from tests.plugin_mongo import run_newsbot

NOW = datetime.now(timezone.utc)


def seed(backend) -> tuple[str, str]:
    """Articles for today and yesterday (Istanbul) from two sources, and three finished runs."""
    today, yesterday = status.collect_days(2)[::-1]
    docs = [("aa", today, 1), ("aa", today, 2), ("aa", yesterday, 3), ("iha", yesterday, 4), ("iha", "2020-01-01", 5)]
    ops = [article_op({"canonical_url": f"https://x.example/{n}", "source": source, "title": "t",
                       "published_at": f"{day}T12:00:00+03:00"}, NOW) for source, day, n in docs]
    stats = {"item_scraped_count": 7, "newsbot/store/inserted": 5, "newsbot/store/updated": 2,
             "log_count/ERROR": 1, "newsbot/fetch_failed/http_404": 2, "downloader/request_count": 9,
             "downloader/response_status_count/200": 7, "item_dropped_count": 1, "newsbot/dropped/no_body": 1}
    for n, source in enumerate(["aa", "aa", "iha"]):
        start = NOW - timedelta(hours=n + 1)
        record = build_run_record(stats, run_id=f"run{n}", spider=source, source=source, started_at=start,
                                  finished_at=start + timedelta(seconds=75), reason="finished")
        if n == 2:
            record["health"] = {"verdict": "degraded", "why": ["2 fetch failures"]}
        ops.append((RUNS, record))
    with backend.store() as store:
        counts = store.write(ops)
    assert counts.failed == 0 and counts.rejected == 0
    return today, yesterday


def test_status_table(store_backend, monkeypatch, capsys):
    seed(store_backend)
    for key, value in store_backend.env.items():
        monkeypatch.setenv(key, value)
    assert status.main(["--days", "3", "--data-dir", str(store_backend.data_dir)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    articles = {line.split()[0]: line.split()[1:] for line in lines if line.startswith(("aa ", "iha "))
                and len(line.split()) == 5}
    assert articles == {"aa": ["0", "1", "2", "3"], "iha": ["0", "1", "0", "2"]}  # 3 days, then stored
    runs = [line.split() for line in lines if line.startswith(("aa ", "iha ")) and len(line.split()) > 5]
    assert len(runs) == 3
    assert runs[0][3:] == ["finished", "7", "5", "2", "1", "3", "1m15s"]  # scraped inserted updated dropped errors
    assert "health" in out and runs[2][-1] == "degraded"


def test_status_json(store_backend):
    today, yesterday = seed(store_backend)
    out = run_newsbot("status", "--json", "--days", "2", "--runs", "1", "--data-dir", str(store_backend.data_dir),
                      env=store_backend.env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["days"] == [yesterday, today]
    assert data["articles"]["aa"] == {"total": 3, "per_day": {yesterday: 1, today: 2}}
    assert data["articles"]["iha"] == {"total": 2, "per_day": {yesterday: 1, today: 0}}
    assert [(r["source"], r["_id"]) for r in data["runs"]] == [("aa", "run0"), ("iha", "run2")]
    assert data["runs"][0]["items"]["inserted"] == 5 and data["runs"][0]["errors"]["fetch_failed"] == {"http_404": 2}
    assert datetime.fromisoformat(data["runs"][0]["started_at"]).tzinfo is not None
    assert data["spooled"] == 0


def test_status_on_an_empty_embedded_store_creates_nothing(tmp_path):
    out = run_newsbot("status", "--data-dir", str(tmp_path / "data"), env={})
    assert out.returncode == 0, out.stderr
    assert "(no articles stored)" in out.stdout and "(no crawl runs recorded)" in out.stdout
    assert not (tmp_path / "data").exists()


def test_days_are_turkish_days(store_backend):
    """00:30+03:00 on the 2nd is 21:30 UTC on the 1st: it counts on the 2nd (Istanbul), and so does a page
    that gives only the day; 23:59+03:00 on the 1st counts on the 1st."""
    docs = [("2026-01-02T00:30:00+03:00", 1), ("2026-01-02", 2), ("2026-01-01T23:59:00+03:00", 3),
            ("2026-01-01T21:30:00Z", 4)]  # = 00:30 on the 2nd in Istanbul
    ops = [article_op({"canonical_url": f"https://x.example/{n}", "source": "aa", "published_at": when}, NOW)
           for when, n in docs]
    with store_backend.store() as store:
        assert not store.write(ops).failed
        got = status.collect(store, 3, 1, today=date(2026, 1, 2))
    assert got["articles"]["aa"]["per_day"] == {"2025-12-31": 0, "2026-01-01": 1, "2026-01-02": 3}
