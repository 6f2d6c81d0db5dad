#!/usr/bin/env bash
# Makes sure the commands a test or benchmark needs are on PATH, installing
# their Debian package when they are missing and apt-get can run (root, or
# passwordless sudo); otherwise says what to install and exits 1. Prints the
# first command's version. Shared by scripts/ensure-redis.sh and
# scripts/ensure-valgrind.sh.
#
#   scripts/ensure-debian-package.sh <package> <command> [<command>...]
set -euo pipefail

package="$1"
shift
commands=("$@")
name="$(basename "${ENSURE_CALLER:-$0}")"

have_all() {
  local command
  for command in "${commands[@]}"; do command -v "$command" >/dev/null || return 1; done
}

if have_all; then
  "${commands[0]}" --version
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "$name: $package is missing and this is not a Debian/Ubuntu system: install $package with your package manager" >&2
  exit 1
fi
sudo=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "$name: $package is missing; run as root: apt-get install -y $package" >&2
    exit 1
  fi
fi
echo "$name: installing $package from Debian's packages" >&2
$sudo apt-get update -qq >&2
# On a machine with an init system a server package also starts its own service (redis-server on
# port 6379; the tests never use it); in a container, /usr/sbin/policy-rc.d usually stops that.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$package" >&2
if ! have_all; then
  echo "$name: apt-get installed $package but ${commands[*]} is not all on PATH" >&2
  exit 1
fi
"${commands[0]}" --version
