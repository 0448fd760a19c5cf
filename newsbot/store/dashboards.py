"""The MongoDB aggregation pipelines of README "Dashboards": what a Grafana / Metabase / Charts panel
runs against `articles` and `crawl_runs`. tests/test_dashboards.py runs each against FerretDB and checks
that the README shows them as they are here. They use no date operators (FerretDB 1.24 has none): days
are the stored `published_day` (the Europe/Istanbul calendar day of published_at).
"""

from __future__ import annotations


def articles_per_source_per_day(since_day: str) -> list[dict]:
    """articles: {_id: {source, day}, articles} from `since_day` (YYYY-MM-DD, Istanbul) on."""
    return [{"$match": {"published_day": {"$gte": since_day}}},
            {"$group": {"_id": {"source": "$source", "day": "$published_day"}, "articles": {"$sum": 1}}},
            {"$sort": {"_id.day": 1, "_id.source": 1}}]


def articles_per_agency_per_day(since_day: str) -> list[dict]:
    """articles: {_id: {agency, day}, articles}; agency null = no agency credited."""
    return [{"$match": {"published_day": {"$gte": since_day}}},
            {"$group": {"_id": {"agency": "$agency", "day": "$published_day"}, "articles": {"$sum": 1}}},
            {"$sort": {"_id.day": 1, "_id.agency": 1}}]


def last_runs(limit: int) -> list[dict]:
    """crawl_runs: the last `limit` runs, newest first, with their health verdict."""
    return [{"$sort": {"started_at": -1}}, {"$limit": limit},
            {"$project": {"_id": 1, "source": 1, "status": 1, "started_at": 1, "duration": 1,
                          "items.scraped": 1, "items.spooled": 1, "errors.total": 1, "health.verdict": 1}}]
