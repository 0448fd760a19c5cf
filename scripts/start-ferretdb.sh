#!/usr/bin/env bash
# Start FerretDB (the MongoDB-wire-protocol test server, SQLite backend) on 127.0.0.1 in the background,
# wait until it accepts connections, and print its URI on stdout (the only stdout line).
#
#   scripts/start-ferretdb.sh [DIR] [PORT]     DIR defaults to a new temp dir, PORT to a free one
#   export NEWSBOT_TEST_MONGO_URI=$(scripts/start-ferretdb.sh)
#   kill "$(cat "$DIR/ferretdb.pid")"          to stop it
#
# Writes DIR/ferretdb.pid, DIR/ferretdb.uri and DIR/ferretdb.log. Build the binary first with
# scripts/install-ferretdb.sh (FERRETDB_BIN overrides where it is looked for).
set -euo pipefail
BIN="${FERRETDB_BIN:-$HOME/go/bin/ferretdb}"
DIR="${1:-$(mktemp -d -t newsbot-ferretdb.XXXXXX)}"
PORT="${2:-}"
[ -x "$BIN" ] || { echo "start-ferretdb: no FerretDB at $BIN (run scripts/install-ferretdb.sh)" >&2; exit 1; }
mkdir -p "$DIR/sqlite"
DIR="$(cd "$DIR" && pwd)"
if [ -z "$PORT" ]; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
nohup "$BIN" --handler=sqlite --sqlite-url="file:$DIR/sqlite/" --listen-addr="127.0.0.1:$PORT" \
  --state-dir="$DIR" --telemetry=disable --debug-addr=- --log-level=warn >"$DIR/ferretdb.log" 2>&1 &
echo $! >"$DIR/ferretdb.pid"
URI="mongodb://127.0.0.1:$PORT/"
for _ in $(seq 1 100); do
  if python3 - "$URI" <<'EOF' 2>/dev/null; then
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=300).admin.command("ping")
EOF
    echo "$URI" >"$DIR/ferretdb.uri"
    echo "$URI"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/ferretdb.pid")" 2>/dev/null; then
    echo "start-ferretdb: FerretDB exited; its log:" >&2; cat "$DIR/ferretdb.log" >&2; exit 1
  fi
  sleep 0.2
done
echo "start-ferretdb: FerretDB did not answer ping on 127.0.0.1:$PORT within 20 s; log in $DIR/ferretdb.log" >&2
kill "$(cat "$DIR/ferretdb.pid")" 2>/dev/null || true
exit 1
