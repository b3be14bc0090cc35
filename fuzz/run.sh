#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] — build the libFuzzer targets and run each one for SECONDS.
#
#   shim  fuzz/shim_fuzzer.c over the C shim (clang, -fsanitize=fuzzer,address,undefined)
#   full  fuzz/full_fuzzer.swift over the whole in-process load path: shim + YAMLSource +
#         AppModel (both decoders, validator, graph, environment resolution) + ParallelLoad's
#         split decode (checked against the whole-file one) + AppHost's
#         LaunchPlanner (up's planning, with no effects: no process, no file, no engine probe),
#         compiled from Sources/ without SwiftPM by swiftc -sanitize=fuzzer,address (with
#         AppState, Supervisor, CProcessShim and swift-log's Logging, which the planner needs;
#         swift-log's sources come from .build/checkouts/swift-log, else FUZZ_SWIFT_LOG_SRC, else
#         /opt/swift-packages/apple/swift-log.git)
#   otlp  fuzz/otlp_fuzzer.swift over the OTLP receivers' decoders (protobuf, OTLP/JSON, gzip) through
#         OTLPIngest into a small TelemetryStore, compiled by swiftc -sanitize=fuzzer,address from
#         Sources/ (SwiftProtobuf from .build/checkouts/swift-protobuf, else FUZZ_SWIFT_PROTOBUF_SRC,
#         else /opt/swift-packages/apple/swift-protobuf.git; OTLP, Quoting, CZlibShim, Telemetry)
#
#   SECONDS          how long to fuzz each target (default: $FUZZ_SECONDS, else 60)
#   FUZZ_TARGETS     which targets, in order (default: "shim full otlp")
#   FUZZ_JOBS        parallel workers (default: nproc); >1 uses libFuzzer's -fork mode
#   FUZZ_CC          a clang that supports -fsanitize=fuzzer (default: the Swift toolchain's)
#   FUZZ_SWIFTC      the swiftc for the full target (default: the one next to FUZZ_CC, else on PATH)
#   FUZZ_CORPUS      keep the corpora in this folder, one subfolder per target (default: a
#                    temporary folder, removed after)
#   FUZZ_EXTRA       extra libFuzzer flags
#   FUZZ_LIBYAML_SRC a libyaml source tree (src/*.c, include/yaml.h) to compile in with the same
#                    instrumentation instead of linking the system library: libFuzzer then sees
#                    libyaml's own branches too (about 5x the edges). E.g. Yams' copy:
#                    git -C /opt/swift-packages/jpsim/Yams.git archive HEAD Sources/CYaml | tar -x -C /tmp
#                    FUZZ_LIBYAML_SRC=/tmp/Sources/CYaml bash fuzz/run.sh 600
#                    (a crash found that way must be replayed against the system-library build,
#                    fuzz/.build/shim_fuzzer, before it is reported as aspire's)
#
# Each corpus is seeded from every *.yaml, *.yml and *.json under manifests/ and Tests/ plus
# fuzz/seeds/ (state folders, .aspire/, left out). Crashing inputs are written to fuzz/crashes/
# (prefixed with the target's name); the script exits non-zero when a fuzzer finds one (or fails
# to build). The fuzzer binaries land in fuzz/.build/ (the full target's modules in
# fuzz/.build/full/; rebuilt only when a source is newer than the binary).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_TO_RUN=${1:-${FUZZ_SECONDS:-60}}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
TARGETS=${FUZZ_TARGETS:-shim full otlp}
OUT=$ROOT/fuzz/.build
CRASHES=$ROOT/fuzz/crashes
mkdir -p "$OUT" "$CRASHES"

# --- a clang that can link -fsanitize=fuzzer
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/t.c"
candidates=()
[ -n "${FUZZ_CC:-}" ] && candidates+=("$FUZZ_CC")
candidates+=(/opt/swift/usr/bin/clang)
if command -v swift >/dev/null 2>&1; then
    candidates+=("$(dirname "$(readlink -f "$(command -v swift)")")/clang")
fi
for c in clang clang-21 clang-20 clang-19 clang-18 clang-17 clang-16; do
    command -v "$c" >/dev/null 2>&1 && candidates+=("$(command -v "$c")")
