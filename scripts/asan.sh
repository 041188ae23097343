#!/bin/sh
# Runs the whole test suite under the address sanitizer, in a build of its own (.build-asan). Any memory
# error fails the run, and so does any leak but those LeakSanitizer finds inside the toolchain's own
# libraries, which scripts/lsan.supp names (Foundation's file reading, XCTest's bookkeeping).
#   scripts/asan.sh                       the whole suite
#   scripts/asan.sh --filter CrashTests   some of it
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests --sanitize=address --scratch-path .build-asan
LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0" \
    swift test --skip-build --sanitize=address --scratch-path .build-asan "$@"
