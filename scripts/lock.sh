#!/usr/bin/env bash
# Regenerate requirements.lock from requirements.txt (runtime) and requirements-dev.txt (build, tests, lint):
# every transitive dependency at an exact version, with the sha256 of every file PyPI has for that version (all
# platforms and Python versions), so setup.sh installs the same packages everywhere, with Python 3.11 (Debian 12)
# or 3.13 (Debian 13).
#
#   bash scripts/lock.sh              after adding, removing or re-pinning a package in requirements*.txt
#   bash scripts/lock.sh --upgrade    also move every unpinned transitive dependency to its newest version
#   bash scripts/lock.sh --check      only check: every package has cp311 and cp313 wheels, and the lock
#                                     installs, in a throwaway venv, under each of $LOCK_CHECK_PYTHONS
#                                     (default: the python3.11 and python3.13 on PATH, in /usr/bin or pyenv)
#
# pip-compile keeps the versions already in requirements.lock where they still fit (those are the tested
# ones), so a regeneration changes only what the edit needs. It runs from a pinned pip-tools in its own venv
# ($XDG_CACHE_HOME/newsbot-piptools-<python version>), and takes 4 to 10 minutes (it fetches every file's hash).
set -euo pipefail
cd "$(dirname "$0")/.."
# pip-compile resolves the environment markers for the Python it runs on, so it runs on the oldest supported:
# Debian 12's /usr/bin/python3 (3.11.2; e.g. redis needs async-timeout below 3.11.3). $PYTHON overrides.
PY="${PYTHON:-/usr/bin/python3}"
[ -x "$PY" ] || PY=python3
PIP_TOOLS_VERSION=7.6.2
tools="${XDG_CACHE_HOME:-$HOME/.cache}/newsbot-piptools-$("$PY" -c 'import platform; print(platform.python_version())')"
IMPORTS="import scrapy, scrapy_playwright, scrapy_redis, pymongo, apscheduler, trafilatura, lxml_html_clean, prometheus_client, pytest"

# wheels: every locked package has a wheel for CPython 3.11 and 3.13 on x86-64 glibc Linux (Debian 12 and 13
# have no compiler by default, so an sdist-only package would not install there).
wheels() {
  local v
  for v in 3.11 3.13; do
    "$PY" -m pip install -q --dry-run --ignore-installed --no-deps --only-binary :all: --python-version "$v" \
      --implementation cp --platform manylinux_2_36_x86_64 --platform manylinux_2_28_x86_64 \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --target "$(mktemp -d)" \
      --disable-pip-version-check -r requirements.lock \
      || { echo "lock: a locked package has no wheel for CPython $v (pip's message above)" >&2; exit 1; }
    echo "lock: every package has a CPython $v wheel"
  done
}

check() {
  local pythons="${LOCK_CHECK_PYTHONS:-}" py found=0
  wheels
  if [ -z "$pythons" ]; then
    for v in 3.11 3.13; do
      for py in "python$v" "/usr/bin/python$v" $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$v".*/bin/python 2>/dev/null | sort -rV); do
        if "$py" -c pass 2>/dev/null; then pythons="$pythons $py"; break; fi
      done
    done
  fi
  for py in $pythons; do
    found=1
    venv=$(mktemp -d)
    echo "lock: installing requirements.lock into a fresh venv of $("$py" --version) ($py)"
    # a real install (not --dry-run): sdists get built, and --require-hashes (implied by the hashes) fails on
    # any dependency the lock does not list for this Python
    if ! { "$py" -m venv "$venv" && "$venv/bin/python" -m pip install -q --disable-pip-version-check \
             --require-hashes -r requirements.lock && "$venv/bin/python" -c "$IMPORTS"; }; then
      rm -rf "$venv"; echo "lock: requirements.lock does not install under $py" >&2; exit 1
    fi
    rm -rf "$venv"
    echo "lock: ok under $("$py" --version)"
  done
  [ "$found" = 1 ] || { echo "lock: no python3.11 / python3.13 found to check with (set LOCK_CHECK_PYTHONS)" >&2; exit 1; }
}

if [ "${1:-}" = "--check" ]; then check; exit 0; fi
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)

if [ ! -x "$tools/bin/pip-compile" ]; then
  "$PY" -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "pip-tools==$PIP_TOOLS_VERSION"
fi
# --allow-unsafe: setuptools is in the lock (setup.sh builds newsbot with it, without build isolation).
# --no-emit-find-links / --no-emit-index-url: a machine's own pip configuration stays out of the file.
"$tools/bin/pip-compile" -q "${upgrade[@]}" --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.txt requirements-dev.txt
echo "lock: requirements.lock has $(grep -c '^[A-Za-z0-9]' requirements.lock) packages"
