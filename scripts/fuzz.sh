#!/bin/sh
# Builds the libFuzzer targets in Fuzz/ with the address sanitizer and runs each for RUNS inputs
# (default 1,000,000). A crash leaves its input in .build-fuzz/<target>/crash-*: add it to the target's
# regression inputs in Fuzz/regressions/<target>/ and fix the code.
#   scripts/fuzz.sh                 every target, 1,000,000 runs each
#   RUNS=10000 scripts/fuzz.sh csv  one target, fewer runs
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
out=.build-fuzz
mkdir -p "$out"
build() {  # name, harness, sources...
    name=$1; shift
    swiftc -sanitize=fuzzer,address -parse-as-library -O "$@" -o "$out/$name" 2>&1 | grep -v "Cannot export local symbol" || true
}
run() {  # name
    name=$1
    mkdir -p "$out/$name.corpus" "Fuzz/regressions/$name"
    # The regression inputs first (each must pass), then new inputs.
    "$out/$name" -runs=0 Fuzz/regressions/"$name" >/dev/null 2>&1 || { echo "fuzz: $name fails on a regression input"; exit 1; }
    (cd "$out" && "./$name" -runs="$RUNS" -max_len=4096 -print_final_stats=1 "$name.corpus" "../Fuzz/regressions/$name" 2>&1) \
        | grep -E "stat::number_of_executed_units|ERROR|crash-" || true
}
targets=${1:-"csv keys arguments rules"}
for target in $targets; do
    case $target in
        csv) build csv Fuzz/CSVReaderFuzz.swift Sources/LeadsShell/Import/CSVReader.swift Sources/LeadsShell/Import/CSVRecord.swift ;;
        keys) build keys Fuzz/KeyDecoderFuzz.swift Sources/LeadsShell/Terminal/Key.swift Sources/LeadsShell/Terminal/KeyDecoder.swift ;;
        arguments) build arguments Fuzz/ArgumentsFuzz.swift Sources/LeadsShell/Commands/Arguments.swift Sources/LeadsShell/Rendering/TextWidth.swift ;;
        # (the parser's files with the error type it reads, as one module; CSQLite for its result codes)
        rules) build rules -module-name LeadSQLite -I Sources/CSQLite -lsqlite3 Fuzz/RuleErrorFuzz.swift Sources/LeadDB/RuleViolation.swift \
                   Sources/LeadSQLite/SQLiteError.swift Sources/LeadSQLite/ResultCode.swift ;;
        *) echo "fuzz: no target $target (csv, keys, arguments, rules)"; exit 2 ;;
    esac
    echo "== $target"
    run "$target"
done
