#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] — build the libFuzzer target over the C shim and run it.
#
#   SECONDS          how long to fuzz (default: $FUZZ_SECONDS, else 60)
#   FUZZ_JOBS        parallel workers (default: nproc); >1 uses libFuzzer's -fork mode
#   FUZZ_CC          a clang that supports -fsanitize=fuzzer (default: the Swift toolchain's)
#   FUZZ_CORPUS      keep the corpus in this folder (default: a temporary folder, removed after)
#   FUZZ_EXTRA       extra libFuzzer flags
#   FUZZ_LIBYAML_SRC a libyaml source tree (src/*.c, include/yaml.h) to compile in with the same
#                    instrumentation instead of linking the system library: libFuzzer then sees
#                    libyaml's own branches too (about 5x the edges). E.g. Yams' copy:
#                    git -C /opt/swift-packages/jpsim/Yams.git archive HEAD Sources/CYaml | tar -x -C /tmp
#                    FUZZ_LIBYAML_SRC=/tmp/Sources/CYaml bash fuzz/run.sh 600
#                    (a crash found that way must be replayed against the system-library build,
#                    fuzz/.build/shim_fuzzer, before it is reported as aspire's)
#
# The corpus is seeded from every *.yaml under manifests/ and Tests/ plus fuzz/seeds/. Crashing
# inputs are written to fuzz/crashes/; the script exits non-zero when the fuzzer finds one (or
# fails to build). The fuzzer binary lands in fuzz/.build/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_TO_RUN=${1:-${FUZZ_SECONDS:-60}}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
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
    if ! pkg-config --exists yaml-0.1; then
        echo "fuzz: libyaml not found by pkg-config (Debian: apt-get install libyaml-dev pkg-config)" >&2
        exit 2
    fi
    # shellcheck disable=SC2207  # pkg-config output is meant to split
    LIBYAML=($(pkg-config --cflags --libs yaml-0.1))
    BIN=$OUT/shim_fuzzer
    echo "fuzz: building fuzz/.build/shim_fuzzer with $CC"
fi
"$CC" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g -O1 \
    -I Sources/CYAMLShim/include \
    Sources/CYAMLShim/aspire_yaml.c fuzz/shim_fuzzer.c \
    "${LIBYAML[@]}" "${LDFLAGS[@]}" \
    -o "$BIN"

# --- seed corpus
if [ -n "${FUZZ_CORPUS:-}" ]; then
    CORPUS=$FUZZ_CORPUS
    mkdir -p "$CORPUS"
else
    CORPUS=$probe/corpus
    mkdir -p "$CORPUS"
fi
seeds=0
while IFS= read -r -d '' f; do
    cp "$f" "$CORPUS/seed-$seeds-$(basename "$f")"
    seeds=$((seeds + 1))
done < <(find manifests Tests fuzz/seeds -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 2>/dev/null)
echo "fuzz: $seeds seed files; fuzzing for ${SECONDS_TO_RUN}s with $JOBS worker(s)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
flags=(-max_total_time="$SECONDS_TO_RUN" -dict=fuzz/yaml.dict -max_len=65536 -timeout=10 -rss_limit_mb=2048
       -artifact_prefix="$CRASHES/" -print_final_stats=1)
[ "$JOBS" -gt 1 ] && flags+=(-fork="$JOBS")
# shellcheck disable=SC2206
[ -n "${FUZZ_EXTRA:-}" ] && flags+=($FUZZ_EXTRA)

before=$(find "$CRASHES" -type f | wc -l)
log=$BIN.log
status=0
"$BIN" "${flags[@]}" "$CORPUS" >"$log" 2>&1 || status=$?
after=$(find "$CRASHES" -type f | wc -l)

# Progress lines look like "#123456: cov: ..." (fork mode) or "#123456\tpulse ..." (one worker).
grep -E '^#[0-9]+' "$log" | tail -n 5 || true
grep -E '^(stat::|INFO: fuzzed for|Done [0-9]+ runs)' "$log" || true
execs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | sort -n | tail -n 1)
execs=${execs:-0}
echo "fuzz: $(basename "$BIN") ran ${execs} executions (log: fuzz/.build/$(basename "$log"))"

if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
    echo "fuzz: FAILED (exit $status); new crash files in fuzz/crashes/:" >&2
    find "$CRASHES" -type f -newer "$BIN" -print >&2 || true
    grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken' "$log" | head -n 80 >&2 || true
    exit 1
fi
echo "fuzz: no crashes"
