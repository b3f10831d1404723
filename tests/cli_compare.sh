#!/bin/bash
# cli_compare.sh - `pfnbench compare` as a CI gate: the fixture against
# itself passes (exit 0); a copy where nouveau-v5.8 allocates 10% more
# bytes per page fails (exit 1) naming the case; an ungated slowdown passes
# and is reported (noisy among 48 Holm-adjusted comparisons); nouveau-v5.8
# 60% slower trips the ratio gate of its declared comparisons where the
# family is small enough for 5 repetitions;
# bad input exits 2 with file:line.
#
# usage: bash cli_compare.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
SRC=${PFNBENCH_SOURCE_DIR:-$(dirname "$0")/..}
TH=$SRC/configs/thresholds.conf
FIX=$DATA/results-fixture
TMP=$(mktemp -d /tmp/cli_compare.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# variant NAME PYTHON-CODE-ON-ROW [KEEP-EXPR]: copy of the fixture with rows
# edited (and only the rows where KEEP-EXPR is true)
variant() {
	mkdir -p "$TMP/$1"
	cp "$FIX/meta.json" "$TMP/$1/"
	python3 - "$FIX/results.csv" "$TMP/$1/results.csv" "$2" "${3:-True}" <<'PY'
import csv, sys
src, dst, code, keep = sys.argv[1:5]
rows = [r for r in csv.DictReader(open(src)) if eval(keep)]
for r in rows:
    exec(code)
w = csv.DictWriter(open(dst, 'w', newline=''), fieldnames=list(rows[0].keys()), lineterminator='\n')
w.writeheader(); w.writerows(rows)
PY
}

# the fixture without its 6th repetition: these checks were written for 5
# against 5 (the report's tests need the 6th for an interval)
variant fix5 "pass" "r['repetition'] != '5'"
FIX=$TMP/fix5

expect() {	# expect RC WHAT ARGS...
	local want=$1 what=$2; shift 2
	OUT=$("$BIN" compare "$@" 2>&1); RC=$?
	if [ $RC -eq "$want" ]; then ok "$what: exit $RC"; else fail "$what: exit $RC, want $want"; echo "$OUT"; fi
}

expect 0 "fixture vs itself" "$FIX" "$FIX" --thresholds "$TH"
echo "$OUT" | grep -q '^OK: no gated metric' && ok "says OK" || fail "no OK line"
echo "$OUT" | grep -q '48 case names in common, 0 only in BASE, 0 only in NEW' \
	&& ok "48 common cases" || fail "common case count"
expect 0 "results.csv paths, default thresholds" "$FIX/results.csv" "$FIX/results.csv"

variant bytes "if r['name'] == 'nouveau-v5.8/mirror/npages:64/batch:64': r['bytes_alloc_per_page'] = '8.8'"
expect 1 "nouveau-v5.8 allocates 10% more" "$FIX" "$TMP/bytes" --thresholds "$TH"
echo "$OUT" | grep -q '^  nouveau-v5.8/mirror/npages:64/batch:64 bytes_alloc_per_page: 8 -> 8.8 (+10.0%, threshold 0%, deterministic)$' \
	&& ok "names the case and metric" || { fail "failure line"; echo "$OUT"; }
echo "$OUT" | grep -q '^FAIL: 1 gated regression' && ok "one regression" || fail "regression count"
expect 0 "the same change reversed is better" "$TMP/bytes" "$FIX" --thresholds "$TH"
echo "$OUT" | grep -q 'bytes_alloc_per_page .* better' && ok "reported as better" || fail "better line"

variant slow "if r['name'] == 'nouveau-v5.7/thp/npages:64/batch:64': r['ns_per_page'] = '%.4f' % (float(r['ns_per_page']) * 1.10)"
expect 0 "ungated ns_per_page 10% worse" "$FIX" "$TMP/slow" --thresholds "$TH"
# p = 2/252 = 0.0079 alone; Holm over the 48 reported-only comparisons: 0.381
echo "$OUT" | grep -Eq '^  ns_per_page +[0-9.]+ +[0-9.]+ +\+10\.0% +0\.3810  noisy$' \
	&& ok "reported as noisy after Holm, not gated" || { fail "ungated noisy line"; echo "$OUT"; }
echo "$OUT" | grep -q 'Holm-adjusted over 24 gated and 48 reported-only comparisons' \
	&& ok "says how many comparisons were adjusted" || fail "Holm family line"

# the ratio gate: nouveau-v5.8 60% slower on mirror.  The fixture's
# declared comparisons are v5.8 / v5.7 and v5.8 / v5.6: 2 per case, 24
# gated ratios; the 12 of mirror at p = 2/252 each adjust to 0.19: noisy,
# exit 0.  With mirror and v5.8 / v5.7 alone (6 gated), 6 * 2/252 = 0.048:
# all six fail.
variant ratio "if r['backend'] == 'nouveau-v5.8' and r['workload'] == 'mirror': r['ns_per_page'] = '%.4f' % (float(r['ns_per_page']) * 1.6)"
expect 0 "nouveau-v5.8 60% slower among 24 gated ratios: too few repetitions" "$FIX" "$TMP/ratio" --thresholds "$TH"
echo "$OUT" | grep -q '^WARNING: 72 comparison(s) have too few repetitions' && ok "says too few repetitions" || { fail "untestable warning"; echo "$OUT" | grep WARNING; }
MIRROR="r['workload'] == 'mirror' and r['backend'] != 'nouveau-v5.6'"
variant mirror "pass" "$MIRROR"
variant ratio-mirror "if r['backend'] == 'nouveau-v5.8': r['ns_per_page'] = '%.4f' % (float(r['ns_per_page']) * 1.6)" "$MIRROR"
expect 1 "nouveau-v5.8 60% slower: ratio gate" "$TMP/mirror" "$TMP/ratio-mirror" --thresholds "$TH"
echo "$OUT" | grep -q '^FAIL: 6 gated regression' && ok "6 ratio regressions" || fail "ratio count"
echo "$OUT" | grep -q '^  mirror/npages:512/batch:512 nouveau-v5.8/nouveau-v5.7 ratio: .*adjusted p = 0\.0476' && ok "names the ratio case" || { fail "ratio case"; echo "$OUT"; }

# thresholds that gate nothing let the same data pass
printf '[ratio]\ngate = no\n' > "$TMP/nogate.conf"
expect 0 "ratio gate off" "$TMP/mirror" "$TMP/ratio-mirror" --thresholds "$TMP/nogate.conf"

# what differs besides the code is named in the header
variant other-machine "pass"
python3 - "$TMP/other-machine/meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m['machine']['cpu_model'] = 'Intel(R) Xeon(R) Processor'
m['pfnbench']['git_dirty'] = True
json.dump(m, open(sys.argv[1], 'w'))
PY
expect 0 "another CPU" "$FIX" "$TMP/other-machine" --thresholds "$TH"
echo "$OUT" | grep -Eq '^  cpu model +AMD EPYC 7B13 64-Core Processor +Intel\(R\) Xeon\(R\) Processor   <- differs$' \
	&& ok "names the CPU model that differs" || { fail "cpu model line"; echo "$OUT"; }
echo "$OUT" | grep -Eq '^  commit +3f2c9a1d0b7e \(clean\) +3f2c9a1d0b7e \(dirty\)$' && ok "commit and dirty flag" || fail "commit line"
echo "$OUT" | grep -q '^1 difference(s) besides the code' && ok "counts the differences" || fail "difference count"

# bad input
expect 2 "missing directory" "$FIX" "$TMP/nope"
echo "$OUT" | grep -q "$TMP/nope: No such file" && ok "names the missing path" || fail "missing path message"
for f in truncated field-count open-quote not-a-number missing-column empty; do
	mkdir -p "$TMP/bad-$f"
	cp "$DATA/report-bad/$f.csv" "$TMP/bad-$f/results.csv"
	expect 2 "malformed $f" "$FIX" "$TMP/bad-$f"
	echo "$OUT" | grep -Eq "bad-$f/results.csv:[0-9]+: " && ok "$f: file:line" || { fail "$f message"; echo "$OUT"; }
done
variant other "r['name'] = r['name'].replace('npages:', 'pages:'); r['case'] = r['case'].replace('npages:', 'pages:')"
expect 2 "different configurations" "$FIX" "$TMP/other"
echo "$OUT" | grep -q 'no case name in common' && ok "says no common case" || fail "no-common message"
printf '[compare]\nalpha = 2\n' > "$TMP/bad.conf"
expect 2 "bad thresholds file" "$FIX" "$FIX" --thresholds "$TMP/bad.conf"
echo "$OUT" | grep -q 'bad.conf:2: alpha must be' && ok "thresholds file:line" || fail "thresholds message"
expect 2 "one argument" "$FIX"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
