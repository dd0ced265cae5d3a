#!/bin/sh
# Builds (once) esxvirt's vSphere simulator launcher from test/harness/vcsim against Debian's
# govmomi source and prints the binary's path on stdout. Idempotent: the binary is cached under
# .cache/vcsim/ by a hash of the Go files and the Go and govmomi versions, so an unchanged tree rebuilds nothing.
#
# Needs Debian's golang-go and golang-github-vmware-govmomi-dev; installs them when missing and
# running as root (as CI does), otherwise says what to install.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
src="$repo/test/harness/vcsim"
gopath=/usr/share/gocode
govmomi="$gopath/src/github.com/vmware/govmomi/simulator"
cache="$repo/.cache"

say() { printf 'ensure-vcsim: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1 || [ ! -d "$govmomi" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing golang-go and golang-github-vmware-govmomi-dev"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y golang-go golang-github-vmware-govmomi-dev >&2
  else
    say "missing Go or govmomi source ($govmomi); run as root:"
    say "  apt-get install -y golang-go golang-github-vmware-govmomi-dev"
    exit 1
  fi
fi

hash=$( (go version; dpkg-query -W golang-github-vmware-govmomi-dev 2>/dev/null || true
  cd "$src" && for f in $(ls ./*.go | LC_ALL=C sort); do printf '%s\n' "$f"; cat "$f"; done) |
  sha256sum | cut -c1-16)
bin="$cache/vcsim/vcsim-$hash"

if [ -x "$bin" ]; then
  printf '%s\n' "$bin"
  exit 0
fi

mkdir -p "$cache/vcsim" "$cache/go-build"
# Test runners start several processes at once; one builds, the others wait and reuse.
exec 9>"$cache/vcsim/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if [ ! -x "$bin" ]; then
  say "building $bin (about 25 s the first time)"
  tmp="$bin.tmp.$$"
  # GOPATH mode: Debian ships govmomi as source under /usr/share/gocode, not as a module. A
  # directory outside GOPATH builds as a local package and imports resolve from GOPATH.
  (cd "$repo" && GO111MODULE=off GOFLAGS= GOPATH="$gopath" GOCACHE="$cache/go-build" \
    go build -o "$tmp" ./test/harness/vcsim) >&2
  mv -f "$tmp" "$bin"
  # Each build is ~26 MB: keep only the current one.
  for old in "$cache"/vcsim/vcsim-*; do
    case "$old" in
      "$bin" | *.tmp.*) ;;
      *) rm -f "$old" ;;
    esac
  done
fi
printf '%s\n' "$bin"
