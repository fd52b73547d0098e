#!/usr/bin/env bash
# Creates or updates the Python virtualenv (.venv/, gitignored) that holds the independent third-party
# peers the interop tests run against, and prints the path of its python on stdout (logs go to stderr).
# Idempotent and fast: when the stamp file matches the requirements below, it installs nothing.
#   WAGATE_PYTHON="$(scripts/python-peers.sh)"
# WAGATE_PYTHON_BASE chooses the interpreter the venv is made from (default: python3 on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# The peers, pinned. Add a line here to add a peer: the next run installs it.
#   dissononce + consonance: a Noise_XX responder with WhatsApp's variant (Tests/WAWebTests/Interop).
#   cryptography: X25519 and AES-GCM (a dependency of dissononce, used directly too).
#   python-axolotl-curve25519: libsignal's curve25519/XEdDSA C code (a consonance dependency, built from
#     source: needs gcc and python3-dev, see scripts/lib.sh); protobuf: Google's runtime for the messages.
#   python-axolotl: libsignal's X3DH, double ratchet and sender keys in Python, the independent Signal peer
#     (Tests/WASignalTests/Interop). 0.2.3 is the last release; it ships pre-3.19 generated _pb2 files, so
#     the peer runs with PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python. Its dependencies are pinned above.
WAGATE_PYTHON_REQUIREMENTS=(
  dissononce==0.34.3
  consonance==0.1.5
  cryptography==50.0.2
  python-axolotl-curve25519==0.4.1.post2
  protobuf==7.36.2
  python-axolotl==0.2.3
)
# Installed with --no-deps (their declared dependencies are not needed by the tests, or are pinned above).
#   neonize: WhatsApp's protobuf definitions compiled for Python (whatsmeow's), used from its neonize/proto
#     folder without loading the package's Go library (Tests/WAProtoTests); needs protobuf >= 7.34.1.
WAGATE_PYTHON_NODEPS_REQUIREMENTS=(
  neonize==0.5.2
)

venv=.venv
python="$PWD/$venv/bin/python"
base=${WAGATE_PYTHON_BASE:-python3}
stamp="$venv/.wagate-requirements.sha256"

command -v "$base" >/dev/null || { log "$base is not on PATH (apt-get install python3 python3-venv)"; exit 1; }
# The stamp covers the requirement list and the base interpreter's version: a new python rebuilds the venv.
want=$({ printf '%s\n' "${WAGATE_PYTHON_REQUIREMENTS[@]}" --no-deps "${WAGATE_PYTHON_NODEPS_REQUIREMENTS[@]}"; "$base" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)

up_to_date() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$python" -c '' 2>/dev/null; }

if up_to_date; then echo "$python"; exit 0; fi

# Several test runs may start at once in one checkout: one installs while the others wait for it.
mkdir -p "$venv"
if command -v flock >/dev/null; then
  exec 9>"$venv/.lock"
  flock 9
  if up_to_date; then echo "$python"; exit 0; fi
fi

if [ -f "$venv/pyvenv.cfg" ] && ! "$python" -c '' 2>/dev/null; then
  log "python virtualenv $venv is broken (its interpreter moved?): recreating it"
fi
if [ -f "$stamp" ] || ! "$python" -c '' 2>/dev/null; then
  # Rebuild from scratch (keeping the lock file) so no package from an old list lingers.
  find "$venv" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
fi
if [ ! -x "$python" ]; then
  log "creating python virtualenv $venv with $("$base" --version 2>&1)"
  "$base" -m venv "$venv" >&2 || {
    log "python3 -m venv failed: on Debian install the python3-venv package (scripts/lib.sh lists it)"; exit 1; }
fi
log "installing python peers: ${WAGATE_PYTHON_REQUIREMENTS[*]} ${WAGATE_PYTHON_NODEPS_REQUIREMENTS[*]} (--no-deps)"
"$python" -m pip install --disable-pip-version-check --no-input -q "${WAGATE_PYTHON_REQUIREMENTS[@]}" >&2
"$python" -m pip install --disable-pip-version-check --no-input -q --no-deps "${WAGATE_PYTHON_NODEPS_REQUIREMENTS[@]}" >&2
echo "$want" >"$stamp"
echo "$python"