done
CC=""
for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    if "$c" -fsanitize=fuzzer "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then CC=$c; break; fi
done
if [ -z "$CC" ]; then
    echo "fuzz: no clang with -fsanitize=fuzzer found (tried: ${candidates[*]}); set FUZZ_CC" >&2
    exit 2
fi
# lld is quieter than gold with ASan (gold warns about every local __asan symbol).
LDFLAGS=()
if "$CC" -fsanitize=fuzzer -fuse-ld=lld "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then LDFLAGS=(-fuse-ld=lld); fi

# --- shim target: the C shim and its invariant checker, clang only
build_shim() {
    LIBYAML=()
    if [ -n "${FUZZ_LIBYAML_SRC:-}" ]; then
        [ -f "$FUZZ_LIBYAML_SRC/include/yaml.h" ] && [ -f "$FUZZ_LIBYAML_SRC/src/parser.c" ] || {
            echo "fuzz: FUZZ_LIBYAML_SRC=$FUZZ_LIBYAML_SRC has no include/yaml.h and src/parser.c" >&2; exit 2; }
        LIBYAML=(-DYAML_DECLARE_STATIC -DYAML_VERSION_MAJOR=0 -DYAML_VERSION_MINOR=2 -DYAML_VERSION_PATCH=5
                 '-DYAML_VERSION_STRING="0.2.5"' -I "$FUZZ_LIBYAML_SRC/include")
        for f in api parser reader scanner; do LIBYAML+=("$FUZZ_LIBYAML_SRC/src/$f.c"); done
        BIN=$OUT/shim_fuzzer_libyaml_src
        echo "fuzz: building fuzz/.build/shim_fuzzer_libyaml_src with $CC and libyaml from $FUZZ_LIBYAML_SRC"
    else
        # shellcheck disable=SC2207  # pkg-config output is meant to split
        LIBYAML=($(pkg-config --cflags --libs yaml-0.1))
        BIN=$OUT/shim_fuzzer
        echo "fuzz: building fuzz/.build/shim_fuzzer with $CC"
    fi
    "$CC" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g -O1 \
        -I Sources/CYAMLShim/include \
        Sources/CYAMLShim/aspire_yaml.c Sources/CYAMLShim/aspire_yaml_split.c fuzz/shim_fuzzer.c \
        "${LIBYAML[@]}" "${LDFLAGS[@]}" \
        -o "$BIN"
}

