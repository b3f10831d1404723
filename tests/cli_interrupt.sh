#!/bin/bash
# cli_interrupt.sh - SIGINT, SIGTERM, SIGHUP and SIGPIPE during a real sweep
# (tests/data/hardening/interrupt.conf, about 10 s): once results.csv has a
# few rows, the signal stops the sweep; then exit status 130, meta.json
# "complete": false with a "stopped_at", results.csv complete (every row has
# every column, parses as CSV, only ok rows, none for the interrupted
# case), gbench.json complete (valid JSON, renamed from its .tmp), no *.tmp
# left; and a second run with the same --out makes a new directory and
# leaves the first untouched; SIGKILL keeps the rows committed so far, and
# meta.json says how far the run got; SIGKILL loses no row of a round
# already reported.
#
# usage: bash cli_interrupt.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
CONF=$DATA/hardening/interrupt.conf
TMP=$(mktemp -d /tmp/cli_interrupt.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# check_dir DIR: the files of an interrupted run
check_dir() {
	python3 - "$1" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, 'meta.json')))
assert m['complete'] is False, 'complete is %r' % m['complete']
assert isinstance(m['stopped_at'], str) and m['stopped_at'].startswith('interrupted'), \
    'stopped_at %r' % m['stopped_at']
assert m['finished_utc'] is None, 'finished_utc %r' % m['finished_utc']
text = open(os.path.join(d, 'results.csv'), newline='').read()
assert text.endswith('\n'), 'results.csv does not end with a newline'
rows = list(csv.reader(text.splitlines()))
header, body = rows[0], rows[1:]
assert len(header) == 40, '%d columns' % len(header)
assert body, 'no rows'
for i, r in enumerate(body):
    assert len(r) == len(header), 'row %d has %d fields' % (i + 2, len(r))
    row = dict(zip(header, r))
    assert row['status'] == 'ok', 'row %d: %s %s' % (i + 2, row['status'], row['skip_reason'])
    assert float(row['ns_per_page']) > 0, 'row %d: ns_per_page %r' % (i + 2, row['ns_per_page'])
g = json.load(open(os.path.join(d, 'gbench.json')))
runs = [b for b in g['benchmarks'] if b.get('run_type') == 'iteration']
interrupted = [b for b in runs if b.get('error_message', '').startswith('interrupted')]
assert interrupted, 'no interrupted run in gbench.json'
okruns = [b for b in runs if not b.get('error_occurred')]
assert len(okruns) == len(body), 'gbench.json has %d ok runs, results.csv %d rows' % (len(okruns), len(body))
left = [f for f in os.listdir(d) if f.endswith('.tmp')]
assert not left, 'left behind: %s' % left
print('%d rows, %d interrupted runs in gbench.json, stopped_at: %s' % (len(body), len(interrupted), m['stopped_at']))
PY
}

# interrupt SIG OUT: run the sweep, signal it after >= 4 rows
interrupt() {
	local sig=$1 out=$2 csv="" rows=0 rc
	"$BIN" run --config "$CONF" --out "$out" >"$TMP/stdout" 2>"$TMP/stderr" &
	local pid=$!
	for _ in $(seq 300); do
		csv=$(ls "$out"/*/results.csv 2>/dev/null | head -1)
		[ -n "$csv" ] && rows=$(($(wc -l <"$csv") - 1))
		[ "$rows" -ge 4 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if [ "$rows" -lt 4 ]; then
		fail "$sig: results.csv never had 4 rows"
		kill -KILL $pid 2>/dev/null
		wait $pid
		return
	fi
	kill -"$sig" $pid
	wait $pid
	rc=$?
	[ $rc -eq 130 ] && ok "$sig: exit 130" || { fail "$sig: exit $rc, want 130"; tail -5 "$TMP/stderr"; }
	grep -q 'interrupted; finished cases are in' "$TMP/stderr" && ok "$sig: says where the results are" ||
		fail "$sig: no 'interrupted' message"
	DIR=$(ls -d "$out"/*/ | head -1)
	[ "$(head -1 "$TMP/stdout")/" = "$DIR" ] && ok "$sig: prints the directory" || fail "$sig: stdout '$(cat "$TMP/stdout")'"
	if msg=$(check_dir "$DIR" 2>&1); then ok "$sig: files complete: $msg"; else fail "$sig: $msg"; fi
}

