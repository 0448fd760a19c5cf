"""`python -m newsbot replay-spool`: write the upserts spooled during a store outage to the store.

Exit status: 0 when the spool is empty afterwards, 1 when some ops are still spooled (server still
unreachable), 2 for a bad configuration (one line on stderr, credentials masked).
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from newsbot import settings as defaults
from newsbot.store import Spool, StoreConfig, StoreError, open_store, short_error


def store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=defaults.NEWSBOT_DATA_DIR,
                        help="data directory (embedded store and spool); default %(default)s")
    parser.add_argument("--db", default=None, help="database name (default: env NEWSBOT_MONGO_DB, the URI's "
                        f"path, else {defaults.NEWSBOT_MONGO_DB!r})")


def config_from(args: argparse.Namespace) -> StoreConfig:
    config = StoreConfig.resolve(args.data_dir, defaults.NEWSBOT_MONGO_DB)
    if args.db:
        config = StoreConfig(config.uri, args.db, config.data_dir, config.timeout_ms)
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot replay-spool", description=__doc__.splitlines()[0])
    store_arguments(parser)
    args = parser.parse_args(argv)
    config = config_from(args)
    spool = Spool.for_config(config)
    waiting = len(spool)
    if not waiting:
        print(f"replay-spool: nothing spooled in {spool.path}")
        return 0
    try:
        with open_store(config) as store:
            with contextlib.suppress(Exception):
                store.ensure_schema()
            counts = spool.replay(store.write)
    except StoreError as exc:
        print(f"replay-spool: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"replay-spool: {short_error(exc)}", file=sys.stderr)
        return 2
    print(f"replay-spool: {waiting} spooled op(s) for {config.describe()}: {counts.written} written "
          f"({counts.inserted} articles inserted, {counts.updated} updated), {counts.rejected} rejected "
          f"(see {spool.rejected_path}), {counts.failed} still "
          "spooled" + (f" ({counts.error})" if counts.failed and counts.error else ""))
    return 1 if counts.failed else 0
