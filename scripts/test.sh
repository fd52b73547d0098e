#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing, builds, starts a
# throwaway PostgreSQL cluster, runs every test, stops the cluster. Works as root and as a normal user.
#   scripts/test.sh                 # everything
#   scripts/test.sh --filter NAME   # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v swift >/dev/null || { log "swift is not on PATH (install the Swift 6.2+ toolchain from swift.org)"; exit 1; }
ensure_packages
ensure_pg_user

log "building (debug, with tests)"
swift build --build-tests
WAGATE_BIN="$(swift build --show-bin-path)/wagate"
export WAGATE_BIN

log "preparing the Python interop peers (.venv)"
WAGATE_PYTHON="$(scripts/python-peers.sh)"
export WAGATE_PYTHON

log "running the test suite"
exec scripts/with-postgres.sh swift test --skip-build "$@"