# --- full target: YAMLSource and AppModel compiled from Sources/ as modules (the way
# bench/loadharness/build.sh does), with the flags of Package.swift, plus the C shim built by the
# same toolchain's clang; the entry point is LLVMFuzzerTestOneInput in fuzz/full_fuzzer.swift.
# -O keeps every Swift runtime check (bounds, overflow, unwraps); only -Ounchecked drops them.
build_full() {
    BIN=$OUT/full_fuzzer
    local mods=$OUT/full
    local swiftc=${FUZZ_SWIFTC:-}
    if [ -z "$swiftc" ]; then
        if [ -x "$(dirname "$CC")/swiftc" ]; then swiftc=$(dirname "$CC")/swiftc; else swiftc=$(command -v swiftc || true); fi
    fi
    [ -n "$swiftc" ] && [ -x "$swiftc" ] || { echo "fuzz: no swiftc found; set FUZZ_SWIFTC" >&2; exit 2; }
    local sources=(Sources/CYAMLShim/*.c Sources/CYAMLShim/include/*.h Sources/YAMLSource/*.swift Sources/Quoting/*.swift Sources/AppModel/*.swift
                   Sources/ParallelLoad/*.swift Sources/AppStatus/*.swift
                   Sources/AppState/*.swift Sources/CProcessShim/*.c Sources/CProcessShim/include/*.h Sources/Supervisor/*.swift
                   Sources/AppHost/*.swift fuzz/full_fuzzer.swift fuzz/run.sh)
    if [ -x "$BIN" ] && [ -z "$(find "${sources[@]}" -newer "$BIN" -print -quit)" ]; then
        echo "fuzz: fuzz/.build/full_fuzzer is up to date"
        return
    fi
    # swift-log's Logging (the supervisor logs through it): the checkout SwiftPM made, else a copy.
    local logging=${FUZZ_SWIFT_LOG_SRC:-}
    if [ -z "$logging" ] && [ -d .build/checkouts/swift-log/Sources/Logging ]; then logging=.build/checkouts/swift-log/Sources/Logging; fi
    if [ -z "$logging" ] && [ -d /opt/swift-packages/apple/swift-log.git ]; then
        mkdir -p "$OUT/swift-log"
        git -C /opt/swift-packages/apple/swift-log.git archive HEAD Sources/Logging | tar -x -C "$OUT/swift-log"
        logging=$OUT/swift-log/Sources/Logging
    fi
    [ -n "$logging" ] && [ -d "$logging" ] || { echo "fuzz: swift-log's Sources/Logging not found; run swift build once or set FUZZ_SWIFT_LOG_SRC" >&2; exit 2; }
    echo "fuzz: building fuzz/.build/full_fuzzer with $swiftc (YAMLSource, Quoting, AppModel, ParallelLoad, AppStatus, AppState, Supervisor, AppHost from Sources/, a few minutes)"
    rm -rf "$mods"
    mkdir -p "$mods/mod"
    local flags=(-O -g -swift-version 6 -package-name aspire -sanitize=fuzzer,address
                 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
                 -enable-upcoming-feature InternalImportsByDefault)
    # Every header of each C target, as SwiftPM's umbrella folder gives them (a header listed by
    # hand was missed once when a new one landed).
    headers() { local h; for h in "$ROOT/Sources/$1/include/"*.h; do printf 'header "%s" ' "$h"; done; }
    cat >"$mods/mod/module.modulemap" <<MAP
module CYAMLShim { $(headers CYAMLShim)export * }
module CProcessShim { $(headers CProcessShim)export * }
MAP
    local c
    for c in Sources/CYAMLShim/*.c; do
        # shellcheck disable=SC2046  # pkg-config output is meant to split
        "$CC" -fsanitize=fuzzer-no-link,address -g -O1 -c "$c" -I Sources/CYAMLShim/include \
            $(pkg-config --cflags yaml-0.1) -o "$mods/$(basename "$c" .c).o"
    done
    "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name YAMLSource -I "$mods/mod" \
        -emit-module-path "$mods/YAMLSource.swiftmodule" -o "$mods/YAMLSource.o" Sources/YAMLSource/*.swift
    "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name Quoting \
        -emit-module-path "$mods/Quoting.swiftmodule" -o "$mods/Quoting.o" Sources/Quoting/*.swift
    "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name AppModel -I "$mods" -I "$mods/mod" \
        -emit-module-path "$mods/AppModel.swiftmodule" -o "$mods/AppModel.o" Sources/AppModel/*.swift
    for c in Sources/CProcessShim/*.c; do
        "$CC" -fsanitize=fuzzer-no-link,address -g -O1 -c "$c" -I Sources/CProcessShim/include -o "$mods/$(basename "$c" .c).o"
    done
    "$swiftc" -O -g -swift-version 6 -package-name swift_log -sanitize=address -parse-as-library -emit-module -emit-object -wmo -module-name Logging \
        -emit-module-path "$mods/Logging.swiftmodule" -o "$mods/Logging.o" "$logging"/*.swift "$logging"/Handlers/*.swift
    local module
    for module in ParallelLoad AppStatus AppState Supervisor AppHost; do
        "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name "$module" -I "$mods" -I "$mods/mod" \
            -emit-module-path "$mods/$module.swiftmodule" -o "$mods/$module.o" Sources/"$module"/*.swift
    done
    local uselld=()
    [ ${#LDFLAGS[@]} -gt 0 ] && uselld=(-use-ld=lld)
    # shellcheck disable=SC2046
    "$swiftc" "${flags[@]}" -parse-as-library -I "$mods" -I "$mods/mod" fuzz/full_fuzzer.swift "$mods"/*.o \
        $(pkg-config --libs yaml-0.1) "${uselld[@]}" -o "$BIN"
}

# --- otlp target: every module the harness imports, built here (SwiftProtobuf, OTLP, Quoting,
# CZlibShim, Telemetry); Telemetry without its Hummingbird front end (TelemetryReceiver.swift).
build_otlp() {
    BIN=$OUT/otlp_fuzzer
    local mods=$OUT/otlp
    local swiftc=${FUZZ_SWIFTC:-}
    if [ -z "$swiftc" ]; then
        if [ -x "$(dirname "$CC")/swiftc" ]; then swiftc=$(dirname "$CC")/swiftc; else swiftc=$(command -v swiftc || true); fi
    fi
    [ -n "$swiftc" ] && [ -x "$swiftc" ] || { echo "fuzz: no swiftc found; set FUZZ_SWIFTC" >&2; exit 2; }
    local telemetry=()
    local f
    for f in Sources/Telemetry/*.swift; do [ "$(basename "$f")" = TelemetryReceiver.swift ] || telemetry+=("$f"); done
    local sources=(Sources/OTLP/*.swift Sources/Quoting/*.swift Sources/CZlibShim/*.c Sources/CZlibShim/include/*.h
                   "${telemetry[@]}" fuzz/otlp_fuzzer.swift fuzz/run.sh)
    if [ -x "$BIN" ] && [ -z "$(find "${sources[@]}" -newer "$BIN" -print -quit)" ]; then
        echo "fuzz: fuzz/.build/otlp_fuzzer is up to date"
        return
    fi
    local protobuf=${FUZZ_SWIFT_PROTOBUF_SRC:-}
    if [ -z "$protobuf" ] && [ -d .build/checkouts/swift-protobuf/Sources/SwiftProtobuf ]; then protobuf=.build/checkouts/swift-protobuf/Sources/SwiftProtobuf; fi
    if [ -z "$protobuf" ] && [ -d /opt/swift-packages/apple/swift-protobuf.git ]; then
        mkdir -p "$OUT/swift-protobuf"
        git -C /opt/swift-packages/apple/swift-protobuf.git archive 1.39.0 Sources/SwiftProtobuf | tar -x -C "$OUT/swift-protobuf"
        protobuf=$OUT/swift-protobuf/Sources/SwiftProtobuf
    fi
    [ -n "$protobuf" ] && [ -d "$protobuf" ] || { echo "fuzz: swift-protobuf's Sources/SwiftProtobuf not found; run swift build once or set FUZZ_SWIFT_PROTOBUF_SRC" >&2; exit 2; }
    echo "fuzz: building fuzz/.build/otlp_fuzzer with $swiftc (SwiftProtobuf, OTLP, Quoting, CZlibShim, Telemetry, a few minutes)"
    rm -rf "$mods"
    mkdir -p "$mods/mod"
    local flags=(-O -g -swift-version 6 -package-name aspire -sanitize=fuzzer,address
                 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
                 -enable-upcoming-feature InternalImportsByDefault)
    echo "module CZlibShim { header \"$ROOT/Sources/CZlibShim/include/aspire_zlib.h\" export * }" >"$mods/mod/module.modulemap"
    "$CC" -fsanitize=fuzzer-no-link,address -g -O1 -c Sources/CZlibShim/aspire_zlib.c -I Sources/CZlibShim/include -o "$mods/aspire_zlib.o"
    "$swiftc" -O -g -swift-version 5 -package-name swift_protobuf -sanitize=address -parse-as-library -emit-module -emit-object -wmo \
        -module-name SwiftProtobuf -emit-module-path "$mods/SwiftProtobuf.swiftmodule" -o "$mods/SwiftProtobuf.o" "$protobuf"/*.swift
    "$swiftc" -O -g -swift-version 6 -package-name aspire -sanitize=fuzzer,address -parse-as-library -emit-module -emit-object -wmo \
        -module-name OTLP -I "$mods" -emit-module-path "$mods/OTLP.swiftmodule" -o "$mods/OTLP.o" Sources/OTLP/*.swift
    "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name Quoting \
        -emit-module-path "$mods/Quoting.swiftmodule" -o "$mods/Quoting.o" Sources/Quoting/*.swift
    "$swiftc" "${flags[@]}" -parse-as-library -emit-module -emit-object -wmo -module-name Telemetry -I "$mods" -I "$mods/mod" \
        -emit-module-path "$mods/Telemetry.swiftmodule" -o "$mods/Telemetry.o" "${telemetry[@]}"
    local uselld=()
    [ ${#LDFLAGS[@]} -gt 0 ] && uselld=(-use-ld=lld)
    "$swiftc" "${flags[@]}" -parse-as-library -I "$mods" -I "$mods/mod" fuzz/otlp_fuzzer.swift "$mods"/*.o -lz "${uselld[@]}" -o "$BIN"
}

if ! pkg-config --exists yaml-0.1; then
    echo "fuzz: libyaml not found by pkg-config (Debian: apt-get install libyaml-dev pkg-config)" >&2
    exit 2
fi

# --- seed corpus, one copy per target
seed_corpus() { # $1 = folder, $2 = target
    local n=0 f
    if [ "$2" = otlp ]; then  # request bodies, each behind its selector byte (fuzz/otlp_fuzzer.swift)
        for f in fuzz/seeds/otlp/*; do cp "$f" "$1/seed-$n-$(basename "$f")"; n=$((n + 1)); done
        echo "$n"
        return
    fi
    while IFS= read -r -d '' f; do
        cp "$f" "$1/seed-$n-$(basename "$f")"
        n=$((n + 1))
    done < <(find manifests Tests fuzz/seeds \( -name .aspire -o -name '.build*' -o -name otlp \) -prune -o \
                 -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 2>/dev/null)
    echo "$n"
}

# LeakSanitizer is on for both targets: the Swift runtime's one-time allocations (metadata caches,
# interned strings) stay reachable from globals, so they are not reported as leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# A Swift trap (ud2) should reach libFuzzer's deadly-signal handler at once: the Swift runtime's
# own backtracer takes a minute per crash on an ASan binary and trips over ASan's stack checks.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
failed=0
for target in $TARGETS; do
    case $target in
    shim) build_shim ;;
    full) build_full ;;
    otlp) build_otlp ;;
    *) echo "fuzz: unknown target '$target' (FUZZ_TARGETS: shim full otlp)" >&2; exit 2 ;;
    esac
    name=$(basename "$BIN")
    if [ -n "${FUZZ_CORPUS:-}" ]; then CORPUS=$FUZZ_CORPUS/$target; else CORPUS=$probe/corpus-$target; fi
    mkdir -p "$CORPUS"
    seeds=$(seed_corpus "$CORPUS" "$target")
    echo "fuzz: $name: $seeds seed files; fuzzing for ${SECONDS_TO_RUN}s with $JOBS worker(s)"

    dict=fuzz/yaml.dict
    [ "$target" = otlp ] && dict=fuzz/otlp.dict
    flags=(-max_total_time="$SECONDS_TO_RUN" -dict="$dict" -max_len=65536 -timeout=10 -rss_limit_mb=2048
           -artifact_prefix="$CRASHES/$target-" -print_final_stats=1)
    [ "$JOBS" -gt 1 ] && flags+=(-fork="$JOBS")
    # shellcheck disable=SC2206
    [ -n "${FUZZ_EXTRA:-}" ] && flags+=($FUZZ_EXTRA)

    before=$(find "$CRASHES" -type f | wc -l)
    log=$BIN.log
    status=0
    nice -n "${FUZZ_NICE:-0}" "$BIN" "${flags[@]}" "$CORPUS" >"$log" 2>&1 || status=$?
    after=$(find "$CRASHES" -type f | wc -l)

    # Progress lines look like "#123456: cov: ..." (fork mode) or "#123456\tpulse ..." (one worker).
    grep -E '^#[0-9]+' "$log" | tail -n 3 || true
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|INFO: fuzzed for|Done [0-9]+ runs)' "$log" || true
    execs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | sort -n | tail -n 1)
    execs=${execs:-0}
    echo "fuzz: $name ran ${execs} executions (log: fuzz/.build/$name.log)"

    if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
        echo "fuzz: $name FAILED (exit $status); new crash files in fuzz/crashes/:" >&2
        find "$CRASHES" -type f -newer "$BIN" -print >&2 || true
        grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken|Fatal error' "$log" \
            | head -n 80 >&2 || true
        failed=1
    else
        echo "fuzz: $name: no crashes"
    fi
done
[ "$failed" -eq 0 ] || exit 1
