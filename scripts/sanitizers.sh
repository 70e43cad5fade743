#!/usr/bin/env bash
# Run the whole test suite under AddressSanitizer, then ThreadSanitizer.
#
#   scripts/sanitizers.sh            both
#   scripts/sanitizers.sh address    ASan only (what CI runs)
#   scripts/sanitizers.sh thread     TSan only
#
# UndefinedBehaviorSanitizer: swiftc on Linux refuses -sanitize=undefined (Swift 6.3); Swift's own
# checks stand in for it (integer overflow and bounds traps are on in these debug builds), and the C
# shim has no code of its own.
# Leak detection is off: LeakSanitizer reports the swift-testing harness's own allocations and objects
# behind Swift's tagged pointers as leaks. Each run builds into its own folder (.build-asan, .build-tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
if [ "$which" = all ] || [ "$which" = address ]; then
  echo "sanitizers: address"
  ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan
fi
if [ "$which" = all ] || [ "$which" = thread ]; then
  echo "sanitizers: thread"
  TSAN_OPTIONS=halt_on_error=1 swift test --sanitize=thread --scratch-path .build-tsan
fi
