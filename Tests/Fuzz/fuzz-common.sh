# The shared half of Tests/Fuzz/run.sh and Tests/FuzzHTTP/run.sh, sourced by both after they
# have written the throwaway package at $PKG: builds the fuzzer (libFuzzer, with AddressSanitizer
# unless FUZZ_NO_ASAN is set) and a replay binary without sanitizers, seeds the corpus, runs the
# fuzzer for $SECONDS_TO_RUN seconds and prints its final figures. Expects PKG, WORK, FUZZ_DIR,
# CORPUS, CRASHES, SECONDS_TO_RUN, PRODUCT (the executable's name), MAX_LEN and DICTIONARY.

# swiftc keeps only the LAST -sanitize= flag, and SwiftPM writes one per --sanitize: with
# `--sanitize fuzzer --sanitize address` alone the code gets ASan but no coverage
# instrumentation ("Is the code instrumented for coverage?"). Repeating the combined
# -sanitize=fuzzer,address through -Xswiftc (which SwiftPM puts after its own) gives both.
SANITIZERS=(--sanitize fuzzer)
if [[ -z "${FUZZ_NO_ASAN:-}" ]]; then
    SANITIZERS+=(--sanitize address -Xswiftc -sanitize=fuzzer,address)
fi

echo "== building fuzzer (${SANITIZERS[*]})" >&2
swift build --package-path "$PKG" --scratch-path "$WORK/fuzzer" -c release "${SANITIZERS[@]}" \
    -Xswiftc -DFUZZING >&2
FUZZER="$(swift build --package-path "$PKG" --scratch-path "$WORK/fuzzer" -c release "${SANITIZERS[@]}" \
    -Xswiftc -DFUZZING --show-bin-path)/$PRODUCT"

echo "== building replay binary (no sanitizers)" >&2
swift build --package-path "$PKG" --scratch-path "$WORK/replay" -c release >&2
echo "   replay: $(swift build --package-path "$PKG" --scratch-path "$WORK/replay" -c release --show-bin-path)/$PRODUCT" >&2

if [[ -n "${FUZZ_BUILD_ONLY:-}" ]]; then
    echo "fuzzer: $FUZZER"
    exit 0
fi

mkdir -p "$CORPUS" "$CRASHES"
# Seed the corpus; libFuzzer adds the inputs it finds interesting to it.
cp -n "$FUZZ_DIR/seeds/"* "$CORPUS/" 2>/dev/null || true

LOG="$WORK/fuzz-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "== fuzzing for $SECONDS_TO_RUN s; log: $LOG" >&2
set +e
# detect_leaks=0: the Swift runtime's lazily created globals and detached tasks are not leaks.
# SWIFT_BACKTRACE=enable=no: the Swift runtime's crash backtracer would otherwise take the
# signal before libFuzzer and AddressSanitizer and confuse their reports.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" \
"$FUZZER" "$CORPUS" \
    -max_total_time="$SECONDS_TO_RUN" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2048 \
    -dict="$DICTIONARY" -artifact_prefix="$CRASHES/" -print_final_stats=1 \
    >"$LOG" 2>&1
STATUS=$?
set -e

echo "== libFuzzer exit status $STATUS" >&2
# The last status line (#N DONE/pulse cov: ft: corp: exec/s: rss:) and the final stats.
grep -E '^#[0-9]+' "$LOG" | tail -n 1 || true
grep -E '^(Done [0-9]+ runs|stat::)' "$LOG" || true
if [[ $STATUS -ne 0 ]]; then
    echo "== crash: see $LOG and $CRASHES" >&2
    grep -E 'FUZZ INVARIANT|ERROR: AddressSanitizer|ERROR: libFuzzer|Fatal error|SUMMARY|Test unit written' "$LOG" >&2 || true
fi
exit $STATUS
