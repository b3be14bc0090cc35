#!/bin/sh
# Builds bench/loadharness (release, no SwiftPM, no CLI deps) into ${OUT:-/tmp/loadharness}.
# Usage: bench/loadharness/build.sh [extra swiftc flags]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/loadharness}
mkdir -p "$OUT/mod"
FLAGS="-O ${HARNESS_G--g} -swift-version 6 -package-name aspire -enable-upcoming-feature ExistentialAny \
 -enable-upcoming-feature MemberImportVisibility -enable-upcoming-feature InternalImportsByDefault"
cat > "$OUT/mod/module.modulemap" <<MAP
module CYAMLShim { header "$ROOT/Sources/CYAMLShim/include/aspire_yaml.h" header "$ROOT/Sources/CYAMLShim/include/aspire_yaml_emit.h" header "$ROOT/Sources/CYAMLShim/include/aspire_yaml_split.h" export * }
MAP
for c in "$ROOT"/Sources/CYAMLShim/*.c; do
    clang -O2 ${HARNESS_G--g} -c "$c" -I "$ROOT/Sources/CYAMLShim/include" $(pkg-config --cflags yaml-0.1) -o "$OUT/$(basename "$c" .c).o"
done
swiftc $FLAGS "$@" -parse-as-library -emit-module -emit-object -wmo -module-name YAMLSource -I "$OUT/mod" \
    -emit-module-path "$OUT/YAMLSource.swiftmodule" -o "$OUT/YAMLSource.o" "$ROOT"/Sources/YAMLSource/*.swift
swiftc $FLAGS "$@" -parse-as-library -emit-module -emit-object -wmo -module-name AppModel -I "$OUT" -I "$OUT/mod" \
    -emit-module-path "$OUT/AppModel.swiftmodule" -o "$OUT/AppModel.o" "$ROOT"/Sources/AppModel/*.swift
swiftc $FLAGS "$@" -I "$OUT" -I "$OUT/mod" "$ROOT/bench/loadharness/main.swift" "$OUT"/*.o \
    $(pkg-config --libs yaml-0.1) -o "$OUT/loadharness"
echo "$OUT/loadharness"
