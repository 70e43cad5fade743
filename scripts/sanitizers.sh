#!/usr/bin/env bash
# Run the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then ThreadSanitizer.
#
#   scripts/sanitizers.sh            both
#   scripts/sanitizers.sh address    ASan + UBSan only (what CI runs)
#   scripts/sanitizers.sh thread     TSan only
#
# Leak detection is off: LeakSanitizer reports XCTest's own harness allocations and objects behind
# Swift's tagged pointers as leaks. Each run builds into its own folder (.build-asan, .build-tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
if [ "$which" = all ] || [ "$which" = address ]; then
  echo "sanitizers: address + undefined"
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
    swift test --sanitize=address --sanitize=undefined --scratch-path .build-asan
fi
if [ "$which" = all ] || [ "$which" = thread ]; then
  echo "sanitizers: thread"
  TSAN_OPTIONS=halt_on_error=1 swift test --sanitize=thread --scratch-path .build-tsan
fi
