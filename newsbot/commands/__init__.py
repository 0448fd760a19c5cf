"""newsbot's `scrapy` commands (the COMMANDS_MODULE setting): Scrapy's own `crawl` and `list` with exit codes
cron can trust and one line instead of a traceback for a user's mistake.

Exit codes of `scrapy crawl`:
  0  the crawl ran and its health verdict (newsbot.monitor.health) is ok or warn
  1  the health verdict is fail, or the crawl could not start
  2  a usage or configuration error: a bad `-a`, an unknown spider, an invalid source config
"""

from __future__ import annotations

import sys
from typing import NoReturn

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def usage_exit(command: str, message: str) -> NoReturn:
    """One line on stderr and exit 2. Raised from process_options, before Scrapy logs its start-up banner."""
    print(f"scrapy {command}: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)
