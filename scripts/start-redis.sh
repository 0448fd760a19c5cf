#!/usr/bin/env bash
# Start Redis (Debian's redis-server) on 127.0.0.1 in the background for the tests, without persistence,
# wait until it answers PING, and print shell lines that point the tests at it:
#
#   eval "$(bash scripts/start-redis.sh)"     # sets NEWSBOT_TEST_REDIS_URL (and NEWSBOT_REDIS_DIR)
#   bash scripts/start-redis.sh --stop        # stops the server started in the same DIR
#
#   scripts/start-redis.sh [DIR [PORT]]       DIR: working dir (default $NEWSBOT_REDIS_DIR or
#                                             $TMPDIR/newsbot-redis), PORT: default a free one
#
# DIR gets redis.pid and redis.log. REDIS_SERVER_BIN overrides which redis-server is used.
# Only the export lines go to stdout; messages go to stderr.
set -euo pipefail
BIN="${REDIS_SERVER_BIN:-$(command -v redis-server || echo /usr/bin/redis-server)}"
STOP=0
if [ "${1:-}" = "--stop" ]; then STOP=1; shift; fi
DIR="${1:-${NEWSBOT_REDIS_DIR:-${TMPDIR:-/tmp}/newsbot-redis}}"
PORT="${2:-}"

source "$(dirname "${BASH_SOURCE[0]}")/server-lib.sh"
stop() { stop_pidfile "start-redis: stopped redis-server" "$DIR/redis.pid"; }

if [ "$STOP" = 1 ]; then stop; exit 0; fi
stop  # a server left over in this DIR
if [ ! -x "$BIN" ]; then
  echo "start-redis: no redis-server at $BIN (apt-get install redis-server, or bash scripts/setup.sh --test)" >&2
  exit 1
fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
if [ -z "$PORT" ]; then
  PORT=$(free_port)
fi
nohup "$BIN" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" \
  --logfile "$DIR/redis.log" >/dev/null 2>&1 &
echo $! >"$DIR/redis.pid"
URL="redis://127.0.0.1:$PORT/0"
for _ in $(seq 1 100); do
  if "$NEWSBOT_PYTHON" - "$URL" <<'PY' 2>/dev/null; then
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_timeout=0.3, socket_connect_timeout=0.3).ping()
PY
    echo "start-redis: $("$BIN" --version | cut -d' ' -f1-3) on $URL (pid $(cat "$DIR/redis.pid"), dir $DIR)" >&2
    echo "export NEWSBOT_TEST_REDIS_URL='$URL'"
    echo "export NEWSBOT_REDIS_DIR='$DIR'"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null; then
    echo "start-redis: redis-server exited; its log:" >&2; cat "$DIR/redis.log" >&2 || true; rm -f "$DIR/redis.pid"; exit 1
  fi
  sleep 0.1
done
echo "start-redis: redis-server did not answer PING on 127.0.0.1:$PORT within 10 s; log in $DIR/redis.log" >&2
stop
exit 1
