#!/usr/bin/env bash
# Runs the gateway on a fresh Debian 12 machine: installs what is missing, builds a release binary and
# starts `wagate start` on the example character with the embedded PostgreSQL (no DATABASE_URL needed;
# set it to use your own server). Works as root and as a normal user. Extra arguments go to
# `wagate start`, e.g. scripts/run.sh --character=./my-character.json (replacing the example).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v swift >/dev/null || { log "swift is not on PATH (install the Swift 6.2+ toolchain from swift.org)"; exit 1; }
ensure_packages
ensure_pg_user

log "building wagate (release)"
swift build -c release --product wagate
bin="$(swift build -c release --show-bin-path)/wagate"

args=("$@")
has_agents=false
for a in "${args[@]}"; do case "$a" in --character*|--characters*|--config*) has_agents=true ;; esac; done
$has_agents || args=(--character=examples/milady-whatsapp-test.character.json "${args[@]}")
log "starting: wagate start ${args[*]}"
exec "$bin" start "${args[@]}"
