#!/usr/bin/env bash
# Makes sure redis-server is on PATH, for the BullMQ end-to-end test
# (test/e2e/transport-bullmq.e2e-spec.ts starts and stops its own server).
# Installs Debian's package when it is missing and apt-get can run (root, or
# passwordless sudo); otherwise says what to install and exits 1. Only the
# binary is needed: the test never uses the package's own service.
#
#   scripts/ensure-redis.sh && npx jest test/e2e/transport-bullmq.e2e-spec.ts
set -euo pipefail
ENSURE_CALLER="$0" exec "$(dirname "$0")/ensure-debian-package.sh" redis-server redis-server
