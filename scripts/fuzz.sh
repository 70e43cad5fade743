#!/usr/bin/env bash
# Fuzz the CSV reader, the formula parser and the model-file reader with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS]      each fuzzer runs SECONDS (default 300), seeded from Fuzz/Seeds
#   FUZZ_SEED=1 scripts/fuzz.sh 20 a reproducible run (what CI does)
#
# Leak detection is off: LeakSanitizer cannot follow Swift's tagged reference pointers and reports
# reachable objects as leaks. AddressSanitizer still checks every memory access.
# New inputs go to a temporary corpus; a crash leaves crash-* files in the current folder and exits
# non-zero. Keep each crash as a regression test (Tests/ForecastingTests/FuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
swift build --package-path Fuzz --scratch-path .build-fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >/dev/null
status=0
for target in csv:FuzzCSV formula:FuzzFormula model:FuzzModelFile; do
  seeds="${target%%:*}"; name="${target##*:}"
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
