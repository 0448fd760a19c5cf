"""`python -m newsbot <command>`: the command-line entry point. Each command lives in its own module."""

from __future__ import annotations

import importlib
import os
import sys

# command -> (module with main(argv) -> int, one-line help)
COMMANDS = {
    "harvest": ("newsbot.harvest_cli", "crawl every source once (the cron job): harvest --help"),
    "extract": ("pipelines.extract_cli", "what a crawl stores of one saved page: extract PAGE.html[.gz] --url URL"),
    "strip": ("pipelines.strip_chrome_cli", "strip site chrome from plain text: strip FILE.txt [--title T]"),
    "status": ("newsbot.monitor.status", "what a dashboard watches: articles per source per day, last runs"),
    "replay-spool": ("newsbot.store.spool_cli", "write articles spooled during a store outage to the store"),
    "migrate-store": ("newsbot.store.migrate", "copy an embedded store of newsbot < 0.3 (litemongo) into the new one"),
    "demo": ("newsbot.demo.cli", "serve the bundled demo site on 127.0.0.1, crawl it, print what landed"),
}


def usage() -> str:
    lines = ["usage: python -m newsbot <command> [args]", "", "commands:"]
    lines += [f"  {name:<13} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"newsbot: unknown command {name!r}; run 'python -m newsbot --help'", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    try:
        code = int(module.main(rest) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here for short outputs
    except BrokenPipeError:
        return quiet_closed_pipe()
    return code


def quiet_closed_pipe() -> int:
    """The reader of our stdout went away (`… | head -1`): stop quietly, as Unix tools do. stdout is pointed
    at /dev/null so that Python's own flush at exit does not report the broken pipe again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
