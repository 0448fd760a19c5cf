"""README "Dashboards": the aggregation pipelines run against FerretDB (the README shows them as the code
has them), and the Prometheus textfile a crawl writes for node_exporter."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pymongo
import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsbot.monitor.metrics import write_metrics
from newsbot.store import RUNS, StoreConfig, article_op, open_store
from newsbot.store.dashboards import articles_per_agency_per_day, articles_per_source_per_day, last_runs
from tests.plugin_sites import ROOT

T0 = datetime(2026, 1, 3, 9, 0, tzinfo=timezone.utc)
README_ARGS = {articles_per_source_per_day: "2026-01-01", articles_per_agency_per_day: "2026-01-01", last_runs: 20}


@pytest.fixture
def mongo_db(mongo_server, tmp_path):
    config = StoreConfig(mongo_server.uri, f"t_{uuid.uuid4().hex[:12]}", tmp_path)
    with pymongo.MongoClient(mongo_server.uri) as client:
        yield config, client[config.db_name]
        client.drop_database(config.db_name)


def test_the_readme_shows_the_pipelines_as_they_are():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for pipeline, arg in README_ARGS.items():
        assert json.dumps(pipeline(arg), ensure_ascii=False) in readme, pipeline.__name__


def test_dashboard_pipelines_on_ferretdb(mongo_db):
    config, db = mongo_db
    docs = [("aa", "AA", "2026-01-02T00:30:00+03:00"),  # 21:30 UTC on the 1st: a Turkish 2nd
            ("aa", "AA", "2026-01-01T12:00:00+03:00"), ("aa", "İHA", "2026-01-02T09:00:00+03:00"),
            ("iha", "İHA", "2026-01-02"), ("iha", None, "2025-12-31T23:00:00+03:00")]
    ops = [article_op({"canonical_url": f"https://x.example/{n}", "source": s, "agency": a, "published_at": p}, T0)
           for n, (s, a, p) in enumerate(docs)]
    for n, verdict in enumerate(["ok", "warn", "fail"]):
        ops.append((RUNS, {"_id": f"run{n}", "source": "aa", "status": "finished", "duration": 60.0 + n,
                           "started_at": T0 + timedelta(hours=n), "items": {"scraped": n, "spooled": 0},
                           "errors": {"total": n}, "health": {"verdict": verdict, "reasons": ["x"]}}))
    with open_store(config) as store:
        assert not store.write(ops).failed

    per_source = list(db["articles"].aggregate(articles_per_source_per_day("2026-01-01")))
    assert [(d["_id"]["source"], d["_id"]["day"], d["articles"]) for d in per_source] == [
        ("aa", "2026-01-01", 1), ("aa", "2026-01-02", 2), ("iha", "2026-01-02", 1)]
    per_agency = list(db["articles"].aggregate(articles_per_agency_per_day("2026-01-01")))
    assert [(d["_id"]["agency"], d["_id"]["day"], d["articles"]) for d in per_agency] == [
        ("AA", "2026-01-01", 1), ("AA", "2026-01-02", 1), ("İHA", "2026-01-02", 2)]
    runs = list(db[RUNS].aggregate(last_runs(2)))
    assert [(r["_id"], r["health"], r["items"]) for r in runs] == [
        ("run2", {"verdict": "fail"}, {"scraped": 2, "spooled": 0}),
        ("run1", {"verdict": "warn"}, {"scraped": 1, "spooled": 0})]


def _samples(path) -> dict[str, float]:
    return {s.name: s.value for f in text_string_to_metric_families(path.read_text()) for s in f.samples
            if s.labels == {"source": "aa"}}


def test_metrics_file_keeps_the_last_success_through_a_failed_run(tmp_path):
    stats = {"item_scraped_count": 7, "newsbot/store/inserted": 5, "newsbot/store/updated": 1,
             "item_dropped_count": 2, "log_count/ERROR": 1, "newsbot/fetch_failed/http_404": 2,
             "start_time": T0, "finish_time": T0 + timedelta(seconds=90)}
    path = write_metrics(tmp_path, "aa", stats, "finished", "warn", now=1000.0)
    first = _samples(path)
    assert first["newsbot_items_scraped"] == 7 and first["newsbot_items_stored"] == 6
    assert first["newsbot_errors"] == 3 and first["newsbot_crawl_duration_seconds"] == 90
    assert first["newsbot_health"] == 1 and first["newsbot_last_success_timestamp_seconds"] == 1000
    second = _samples(write_metrics(tmp_path, "aa", {**stats, "item_scraped_count": 0}, "finished", "fail", now=2000))
    assert second["newsbot_health"] == 2 and second["newsbot_last_run_timestamp_seconds"] == 2000
    assert second["newsbot_last_success_timestamp_seconds"] == 1000  # the failed run did not move it


@pytest.mark.slow
def test_a_crawl_writes_its_metrics_file(demo_site, crawl, tmp_path):
    result = crawl("news", "-a", f"url={demo_site.url('/rss.xml')}", "-a", "source=yerel",
                   settings={"NEWSBOT_METRICS_DIR": tmp_path / "metrics"})
    assert result.returncode == 0, result.log[-3000:]
    text = (tmp_path / "metrics" / "newsbot_yerel.prom").read_text()
    values = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}
    assert values["newsbot_items_scraped"] == 3 == values["newsbot_items_stored"]
    assert values["newsbot_health"] in (0, 1) and values["newsbot_last_success_timestamp_seconds"] > 0
