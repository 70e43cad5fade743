#!/usr/bin/env bash
# Fuzz the CSV reader, the streaming chunk reader, the formula parser, the model-file reader and the
# factor-file reader with libFuzzer and AddressSanitizer (Fuzz/README.md says what each one checks).
#
#   scripts/fuzz.sh [SECONDS] [NAME...]  each fuzzer (or only those named, e.g. FuzzChunkReader) runs
#                                        SECONDS (default 300), seeded from Fuzz/Seeds
#   FUZZ_SEED=1 scripts/fuzz.sh 10       a reproducible run (what CI does: 10 s each, 50 s in all)
#
# Leak detection is off: LeakSanitizer cannot follow Swift's tagged reference pointers and reports
# reachable objects as leaks. AddressSanitizer still checks every memory access.
# New inputs go to a temporary corpus; a crash leaves crash-* files in the current folder and exits
# non-zero. Keep each crash as a regression test (Tests/ForecastingTests/FuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
only=" $* "
swift build --package-path Fuzz --scratch-path .build-fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >/dev/null
status=0
for target in csv:FuzzCSV chunk:FuzzChunkReader formula:FuzzFormula model:FuzzModelFile factor:FuzzFactorFile; do
  seeds="${target%%:*}"; name="${target##*:}"
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || continue
  corpus="$(mktemp -d)"
  cp Fuzz/Seeds/"$seeds"/* "$corpus"/
  echo "fuzz: $name for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/"$name" "$corpus" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -detect_leaks=0 ${FUZZ_SEED:+-seed=$FUZZ_SEED} \
       -max_len=65536 -print_final_stats=1 2>"$corpus.log"; then
    echo "fuzz: $name found a problem:"; tail -40 "$corpus.log"; status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$corpus.log" | sed "s/^/fuzz: $name /"
  fi
  rm -rf "$corpus"
done
exit $status
