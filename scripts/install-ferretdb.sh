#!/usr/bin/env bash
# Build FerretDB 1.24.2 (a MongoDB-wire-protocol server, SQLite backend) into ~/go/bin — the test server.
# `go install …@v1.24.2` builds a binary that panics at start: the module lacks the generated
# build/version/version.txt. So: fetch the module through the Go proxy, add that file, build.
#
# Go: FerretDB's go.mod says `go 1.24` / `toolchain go1.24.3`. A Go >= 1.21 found here (PATH, /usr/local/go,
# Debian's /usr/lib/go-1.*) builds it with GOTOOLCHAIN=auto (Debian's own go.env says `local`): it uses itself
# when it is 1.24 or newer, else fetches go1.24.3 from the Go module proxy. An older Go (Debian 12's
# golang-go is 1.19, which stops at `go.mod: unknown directive: toolchain`) or none (then apt-get install
# golang-go first) fetches the golang.org/toolchain module of go1.24.3 through the same proxy into
# $XDG_CACHE_HOME/newsbot-go and builds with that.
set -euo pipefail
VERSION=v1.24.2
BOOT=go1.24.3
BIN="${FERRETDB_BIN:-$HOME/go/bin/ferretdb}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/newsbot-go"
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "ferretdb $VERSION already at $BIN"; exit 0
fi

# go_minor GO: the minor version of that go binary (19 for go1.19.8), or 0 when it does not run.
go_minor() {
  local v
  v=$("$1" env GOVERSION 2>/dev/null || true)
  v="${v#go1.}"
  echo "${v%%[!0-9]*}" | grep -E '^[0-9]+$' || echo 0
}

# json_dir: the "Dir" of `go mod download -json` on stdin (no python3 needed for this).
json_dir() { sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -1; }

# bootstrap OLD_GO: unpack go1.24.3 from the golang.org/toolchain module (the Go proxy serves every release
# as one) with whatever Go there is; module zips carry no exec bits, so set them.
bootstrap() {
  local old="$1" arch src
  if [ ! -x "$CACHE/$BOOT/bin/go" ]; then
    arch=$("$old" env GOARCH)
    echo "install-ferretdb: $("$old" env GOVERSION) is too old for FerretDB; fetching $BOOT through the Go module proxy" >&2
    src=$(GOPATH="$CACHE/gopath" GOFLAGS=-modcacherw "$old" mod download -json "golang.org/toolchain@v0.0.1-$BOOT.linux-$arch" | json_dir)
    [ -n "$src" ] && [ -d "$src/bin" ] || { echo "install-ferretdb: could not fetch golang.org/toolchain $BOOT" >&2; exit 1; }
    rm -rf "$CACHE/$BOOT.tmp"
    cp -r "$src" "$CACHE/$BOOT.tmp"
    chmod -R u+w "$CACHE/$BOOT.tmp"
    chmod +x "$CACHE/$BOOT.tmp"/bin/* "$CACHE/$BOOT.tmp"/pkg/tool/*/*
    mv "$CACHE/$BOOT.tmp" "$CACHE/$BOOT"
  fi
  echo "$CACHE/$BOOT/bin/go"
}

GO=""
old=""
for candidate in "$(command -v go || true)" /usr/local/go/bin/go $(ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -rV) \
                 "$CACHE/$BOOT/bin/go"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if [ "$(go_minor "$candidate")" -ge 21 ]; then GO="$candidate"; break; fi
  [ -z "$old" ] && old="$candidate"
done
if [ -z "$GO" ]; then
  if [ -z "$old" ]; then
    echo "install-ferretdb: no Go found; apt-get install golang-go" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go >/dev/null
    old=/usr/bin/go
  fi
  GO=$(bootstrap "$old")
fi
export PATH="$(dirname "$GO"):$PATH" GOTOOLCHAIN=auto
echo "install-ferretdb: using $GO ($(go env GOVERSION))" >&2

src=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | json_dir)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$BIN")"
echo "building ferretdb $VERSION (about 1.5 min on 2 cores)…"
(cd "$work" && go build -trimpath -o "$BIN" ./cmd/ferretdb)
"$BIN" --version | head -1
