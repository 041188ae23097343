#!/usr/bin/env bash
# Proves that adding, editing, renaming and removing a .sql file in Schema/ or Migrations/ needs nothing
# but `swift build` (no touch of Package.swift). Works in place, on the current build, and puts the
# folders back as they were on any exit. Run by hand: scripts/check-sql-folders.sh
set -euo pipefail
cd "$(dirname "$0")/.."

probe=Schema/zz_build_probe.sql
renamed=Schema/zz_build_probe_renamed.sql
trap 'rm -f "$probe" "$renamed"' EXIT

build() { swift build --product leads >/dev/null 2>&1 || { swift build --product leads; exit 1; }; }
embedded() { grep -c -a "$1" .build/debug/leads || true; }
expect() { # expect DESCRIPTION PATTERN COUNT
    local got; got=$(embedded "$2")
    if [ "$got" -ne "$3" ]; then echo "FAIL: $1: '$2' found $got times in the binary, expected $3" >&2; exit 1; fi
    echo "ok: $1"
}

build
echo "-- probe one" > "$probe"; build
expect "a new file is embedded" "zz_build_probe.sql" 1
sleep 1; echo "-- probe two, edited in place" > "$probe"; build
expect "an edit in place is embedded" "probe two, edited in place" 1
mv "$probe" "$renamed"; build
expect "a renamed file is embedded under its new name" "zz_build_probe_renamed.sql" 1
rm "$renamed"; build
expect "a removed file is gone" "zz_build_probe" 0
echo "all checks passed"
