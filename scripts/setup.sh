#!/usr/bin/env bash
# Set up newsbot on a fresh Debian 12 or 13 machine (as root, or with sudo) in the project's own virtual
# environment .venv — nothing is installed into the system Python (Debian's refuses anyway: PEP 668).
#
#   bash scripts/setup.sh          .venv with requirements.lock and newsbot itself (editable), Debian Chromium
#   bash scripts/setup.sh --test   also the test servers: Redis (apt) and FerretDB (built with Go)
#
# Then run everything through the venv, no activation needed: .venv/bin/newsbot harvest, .venv/bin/scrapy
# crawl aa, .venv/bin/python -m pytest.
#
# The Python the venv is made from: $PYTHON if set, else Debian's /usr/bin/python3, else python3 on PATH
# (3.11 or newer). Idempotent: when requirements.lock, pyproject.toml and the Python are unchanged since the
# last run (.venv/.setup-stamp) it only checks the imports and exits in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_VERSION=26.3   # pip inside the venv (Debian 12's venv starts with pip 23.0, pyenv 3.11.7's with 23.2)
VENV=.venv

want_test=0
case "${1:-}" in
  "") ;;
  --test) want_test=1 ;;
  *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
esac
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
die() { echo "setup: $*" >&2; exit 1; }

apt_install() {
  echo "setup: apt-get install $*"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3 || true); fi
fi
if [ -z "$PY" ]; then apt_install python3 python3-venv; PY=/usr/bin/python3; fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || die "$PY is not Python 3.11 or newer ($("$PY" --version 2>&1 | head -1)); set PYTHON=/path/to/python3.11+"

need_apt=()
[ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
if [ "$want_test" = 1 ]; then
  command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
fi
[ "${#need_apt[@]}" -gt 0 ] && apt_install "${need_apt[@]}"

# The venv. Debian's python3 makes one only with python3-venv (ensurepip) installed: add it when missing.
if ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  rm -rf "$VENV"
  echo "setup: creating $VENV with $PY ($("$PY" --version 2>&1))"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    case "$(readlink -f "$PY")" in
      /usr/bin/*) apt_install python3-venv "python3.$("$PY" -c 'import sys; print(sys.version_info[1])')-venv" ;;
      *) die "$PY -m venv failed: $("$PY" -m venv "$VENV" 2>&1 | tail -1)" ;;
    esac
    "$PY" -m venv "$VENV" >/dev/null 2>&1 || die "$PY -m venv failed: $("$PY" -m venv "$VENV" 2>&1 | tail -1)"
  fi
fi

stamp="$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16) $("$VENV/bin/python" --version 2>&1)"
if [ "$(cat "$VENV/.setup-stamp" 2>/dev/null)" != "$stamp" ]; then
  pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
  log="$VENV/setup-pip.log"
  : >"$log"
  # pip_step WHAT ARGS…: pip's output goes to the log (setuptools' build warnings are long); a failure is one
  # line naming pip's last error and the log.
  pip_step() {
    local what="$1"; shift
    "${pip[@]}" "$@" >>"$log" 2>&1 \
      || die "$what failed: $(awk '/^ERROR/ {e = $0; if ((getline n) > 0) e = e " " n} END {print e}' "$log" \
             | tr -s ' ' | cut -c1-300) (full output: $log)"
  }
  echo "setup: pip $PIP_VERSION; pip install -r requirements.lock into $VENV"
  pip_step "upgrading pip in $VENV" install --upgrade "pip==$PIP_VERSION"
  # The lock has every transitive dependency with hashes: pip refuses anything it does not list.
  pip_step "pip install -r requirements.lock" install --require-hashes -r requirements.lock
  # newsbot itself, editable (scrapy.cfg and the sources stay in this checkout), built with the locked setuptools.
  pip_step "pip install -e ." install --no-deps --no-build-isolation -e .
  echo "$stamp" >"$VENV/.setup-stamp"
fi
err=$("$VENV/bin/python" -c "import scrapy, scrapy_playwright, scrapy_redis, pymongo, apscheduler, trafilatura, \
lxml_html_clean, prometheus_client, newsbot, pipelines, schedules" 2>&1) \
  || { rm -f "$VENV/.setup-stamp"; die "Python packages did not install: $(echo "$err" | tail -1)"; }
[ -x "$VENV/bin/newsbot" ] || { rm -f "$VENV/.setup-stamp"; die "$VENV/bin/newsbot is missing (pip install -e . did not finish)"; }

if [ "$want_test" = 1 ]; then
  bash scripts/install-ferretdb.sh
fi
echo "setup: done ($VENV: $("$VENV/bin/python" --version 2>&1); run .venv/bin/newsbot --help)"
