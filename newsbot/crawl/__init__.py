"""Scrapy-side crawl control: middlewares, address policy, delays, incremental check, job state, Redis."""
