"""`scrapy list`: Scrapy's command; an invalid source config is one line and exit 2, not a traceback."""

from __future__ import annotations

import argparse

from scrapy.commands.list import Command as ScrapyList

from newsbot.commands import usage_exit
from newsbot.sources import SourceConfigError


class Command(ScrapyList):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().run(args, opts)
        except SourceConfigError as exc:
            usage_exit("list", str(exc))
