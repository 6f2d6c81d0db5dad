#!/usr/bin/env bash
# Makes sure valgrind (callgrind and callgrind_control) is on PATH, for the
# benchmark's instruction-count mode (`node bench/http.callgrind.js`).
# Installs Debian's package when it is missing and apt-get can run (root, or
# passwordless sudo); otherwise says what to install and exits 1.
#
#   scripts/ensure-valgrind.sh && node bench/http.callgrind.js
set -euo pipefail

if command -v valgrind >/dev/null && command -v callgrind_control >/dev/null; then
  valgrind --version
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-valgrind.sh: valgrind is missing and this is not a Debian/Ubuntu system: install valgrind with your package manager" >&2
  exit 1
fi
sudo=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "ensure-valgrind.sh: valgrind is missing; run as root: apt-get install -y valgrind" >&2
    exit 1
  fi
fi
echo "ensure-valgrind.sh: installing valgrind from Debian's packages" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >&2
valgrind --version
