"""`python -m newsbot extract PAGE.html[.gz] --url URL [--raw]`: what a crawl stores of one saved page, as JSON.

By default the page goes through what a crawl does to it, in the crawl's order: extraction (the same
`extract_page` the crawl's workers run), the article item the spider builds, chrome stripping
(pipelines/strip_chrome.py, with the bundled phrase data and any `--chrome` files, like NEWSBOT_CHROME_FILES)
and validation, which rebuilds `text` and `content_hash` from the stripped body. Left out: the learned per-site
boilerplate stage (pipelines/boilerplate.py), which learns from many pages of a site, and dedupe (`story_id`).
`--raw` prints extraction's fields alone, before any pipeline stage.

It lives in pipelines/ because it composes stages: extraction must not import pipelines (imports run downward).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from scrapy.exceptions import DropItem

from newsbot.items import Article, article_from_fields
from newsbot.runtime.extract_pool import extract_page
from newsbot.sniff import looks_binary
from newsbot.sources import SourceConfig, SourceConfigError, load_sources, source_for_url
from pipelines.strip_chrome import ChromeDataError, ChromeRules, StripChromePipeline, load_rules
from pipelines.validate import ValidatePipeline


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line on stderr instead of argparse's usage block
        raise _UsageError(message)


class NotStored(Exception):
    """A crawl would not store the page; the message says why (the crawl's own stat name)."""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m newsbot extract",
                     description="Print what a crawl stores of one saved article page, as JSON (chrome stripped; "
                                 "the learned per-site boilerplate stage is left out: it learns from many pages).")
    parser.add_argument("page", help="saved page: .html or .html.gz")
    parser.add_argument("--url", required=True, help="the page's URL (picks the source config by host)")
    parser.add_argument("--source", help="use this source config instead of the one matching the URL")
    parser.add_argument("--content-type", help="HTTP Content-Type header the page was served with")
    parser.add_argument("--raw", action="store_true",
                        help="extraction's fields only, before chrome stripping and validation")
    parser.add_argument("--chrome", action="append", default=[], metavar="FILE",
                        help="an extra chrome phrase file (.toml or .txt), like the setting NEWSBOT_CHROME_FILES")
    return parser


def read_page(path: Path) -> bytes:
    """A saved page's bytes; .gz files are decompressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


def stored_article(fields: dict, url: str, config: SourceConfig | None, rules: ChromeRules) -> Article:
    """The Article a crawl hands to its store for extract_page's `fields`, before the learned per-site stage
    and dedupe; NotStored when the crawl skips or drops the page."""
    if fields.get("page_kind"):  # the spider skips these (newsbot/skipped/not_article/<kind>)
        raise NotStored(f"not_article/{fields['page_kind']}")
    item = article_from_fields(fields, url, config, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    StripChromePipeline(rules).process_item(item)
    try:
        ValidatePipeline(stats=None).process_item(item)
    except DropItem as exc:  # "no_body: URL"
        raise NotStored(str(exc).split(":", 1)[0]) from exc
    return item


def _fail(message: str) -> int:
    print(f"newsbot extract: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except _UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        if args.source:
            sources = load_sources()
            if args.source not in sources:
                return _fail(f"unknown source {args.source!r}; known: {', '.join(sorted(sources))}")
            config = sources[args.source]
        else:
            config = source_for_url(args.url)
        rules = None if args.raw else load_rules(args.chrome)
        body = read_page(Path(args.page))
    except (SourceConfigError, ChromeDataError) as exc:
        return _fail(str(exc))
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return _fail(f"cannot read {getattr(exc, 'filename', None) or args.page}: "
                     f"{getattr(exc, 'strerror', None) or exc}")
    if looks_binary(body):  # the same test the crawl applies (newsbot/skipped/binary_body)
        return _fail(f"{args.page} is not a page (binary content: {body[:8]!r}…)")
    fields = extract_page(body, args.url, config, args.content_type)
    fields.pop("template", None)  # one page: no site template is ever learned here
    if rules is None:
        out = fields
    else:
        try:
            out = asdict(stored_article(fields, args.url, config, rules))
        except NotStored as exc:
            print(f"newsbot extract: a crawl would not store {args.page} ({exc}); --raw shows the extraction",
                  file=sys.stderr)
            return 1
        out.pop("story_id", None)  # set by dedupe, which needs the other stored stories
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
