#!/bin/bash
# cli_perf.sh - `pfnbench run --perf-record CASE` (harness/measure/sweep_perf.c).
#
# Where perf cannot run (PFNBENCH_PERF names a missing binary; a case the
# config does not have; --perf-seconds out of range): exit 2 before
# anything runs, with the reason, and no results directory.  Where perf
# runs: a one-case sweep and 0.5 s of its passes recorded; exit 0, and
# next to results.csv: perf.data, perf-report.txt (perf report --stdio),
# perf-folded.txt (folded stacks) and perf-summary.txt, which names the
# event (and why not cycles: this VM has no PMU) and counts the samples:
# most must be inside the passes (stacks through case_run_pass(), walked by
# DWARF or frame pointers), and the walk (hmm_range_fault_v58, or its
# hmm_* functions where -O0 does not inline them) among them.
# Exit 77 (skipped) when perf is not installed or may not sample here, after
# the failure checks.
#
# usage: bash cli_perf.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
TMP=$(mktemp -d /tmp/cli_perf.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
CASE=nouveau-v5.8/mirror/npages:512/batch:512

cat >"$TMP/p.conf" <<'EOF'
[sweep]
backends = nouveau-v5.8
workloads = mirror
npages = 512
repetitions = 2
min_time = 0.01
EOF

# expect_refusal WHAT WANT [env...] -- ARGS: exit 2, WANT in stderr, nothing written
expect_refusal() {
	local what=$1 want=$2; shift 2
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -rf "$TMP/r"
	env "${envs[@]}" "$BIN" run --config "$TMP/p.conf" --out "$TMP/r" "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$TMP/err" && [ ! -e "$TMP/r" ]; then
		ok "$what: exit 2, '$want', nothing run"
	else
		fail "$what: exit $rc: $(cat "$TMP/err")"
	fi
}
expect_refusal "no perf binary" "install Debian's linux-perf package" PFNBENCH_PERF=/nonexistent/perf -- \
	--perf-record "$CASE"
expect_refusal "no such case" "no case named 'nouveau-v5.8/mirror/npages:511'" X=1 -- \
	--perf-record nouveau-v5.8/mirror/npages:511
expect_refusal "seconds out of range" "0 < S <= 3600" X=1 -- --perf-record "$CASE" --perf-seconds 0

if ! perf version >/dev/null 2>&1; then
	echo "SKIPPED: perf is not installed here (Debian: linux-perf); the refusals above passed"
	[ $FAILS -eq 0 ] && exit 77 || exit 1
fi
rm -rf "$TMP/r"
"$BIN" run --config "$TMP/p.conf" --out "$TMP/r" --perf-record "$CASE" --perf-seconds 0.5 >"$TMP/out" 2>"$TMP/err"
rc=$?
dir=$(tail -1 "$TMP/out")
if [ $rc -eq 2 ] && grep -q 'perf cannot sample this process' "$TMP/err"; then
	echo "SKIPPED: $(grep 'perf cannot sample' "$TMP/err")"
	[ $FAILS -eq 0 ] && exit 77 || exit 1
fi
[ $rc -eq 0 ] && ok "perf record: exit 0" || { fail "perf record: exit $rc"; tail -5 "$TMP/err"; }
for f in results.csv perf.data perf-report.txt perf-folded.txt perf-summary.txt; do
	[ -s "$dir/$f" ] && ok "$f written" || fail "no $f in $dir"
done
grep -q '^# Samples: ' "$dir/perf-report.txt" && ok "perf-report.txt is perf report --stdio" ||
	fail "perf-report.txt: no '# Samples:' line"
grep -Eq '^[^ ]+ [0-9]+$' "$dir/perf-folded.txt" && ok "perf-folded.txt: 'stack count' lines" ||
	fail "perf-folded.txt: not folded stacks"
S=$dir/perf-summary.txt
grep -q "^perf profile of $CASE\$" "$S" && ok "summary names the case" || fail "summary: case"
if grep -q '^Event:    cycles' "$S"; then
	ok "summary: hardware cycles sampled"
elif grep -q '^Event:    cpu-clock.*; hardware cycles cannot be sampled here (.*): the software clock' "$S"; then
	ok "summary: cpu-clock, and why: $(grep -o '(.*)' "$S" | head -1)"
else
	fail "summary: event line: $(grep '^Event' "$S")"
fi
if python3 - "$S" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r'Samples: (\d+) in all, (\d+) \(([\d.]+)%\) inside the passes', t)
assert m, 'no Samples line'
total, inside, share = int(m.group(1)), int(m.group(2)), float(m.group(3))
assert total >= 10, 'only %d samples' % total
fp = '--call-graph fp' in t
print('%d samples, %.1f%% inside the passes, stacks by %s' % (total, share, 'frame pointers' if fp else 'DWARF'))
assert share >= 50, 'only %.1f%% of the samples inside the passes' % share
# the walk: hmm_range_fault_v58 where it is inlined (-O2), its hmm_vma_*
# and hmm_walk_* functions where not (the sanitizer build, -O0)
assert re.search(r'^ +[\d.]+% +\d+  hmm_\w+$', t, re.M), 'the walk (hmm_*) is not among the functions'
PY
then ok "summary: samples counted"; else fail "summary: samples"; fi

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
