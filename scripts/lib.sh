# Shared helpers for the project's scripts. Source it; it defines functions only.

# The Debian packages wagate needs to build, run and test.
WAGATE_APT_PACKAGES=(
  pkg-config zlib1g-dev libpq-dev libsodium-dev libssl-dev libsignal-protocol-c-dev libqrencode-dev zbar-tools
  postgresql postgresql-client util-linux passwd
  python3 python3-venv python3-dev gcc curl
)

log() { printf '[wagate] %s\n' "$*" >&2; }

# as_root CMD...: runs CMD as root (directly when we are root, through sudo otherwise).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*  (install sudo or run this script as root)"; return 1; fi
}

# ensure_packages: installs whatever of WAGATE_APT_PACKAGES is missing, with apt-get.
ensure_packages() {
  local missing=()
  for p in "${WAGATE_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# pg_bindir: prints the directory holding initdb and pg_ctl.
pg_bindir() {
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || { log "PostgreSQL server binaries not found (apt-get install postgresql)"; return 1; }
  echo "$d"
}

# The unprivileged account PostgreSQL runs as when we are root (initdb refuses root).
WAGATE_PG_USER=${WAGATE_PG_USER:-wagate}

ensure_pg_user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$WAGATE_PG_USER" >/dev/null 2>&1 && return 0
  log "creating system user $WAGATE_PG_USER to run PostgreSQL (initdb refuses root)"
  useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$WAGATE_PG_USER"
}
