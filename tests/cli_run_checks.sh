#!/bin/bash
# cli_run_checks.sh - what `pfnbench run` does with cases it cannot measure
# (issue 14):
#  * a run in which every case was skipped when it ran (the real kernel
#    cannot shape the migrated workload) measured nothing: exit 1, the
#    reasons, the directory kept and printed;
#  * a sweep with cases this machine cannot run (a node it does not have)
#    and cases it can: those are skipped before anything runs (no setup:
#    placement_actual "?"), with the reason, and the rest runs (exit 0);
#    meta.json's progress counts the rows;
#  * --benchmark_filter, --benchmark_repetitions and --benchmark_min_time are
#    honoured and meta.json records them; --benchmark_list_tests lists
#    exactly the cases a run with the same filter runs, and creates nothing.
# (A sweep none of whose cases can run is refused before anything is
# created: tests/data/bad-input/cases.txt, run-threads-too-many etc.)
#
# usage: bash cli_run_checks.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
TMP=$(mktemp -d /tmp/cli_run_checks.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# ---- nothing measured: exit 1 with the reasons ---------------------------------
cat >"$TMP/migrated-kernel.conf" <<'CONF'
[sweep]
backends = nouveau-v5.8, nouveau-v5.7
workloads = migrated
npages = 16, 64
source = kernel
repetitions = 2
min_time = 0.005
counters = none
CONF
"$BIN" run --config "$TMP/migrated-kernel.conf" --out "$TMP/none" >"$TMP/out" 2>"$TMP/err"
rc=$?
msg=$(grep '^pfnbench run:' "$TMP/err")
[ $rc -eq 1 ] && echo "$msg" | grep -q '^pfnbench run: nothing was measured: every case was skipped: migrated: device-private memory needs a ZONE_DEVICE driver.* (4 cases)$' &&
	ok "nothing measured: exit 1: $msg" || fail "nothing measured: exit $rc, '$msg'"
dir=$(cat "$TMP/out")
[ -s "$dir/results.csv" ] && [ "$(grep -c ',skipped,' "$dir/results.csv")" -eq 4 ] &&
	ok "nothing measured: the directory is printed and kept, 4 skipped rows" || fail "nothing measured: stdout '$dir'"

# ---- cases this machine cannot run beside cases it can ---------------------------
cat >"$TMP/some.conf" <<'CONF'
[sweep]
backends = nouveau-v5.8, nouveau-v5.7
workloads = mirror, first-touch
npages = 16, 512
placement = local hmm=1000
threads = 1, 2
repetitions = 3
min_time = 0.005
counters = none
CONF
"$BIN" run --config "$TMP/some.conf" --out "$TMP/some" >"$TMP/out" 2>"$TMP/err"
rc=$?
dir=$(tail -1 "$TMP/out")
[ $rc -eq 0 ] && ok "some cases cannot run: exit 0" || fail "some cases cannot run: exit $rc: $(tail -2 "$TMP/err")"
if msg=$(python3 - "$dir" 2>&1 <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + '/results.csv')))
bad = [r for r in rows if 'hmm=1000' in r['placement_req']]
good = [r for r in rows if r['placement_req'] == 'local']
# 2 backends x 2 workloads x 2 npages x 2 threads; a skipped case runs once, the others 3 rounds
assert len(bad) == 16 and len(good) == 16 * 3, (len(bad), len(good))
for r in bad:
    assert r['status'] == 'skipped' and r['skip_reason'].startswith('node 1000 requested for hmm'), r
    assert r['placement_actual'] == '?', 'set up: %r' % r['placement_actual']
for r in good:
    assert r['status'] == 'ok', (r['name'], r['skip_reason'])
m = json.load(open(d + '/meta.json'))
assert m['complete'] is True, m['complete']
assert m['progress']['rows_ok'] == len(good) and m['progress']['repetitions_done'] == len(rows), m['progress']
print('%d rows skipped without setup, %d measured' % (len(bad), len(good)))
PY
); then ok "some cases cannot run: $msg"; else fail "some cases cannot run: $msg"; fi

# ---- --benchmark_* honoured and recorded --------------------------------------------
flags=(--benchmark_filter=mirror --benchmark_repetitions=2 --benchmark_min_time=0.003)
"$BIN" run --config "$TMP/some.conf" --out "$TMP/flags" "${flags[@]}" >"$TMP/out" 2>"$TMP/err"
rc=$?
dir=$(tail -1 "$TMP/out")
if [ $rc -eq 0 ] && msg=$(python3 - "$dir" "${flags[@]}" 2>&1 <<'PY'
import csv, json, sys
d, flags = sys.argv[1], sys.argv[2:]
rows = list(csv.DictReader(open(d + '/results.csv')))
assert rows and all('mirror' in r['name'] for r in rows), 'filter not applied'
ok = [r for r in rows if r['status'] == 'ok']
assert len(ok) == 8 * 2 and sorted({r['repetition'] for r in ok}) == ['0', '1'], 'repetitions'
m = json.load(open(d + '/meta.json'))
assert m['benchmark_flags'] == flags, m['benchmark_flags']
assert m['config']['repetitions'] == 2 and m['config']['min_time_s'] == 0.003, m['config']
print('%d rows, 2 rounds, min_time 0.003, recorded' % len(rows))
PY
); then ok "flags: $msg"; else fail "flags: exit $rc: ${msg:-$(tail -2 "$TMP/err")}"; fi

# list: the names a run with the same filter runs, nothing created
"$BIN" run --config "$TMP/some.conf" --out "$TMP/list" --benchmark_filter=first-touch/npages:16/ \
	--benchmark_list_tests=true >"$TMP/list.out" 2>"$TMP/list.err"
rc=$?
"$BIN" run --config "$TMP/some.conf" --out "$TMP/listed" --benchmark_filter=first-touch/npages:16/ \
	--benchmark_repetitions=1 >"$TMP/out" 2>/dev/null
ran=$(cut -d, -f2 "$(tail -1 "$TMP/out")/results.csv" | tail -n +2 | sort -u)
[ $rc -eq 0 ] && [ ! -e "$TMP/list" ] && [ "$(sort "$TMP/list.out")" = "$ran" ] && [ "$(wc -l <"$TMP/list.out")" -eq 8 ] &&
	ok "list: the 8 names the run ran, nothing created" ||
	fail "list: exit $rc, $(ls "$TMP/list" 2>&1), listed $(wc -l <"$TMP/list.out"), ran $(echo "$ran" | wc -l)"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
