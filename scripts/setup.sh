#!/usr/bin/env bash
# Install everything newsbot needs on a fresh Debian machine (run as root, or with sudo available).
#   bash scripts/setup.sh          runtime: Python packages, Debian Chromium (for render = "js" sources)
#   bash scripts/setup.sh --test   also the test servers: FerretDB (built with Go) and Redis
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

need_apt=()
command -v /usr/lib/chromium/chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
if [ "$want_test" = 1 ]; then
  command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || need_apt+=(golang-go)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "setup: pip install -r requirements.txt"
python3 -m pip install -q --disable-pip-version-check -r requirements.txt 2>&1 | grep -v "Running pip as the 'root' user" || true
python3 -c "import scrapy, scrapy_playwright, scrapy_redis, pymongo, apscheduler, trafilatura" \
  || { echo "setup: Python packages did not install" >&2; exit 1; }

if [ "$want_test" = 1 ]; then
  export PATH="$PATH:/usr/local/go/bin"
  bash scripts/install-ferretdb.sh
fi
echo "setup: done"
