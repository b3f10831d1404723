#!/bin/bash
# cli_run_checks.sh - what `pfnbench run` does with cases it cannot measure
# (issue 14):
#  * a run in which every case was skipped when it ran (the real kernel
#    cannot shape the migrated workload) measured nothing: exit 1, the
#    reasons, the directory kept and printed;
#  * a sweep with cases this machine cannot run (a node it does not have)
#    and cases it can: those are skipped before anything runs (no setup:
#    placement_actual "?"), with the reason, and the rest runs (exit 0);
#    meta.json's progress counts the rows.
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

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
