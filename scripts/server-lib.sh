# Shared by scripts/start-ferretdb.sh and scripts/start-redis.sh (sourced, not run).

# The Python that pings the servers (it needs pymongo / redis): the project's .venv when setup.sh made one,
# else python3 ($NEWSBOT_PYTHON overrides).
NEWSBOT_PYTHON="${NEWSBOT_PYTHON:-}"
if [ -z "$NEWSBOT_PYTHON" ]; then
  NEWSBOT_PYTHON="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin/python"
  [ -x "$NEWSBOT_PYTHON" ] || NEWSBOT_PYTHON=python3
fi

# stop_pidfile LABEL PIDFILE: stop the process named in PIDFILE (if it still runs), wait up to 5 s, remove
# the file. LABEL names it in the message on stderr.
stop_pidfile() {
  local label="$1" pidfile="$2" pid
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "$label (pid $pid)" >&2
    fi
    rm -f "$pidfile"
  fi
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  "$NEWSBOT_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
