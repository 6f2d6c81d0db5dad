#!/usr/bin/env bash
# Makes sure redis-server is on PATH, for the BullMQ end-to-end test
# (test/e2e/transport-bullmq.e2e-spec.ts starts and stops its own server).
# Installs Debian's package when it is missing and apt-get can run (root, or
# passwordless sudo); otherwise says what to install and exits 1. Only the
# binary is needed: the test never uses the package's own service.
#
#   scripts/ensure-redis.sh && npx jest test/e2e/transport-bullmq.e2e-spec.ts
set -euo pipefail

if command -v redis-server >/dev/null; then
  redis-server --version
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-redis.sh: redis-server is missing and this is not a Debian/Ubuntu system: install redis-server with your package manager" >&2
  exit 1
fi
sudo=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "ensure-redis.sh: redis-server is missing; run as root: apt-get install -y redis-server" >&2
    exit 1
  fi
fi
echo "ensure-redis.sh: installing redis-server from Debian's packages" >&2
$sudo apt-get update -qq >&2
# On a machine with an init system the package also starts its own service on port 6379 (the test
# does not use it); in a container, /usr/sbin/policy-rc.d usually stops that.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >&2
if ! command -v redis-server >/dev/null; then
  echo "ensure-redis.sh: apt-get installed redis-server but it is not on PATH" >&2
  exit 1
fi
redis-server --version
