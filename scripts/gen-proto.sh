#!/usr/bin/env bash
# Regenerates the Swift protobuf code of the WAProto target (Sources/WAProto/*.pb.swift) from the
# project's own .proto files (proto/*.proto). Run it by hand after editing a .proto file and commit the
# result: neither the build nor the tests run it (building protoc-gen-swift takes minutes).
#   scripts/gen-proto.sh
# It needs protoc (Debian's protobuf-compiler, installed when missing) and builds protoc-gen-swift from
# swift-protobuf at the version the package resolves, in its own scratch folder (.build-protoc/, gitignored),
# so it never waits for the shared .build lock. SWIFT_PROTOBUF_VERSION=X.Y.Z overrides the version.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

command -v swift >/dev/null || { log "swift is not on PATH"; exit 1; }
if ! command -v protoc >/dev/null; then
  WAGATE_APT_PACKAGES=(protobuf-compiler)
  ensure_packages
fi

# The swift-protobuf version the package resolves (Package.resolved is written by swift build/resolve).
resolved_version() {
  [ -f Package.resolved ] || return 0
  python3 - <<'PY'
import json
pins = json.load(open("Package.resolved")).get("pins", [])
print(next((p["state"].get("version", "") for p in pins if p["identity"] == "swift-protobuf"), ""))
PY
}
version=${SWIFT_PROTOBUF_VERSION:-$(resolved_version)}
if [ -z "$version" ]; then
  log "resolving the package's dependencies to learn the swift-protobuf version"
  swift package resolve >&2
  version=$(resolved_version)
fi
[ -n "$version" ] || { log "swift-protobuf is not among the package's resolved dependencies"; exit 1; }

scratch=.build-protoc
source_dir=$scratch/swift-protobuf
plugin=$scratch/build/release/protoc-gen-swift
if [ ! -d "$source_dir/.git" ]; then
  log "checking out swift-protobuf $version into $source_dir"
  rm -rf "$source_dir"
  git clone -q https://github.com/apple/swift-protobuf "$source_dir"
fi
if [ "$(git -C "$source_dir" describe --tags --exact-match 2>/dev/null)" != "$version" ]; then
  git -C "$source_dir" fetch -q --tags origin
  git -C "$source_dir" -c advice.detachedHead=false checkout -q "$version"
fi
log "building protoc-gen-swift $version (release; the first build takes a few minutes)"
swift build -c release --product protoc-gen-swift --package-path "$source_dir" --scratch-path "$scratch/build" >&2
built=$("$plugin" --version | awk '{print $2}')
[ "$built" = "$version" ] || { log "built protoc-gen-swift $built, expected $version"; exit 1; }

out=Sources/WAProto
mkdir -p "$out"
rm -f "$out"/*.pb.swift
log "generating $out from proto/*.proto with $(protoc --version) and protoc-gen-swift $built"
protoc --plugin=protoc-gen-swift="$PWD/$plugin" -I proto \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
  --swift_out="$out" proto/*.proto
ls "$out"/*.pb.swift >&2
