#!/usr/bin/env bash
# The quick benchmarks in one command (about 10 minutes on an idle 2-core machine):
#
#   bash bench/run.sh            (or: make bench)
#
# 1. extraction quality: newsbot vs trafilatura (vs news-please when NEWSPLEASE_PYTHON or .venv-newsplease exists)
# 2. extraction speed on the bench site's realistic pages (same extractors)
# 3. crawl throughput and peak RSS, 2,000 realistic pages: bare Scrapy vs newsbot → embedded store (one round;
#    BENCH_ROUNDS=2 for more), the same on the light site (the earlier one-template pages, for comparison
#    with older numbers); then bare Scrapy vs newsbot → FerretDB on 300 pages (FerretDB's SQLite
#    backend scans whole collections: at ~700 stored articles its writes time out, see BENCHMARKS.md)
# Results go to bench/results/*.json (and the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/results
PY="${PYTHON:-.venv/bin/python}"  # the project's venv (bash scripts/setup.sh); python3 without one
[ -x "$PY" ] || PY=python3
mkdir -p "$OUT"
NP="${NEWSPLEASE_PYTHON:-}"
if [ -z "$NP" ]; then
  for candidate in .venv-newsplease/bin/python ../.venv-newsplease/bin/python; do
    if [ -x "$candidate" ]; then NP="$candidate"; break; fi
  done
fi
NP_ARGS=()
if [ -n "$NP" ]; then NP_ARGS=(--newsplease "$NP"); else echo "bench: news-please not found (set NEWSPLEASE_PYTHON); skipped" >&2; fi

echo "== extraction quality ==";
"$PY" bench/quality.py "${NP_ARGS[@]}" --json "$OUT/quality.json" 2> >(grep -v -i "warning\|^ *$\|warnings.warn\|from \. import\|BeautifulSoup\|XML" >&2)
echo "== extraction speed (bench-site pages) =="
"$PY" bench/extract_speed.py "${NP_ARGS[@]}" --pages "${BENCH_SPEED_PAGES:-200}" --rounds 1 --json "$OUT/extract_speed.json"
echo "== crawl throughput and memory =="
"$PY" bench/throughput.py --pages "${BENCH_PAGES:-2000}" --rounds "${BENCH_ROUNDS:-1}" \
  --modes bare,embedded --json "$OUT/throughput-${BENCH_PAGES:-2000}.json"
"$PY" bench/throughput.py --pages "${BENCH_PAGES:-2000}" --rounds 1 --kind light \
  --modes bare,embedded --json "$OUT/throughput-light-${BENCH_PAGES:-2000}.json"
"$PY" bench/throughput.py --pages "${BENCH_FERRETDB_PAGES:-300}" --rounds "${BENCH_ROUNDS:-1}" \
  --modes bare,ferretdb --json "$OUT/throughput-ferretdb-${BENCH_FERRETDB_PAGES:-300}.json"