interrupt INT "$TMP/int"
first=$DIR
interrupt TERM "$TMP/term"
interrupt HUP "$TMP/hup"
interrupt PIPE "$TMP/pipe"

# SIGKILL once results.csv has >= 4 rows and a second has passed: the rows
# are there, whole, and meta.json says how far the run got (issue 14: it said
# "not started" throughout)
out=$TMP/kill
"$BIN" run --config "$CONF" --out "$out" >/dev/null 2>&1 &
pid=$!
rows=0
for _ in $(seq 300); do
	csv=$(ls "$out"/*/results.csv 2>/dev/null | head -1)
	[ -n "$csv" ] && rows=$(($(wc -l <"$csv") - 1))
	[ "$rows" -ge 4 ] && break
	sleep 0.1
done
sleep 1.2 # one more rewrite of results.csv and meta.json
kill -KILL $pid
wait $pid 2>/dev/null
DIR=$(ls -d "$out"/*/ | head -1)
if msg=$(python3 - "$DIR" <<'PY' 2>&1
import csv, json, os, sys
d = sys.argv[1]
text = open(os.path.join(d, 'results.csv'), newline='').read()
rows = list(csv.reader(text.splitlines()))
header, body = rows[0], rows[1:]
assert len(body) >= 4, '%d rows' % len(body)
assert all(len(r) == len(header) for r in body), 'a row is cut'
m = json.load(open(os.path.join(d, 'meta.json')))
assert m['complete'] is False, m['complete']
assert m['stopped_at'].startswith('at least '), m['stopped_at']
assert 'it was killed' in m['stopped_at'], m['stopped_at']
p = m['progress']
assert 1 <= p['repetitions_done'] <= len(body), (p, len(body))
print('%d rows kept; meta.json: %s' % (len(body), m['stopped_at'][:70]))
PY
); then ok "SIGKILL: $msg"; else fail "SIGKILL: $msg"; fi

# SIGKILL the moment a round is reported: every row of that round is in
# results.csv already (rows are appended as they come, not only at the
# once-a-second rewrite), so a kill loses only the repetitions in flight
out=$TMP/kill2
"$BIN" run --config "$CONF" --out "$out" >/dev/null 2>"$TMP/kill2.err" &
pid=$!
for _ in $(seq 600); do
	grep -q '^\[round 1\]' "$TMP/kill2.err" && break
	sleep 0.05
done
kill -KILL $pid
wait $pid 2>/dev/null
runs=$(sed -n 's/^\[round [0-9]*\] \([0-9]*\) runs.*/\1/p' "$TMP/kill2.err" | awk '{ s += $1 } END { print s + 0 }')
csv=$(ls "$out"/*/results.csv 2>/dev/null | head -1)
rows=0
[ -n "$csv" ] && rows=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline=""))); assert all(len(x)==len(r[0]) for x in r); print(len(r)-1)' "$csv")
if [ "$runs" -ge 1 ] && [ "${rows:-0}" -ge "$runs" ]; then
	ok "SIGKILL after round 1: $rows whole rows for the $runs runs reported"
else
	fail "SIGKILL after round 1: ${rows:-?} rows in results.csv, $runs runs reported before the kill"
fi

# a later run never overwrites: same --out, new directory, first untouched
sum_before=$(cd "$first" && sha256sum * | sha256sum)
"$BIN" run --config "$CONF" --out "$TMP/int" --benchmark_filter='^nouveau-v5.7/mirror/npages:16/' >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && ok "second run: exit 0" || fail "second run: exit $rc"
n=$(ls -d "$TMP/int"/*/ | wc -l)
[ "$n" -eq 2 ] && ok "second run: a new directory" || fail "second run: $n directories, want 2"
sum_after=$(cd "$first" && sha256sum * | sha256sum)
[ "$sum_before" = "$sum_after" ] && ok "first run's files untouched" || fail "first run's files changed"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
