#!/usr/bin/env bash
# Start FerretDB (the MongoDB-wire-protocol test server, SQLite backend) on 127.0.0.1 in the background,
# wait until it answers ping, and print shell lines that point the tests at it:
#
#   eval "$(bash scripts/start-ferretdb.sh)"     # sets NEWSBOT_TEST_MONGO_URI (and NEWSBOT_FERRETDB_DIR)
#   bash scripts/start-ferretdb.sh --stop        # stops the server started in the same DIR
#
#   scripts/start-ferretdb.sh [DIR [PORT]]       DIR: state dir (default $NEWSBOT_FERRETDB_DIR or
#                                                $TMPDIR/newsbot-ferretdb), PORT: default a free one
#
# DIR gets ferretdb.pid, ferretdb.uri, ferretdb.log and the SQLite files. Builds the binary with
# scripts/install-ferretdb.sh when it is missing (FERRETDB_BIN overrides where it is looked for).
# Only the export lines go to stdout; messages go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${FERRETDB_BIN:-$HOME/go/bin/ferretdb}"
STOP=0
if [ "${1:-}" = "--stop" ]; then STOP=1; shift; fi
DIR="${1:-${NEWSBOT_FERRETDB_DIR:-${TMPDIR:-/tmp}/newsbot-ferretdb}}"
PORT="${2:-}"

source scripts/server-lib.sh  # (this script cd-ed to the repository root above)
stop() { stop_pidfile "start-ferretdb: stopped FerretDB" "$DIR/ferretdb.pid"; }

if [ "$STOP" = 1 ]; then stop; exit 0; fi
stop  # a server left over in this DIR
if [ ! -x "$BIN" ]; then
  echo "start-ferretdb: no FerretDB at $BIN; building it" >&2
  bash scripts/install-ferretdb.sh >&2
fi
mkdir -p "$DIR/sqlite"
DIR="$(cd "$DIR" && pwd)"
if [ -z "$PORT" ]; then
  PORT=$(free_port)
fi
nohup "$BIN" --handler=sqlite --sqlite-url="file:$DIR/sqlite/" --listen-addr="127.0.0.1:$PORT" \
  --state-dir="$DIR" --telemetry=disable --debug-addr=- --log-level=warn >"$DIR/ferretdb.log" 2>&1 &
echo $! >"$DIR/ferretdb.pid"
URI="mongodb://127.0.0.1:$PORT/"
for _ in $(seq 1 150); do
  if "$NEWSBOT_PYTHON" - "$URI" <<'EOF' 2>/dev/null; then
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=300).admin.command("ping")
EOF
    echo "$URI" >"$DIR/ferretdb.uri"
    echo "start-ferretdb: FerretDB $("$BIN" --version | head -1 | sed 's/version: //') on $URI (pid $(cat "$DIR/ferretdb.pid"), dir $DIR)" >&2
    echo "export NEWSBOT_TEST_MONGO_URI='$URI'"
    echo "export NEWSBOT_FERRETDB_DIR='$DIR'"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/ferretdb.pid")" 2>/dev/null; then
    echo "start-ferretdb: FerretDB exited; its log:" >&2; cat "$DIR/ferretdb.log" >&2; exit 1
  fi
  sleep 0.2
done
echo "start-ferretdb: FerretDB did not answer ping on 127.0.0.1:$PORT within 30 s; log in $DIR/ferretdb.log" >&2
stop
exit 1
