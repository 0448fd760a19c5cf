"""`python -m tests.fake_schedules FAKE_CRAWL_SCRIPT [schedules arguments…]`: runs `python -m schedules` with
the runner's crawl command replaced by `python FAKE_CRAWL_SCRIPT <source>` (the test hook lives here, not in
production code)."""

from __future__ import annotations

import runpy
import sys

from schedules import runner

if __name__ == "__main__":
    script, *args = sys.argv[1:]
    runner.DEFAULT_CRAWL_CMD = [sys.executable, script, "{source}"]
    sys.argv = ["schedules", *args]
    runpy.run_module("schedules", run_name="__main__", alter_sys=True)
