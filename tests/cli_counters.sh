#!/bin/bash
# cli_counters.sh - the perf counters mean what they say: a tiny sweep
# (nouveau-v5.8, first-touch, npages 1 and 16, 9 repetitions) and, per
# npages, the task clock per page against the wall time per page, from the
# same run.  Before the counters' own enable/disable cost was taken out
# (harness/measure/perf.c, perf_counters_exclude_bracket()), the task
# clock was 5.5x the wall time at npages 1 and 1.4x at npages 16.
#
# The ratio is the smallest task clock per page over the repetitions
# against the smallest wall time per page: each the least disturbed
# estimate of the same work.  The task clock is CPU time: another process,
# or the host taking this vCPU away, stretches the wall time of a
# repetition but not its task clock (repetitions at 0.3 with no context
# switch); and a context switch just outside the timed region but inside
# the counters' bracket adds its tail to the task clock alone.  The median
# ratio over the near-fastest repetitions went to 1.19 at npages 1 at load
# average 15; min/min stayed within 0.92..1.04 in 12 runs at load 6-15.
# Bounds: 0.85..1.15 at npages 1, where what is left of a bracket's cost
# (tens of ns from one bracket to the next) falls on one page of ~150 ns,
# and 0.92..1.08 at npages 16 (measured 0.956..1.044).  Before the fix:
# 5.5 and 1.47.
#
# Exit 77 (skipped) when the software counters cannot be opened here
# (perf_event_paranoid, seccomp): meta.json's reason is printed.
#
# usage: bash cli_counters.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
TMP=$(mktemp -d /tmp/cli_counters.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/c.conf" <<'EOF'
[sweep]
backends = nouveau-v5.8
workloads = first-touch
npages = 1, 16
repetitions = 9
min_time = 0.01
counters = all
EOF
"$BIN" run --config "$TMP/c.conf" --out "$TMP/r" >"$TMP/stdout" 2>"$TMP/stderr" ||
	{ tail -5 "$TMP/stderr"; echo "FAIL: sweep exited $?"; exit 1; }
dir=$(cat "$TMP/stdout")
python3 - "$dir" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
meta = json.load(open(os.path.join(d, 'meta.json')))
tc = meta.get('counters', {}).get('task_clock_ns', {})
if not tc.get('available'):
    print('SKIPPED: task_clock_ns not measured here: %s' % tc.get('reason', 'no reason recorded'))
    sys.exit(77)
rows = [r for r in csv.DictReader(open(os.path.join(d, 'results.csv'))) if r['status'] == 'ok']
BOUNDS = {'1': (0.85, 1.15), '16': (0.92, 1.08)}
fails = 0
for n in ('1', '16'):
    rs = [r for r in rows if r['npages'] == n]
    if len(rs) != 9:
        print('FAIL: npages %s: %d repetitions, not 9' % (n, len(rs)))
        fails += 1
        continue
    wall = min(float(r['ns_per_page']) for r in rs)
    # a repetition whose task clock the bracket subtraction took to 0 has
    # none (perf.c): never a 0 in the file; most repetitions have one
    tcs = [float(r['task_clock_ns_per_page']) for r in rs if r['task_clock_ns_per_page'] != '']
    if any(t <= 0 for t in tcs) or len(tcs) < 7:
        print('FAIL: npages %s: task clocks %r' % (n, tcs))
        fails += 1
        continue
    ratio = min(tcs) / wall
    lo, hi = BOUNDS[n]
    what = ('npages %s: task clock / wall time %.3f (smallest of 9 repetitions each, %.1f ns/page)'
            % (n, ratio, wall))
    if ratio > hi:
        print('FAIL: %s > %.2f: the counters count more than the timed region' % (what, hi))
        fails += 1
    elif ratio < lo:
        print('FAIL: %s < %.2f: the counters count less than the timed region' % (what, lo))
        fails += 1
    else:
        print('ok: %s' % what)
sys.exit(1 if fails else 0)
PY
