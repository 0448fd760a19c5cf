#!/usr/bin/env bash
# Build FerretDB 1.24.2 (a MongoDB-wire-protocol server, SQLite backend) into ~/go/bin — the test server.
# `go install …@v1.24.2` builds a binary that panics at start: the module lacks the generated
# build/version/version.txt. So: fetch the module through the Go proxy, add that file, build.
set -euo pipefail
VERSION=v1.24.2
BIN="${FERRETDB_BIN:-$HOME/go/bin/ferretdb}"
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "ferretdb $VERSION already at $BIN"; exit 0
fi
command -v go >/dev/null || { echo "install-ferretdb: Go is not installed (apt-get install golang-go)" >&2; exit 1; }
src=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$BIN")"
echo "building ferretdb $VERSION (about 1.5 min on 2 cores)…"
(cd "$work" && go build -trimpath -o "$BIN" ./cmd/ferretdb)
"$BIN" --version | head -1
