#!/bin/sh
# Install (as root) or name (otherwise) the Debian 12 packages sunlight needs to build and test.
# Used by `make deps`, and therefore by `make demo` and `make check` before they build.
set -eu

# pkg-config module -> Debian package. Hyperscan is x86-only; Vectorscan provides the same libhs.
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
case "$arch" in
  amd64|i386) hs_pkg=libhyperscan-dev ;;
  *)          hs_pkg=libvectorscan-dev ;;
esac

need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
have_pc libhs      || need="$need $hs_pkg"
have_pc sqlite3    || need="$need libsqlite3-dev"
have_pc libcrypto  || need="$need libssl-dev"
have_pc libarchive || need="$need libarchive-dev"
have_pc expat      || need="$need libexpat1-dev"
have_pc libxml-2.0 || need="$need libxml2-dev"
have_pc freexl     || need="$need libfreexl-dev"
have_pc zlib       || need="$need zlib1g-dev"
have_pc gmime-3.0  || need="$need libgmime-3.0-dev"
have_pc libgsf-1   || need="$need libgsf-1-dev"
have_pc yajl       || need="$need libyajl-dev"
have_pc libpcre2-8 || need="$need libpcre2-dev"
# Test-only tools: sqlite3 CLI (golden checks), zip/gzip/zstd (fixtures built by tests).
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
command -v zip     >/dev/null 2>&1 || need="$need zip"
command -v zstd    >/dev/null 2>&1 || need="$need zstd"
command -v python3 >/dev/null 2>&1 || need="$need python3"

[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "deps: installing:$need" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >&2
else
  echo "deps: missing Debian packages. Run:" >&2
  echo "  sudo apt-get install -y$need" >&2
  exit 1
fi
