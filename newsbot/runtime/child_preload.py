"""Imported by newsbot's fork server (newsbot.runtime.child) before it forks any child, and by nothing else.

It imports the modules the children run, once per crawl instead of once per child, and does the
extractor's first-page set-up (justext's stop lists and the like: ~0.3 s of CPU) once, so that every
extraction worker forked afterwards starts with it done. datasketch (with scipy, ~0.5 s) is left to
the one child that uses it (dedupe): importing it here would only delay the extraction workers.
"""

from __future__ import annotations

import logging

import scrapy.cmdline  # noqa: F401 - a child re-runs the crawl's `scrapy` script: cheap once this is imported

import newsbot.store.sqlite  # noqa: F401 - the dedupe and store children's store
import pipelines.dedupe  # noqa: F401
from newsbot.runtime.extract_pool import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - never kill the fork server: each worker warms up again and reports it
    logging.getLogger(__name__).exception("extractor warm-up in the fork server failed")
