#!/usr/bin/env bash
# Makes sure valgrind (callgrind and callgrind_control) is on PATH, for the
# benchmark's instruction-count mode (`node bench/http.callgrind.js`).
# Installs Debian's package when it is missing and apt-get can run (root, or
# passwordless sudo); otherwise says what to install and exits 1.
#
#   scripts/ensure-valgrind.sh && node bench/http.callgrind.js
set -euo pipefail
ENSURE_CALLER="$0" exec "$(dirname "$0")/ensure-debian-package.sh" valgrind valgrind callgrind_control
