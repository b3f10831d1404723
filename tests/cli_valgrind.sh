#!/bin/bash
# cli_valgrind.sh - memcheck on the commands that do not need a PMU or a
# sweep: `pfnbench verify --cases 300 --seed 7 --max-pfn 0x10000000`
# (valgrind caps address-space reservations near 32 GiB, hence --max-pfn),
# encode, compare and report on the fixture.  Each must exit as without
# valgrind, with no memcheck error and no leak (--error-exitcode=1,
# --leak-check=full, definite and indirect leaks are errors).  Not run in
# the sanitizer build (valgrind cannot run ASan binaries).
#
# usage: bash cli_valgrind.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
TMP=$(mktemp -d /tmp/cli_valgrind.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }

vg() {	# vg WANT_RC WHAT ARGS...
	local want=$1 what=$2 rc
	shift 2
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--log-file="$TMP/vg.log" "$BIN" "$@" >"$TMP/out" 2>&1
	rc=$?
	if [ $rc -eq "$want" ] && grep -q 'ERROR SUMMARY: 0 errors' "$TMP/vg.log"; then
		ok "$what: exit $rc, $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$TMP/vg.log")"
	else
		fail "$what: exit $rc (want $want)"
		grep -E 'Invalid|uninitialised|definitely|indirectly|ERROR SUMMARY' "$TMP/vg.log" | head -20
		tail -3 "$TMP/out"
	fi
}

vg 0 "verify 300 cases" verify --cases 300 --seed 7 --max-pfn 0x10000000
grep -q '300 cases, .* 0 mismatches' "$TMP/out" && ok "verify: 0 mismatches" || fail "verify output: $(tail -1 "$TMP/out")"
# (a valid page file is left out: encode reserves the emulator's whole pfn
# range, which valgrind refuses with ENOMEM; encode has no --max-pfn)
vg 2 "encode invalid page file" encode --backend nouveau-v5.8 "$DATA/pagefile-invalid/thp-pfn-gap.page"
vg 0 "compare fixture" compare "$DATA/results-fixture" "$DATA/results-fixture"
vg 2 "compare truncated csv" compare "$DATA/results-fixture" "$DATA/bad-input/truncated-csv"
cp -r "$DATA/results-fixture" "$TMP/fix"
vg 0 "report --no-figures" report --no-figures "$TMP/fix"
vg 2 "config with an unknown key" run --config "$DATA/bad-input/unknown-key.conf" --out "$TMP/out"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
