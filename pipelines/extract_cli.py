"""`python -m newsbot extract PAGE.html[.gz] --url URL`: extract one saved page and print it as JSON."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from newsbot.extract.article import extract_article
from newsbot.sniff import looks_binary
from newsbot.sources import SourceConfigError, load_sources


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line on stderr instead of argparse's usage block
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m newsbot extract", description="Extract one saved article page as JSON.")
    parser.add_argument("page", help="saved page: .html or .html.gz")
    parser.add_argument("--url", required=True, help="the page's URL (picks the source config by host)")
    parser.add_argument("--source", help="use this source config instead of the one matching the URL")
    parser.add_argument("--content-type", help="HTTP Content-Type header the page was served with")
    return parser


def read_page(path: Path) -> bytes:
    """A saved page's bytes; .gz files are decompressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except _UsageError as exc:
        print(f"newsbot extract: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    config = None
    try:
        if args.source:
            sources = load_sources()
            if args.source not in sources:
                print(f"newsbot extract: unknown source {args.source!r}; known: {', '.join(sorted(sources))}",
                      file=sys.stderr)
                return 2
            config = sources[args.source]
        body = read_page(Path(args.page))
    except SourceConfigError as exc:
        print(f"newsbot extract: {exc}", file=sys.stderr)
        return 2
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        print(f"newsbot extract: cannot read {args.page}: {reason}", file=sys.stderr)
        return 2
    if looks_binary(body):  # the same test the crawl applies (newsbot/skipped/binary_body)
        print(f"newsbot extract: {args.page} is not a page (binary content: {body[:8]!r}…)", file=sys.stderr)
        return 2
    article = extract_article(body, args.url, config, content_type=args.content_type)
    article.pop("template", None)  # one page: no site template is ever learned here
    print(json.dumps(article, ensure_ascii=False, indent=2))
    return 0
