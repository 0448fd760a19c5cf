"""`python -m newsbot strip FILE.txt [--title T] [--chrome EXTRA.toml ...]`: strip site chrome from plain text
(one paragraph per line) and print the cleaned article as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from pipelines.strip_chrome import ChromeDataError, load_rules, strip_text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr, exit 2
        raise SystemExit(_fail(message))


def _fail(message: str) -> int:
    print(f"newsbot strip: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m newsbot strip",
                     description="Strip site chrome from plain text and print the article as JSON.")
    parser.add_argument("file", help="a UTF-8 text file, one paragraph per line")
    parser.add_argument("--title", help="the article's title, when known (else it is guessed)")
    parser.add_argument("--chrome", action="append", default=[], metavar="FILE",
                        help="an extra phrase file (.toml or .txt), like the setting NEWSBOT_CHROME_FILES")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        with open(args.file, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
    try:
        rules = load_rules(args.chrome)
    except ChromeDataError as exc:
        return _fail(str(exc))
    result = strip_text(text, title=args.title, rules=rules)
    out = {key: result.fields.get(key) for key in
           ("title", "category", "lead", "published_at", "agency", "editor")}
    out["body"] = result.body
    out["stripped"] = result.counts()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
