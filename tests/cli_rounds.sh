#!/bin/bash
# cli_rounds.sh - the rounds of `pfnbench run` end to end (sweep_rounds.c,
# sweep_gbench.c), on small sweeps of mirror at 512 pages:
#   iterations  in a case where one backend faults (amdgpu-v5.8 asks for
#               write access) the one whose passes do not (nouveau-v5.8)
#               runs, after its first round, the iterations min_time asks
#               for (ceil(min_time / its first round's median iteration),
#               15 at least); the one that faults keeps 16384 pages a
#               repetition (32 iterations); both warm up until their
#               passes settle (meta.json precision.warmup)
#   target      a target every pair reaches stops the case after exactly
#               `repetitions` rounds, "precision reached", its precision in
#               every row
#   max_time    a target not reached stops it at max_time (after
#               `repetitions` rounds at least, before the 12th)
#   out of reach  a target no pair can reach (+-1e-6 ns/page) stops it
#               after exactly 12 rounds, "out of reach", and the report
#               marks the interval "!"
#
# usage: bash cli_rounds.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
TMP=$(mktemp -d /tmp/cli_rounds.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# run NAME BACKENDS EXTRA-KEYS...: a sweep into $TMP/NAME; prints its directory
run() {
	local name=$1 backends=$2
	shift 2
	{
		printf '[sweep]\nbackends = %s\nworkloads = mirror\nnpages = 512\n' "$backends"
		printf 'min_time = 0.01\ncounters = none\n'
		printf '%s\n' "$@"
	} >"$TMP/$name.conf"
	if ! "$BIN" run --config "$TMP/$name.conf" --out "$TMP/$name" >"$TMP/$name.out" 2>&1; then
		fail "$name: exit $?: $(tail -2 "$TMP/$name.out")"
		return 1
	fi
	ls -d "$TMP/$name"/*/ | head -1
}

# ---- iterations ------------------------------------------------------------
if dir=$(run iters "nouveau-v5.8, amdgpu-v5.8" "repetitions = 3"); then
	if msg=$(python3 - "$dir" 2>&1 <<'PY'
import csv, json, math, os, sys
rows = list(csv.DictReader(open(os.path.join(sys.argv[1], 'results.csv'))))
by = {}
for r in rows:
    assert r['status'] == 'ok', '%s: %s %s' % (r['name'], r['status'], r['skip_reason'])
    by.setdefault(r['backend'], {})[int(r['repetition'])] = r
clean, faulting = by['nouveau-v5.8'], by['amdgpu-v5.8']
assert sorted(clean) == sorted(faulting) == [0, 1, 2], (sorted(clean), sorted(faulting))
assert float(clean[0]['faults_per_page']) == 0 and float(faulting[0]['faults_per_page']) > 0
# round 0: 16384 pages for both, 512 pages a pass
assert int(clean[0]['iterations']) == 32 and int(faulting[0]['iterations']) == 32
# later rounds: 4096 pages an iteration (8 passes), min_time 0.01 s
want = max(15, math.ceil(0.01e9 / (float(clean[0]['ns_per_page_median']) * 4096)))
for rep in (1, 2):
    got = int(clean[rep]['iterations'])
    assert abs(got - want) <= 1, 'clean backend, round %d: %d iterations, want %d' % (rep, got, want)
    assert int(faulting[rep]['iterations']) == 32, 'faulting backend: %s' % faulting[rep]['iterations']
# the warm-up until settled: every repetition of both, 3 units at least (the
# faulting one's first pass is one), 12 at most, and not all at a cap
w = json.load(open(os.path.join(sys.argv[1], 'meta.json')))['precision']['warmup']
assert w['repetitions'] == 6 and 6 * 3 <= w['units'] < 6 * 12 and w['unsettled'] < 6, w
m = json.load(open(os.path.join(sys.argv[1], 'meta.json')))
assert 'within 5% of each other' in m['timing']['warmup'], m['timing']
print('%d iterations after round 0, %d warm-up units' % (want, w['units']))
PY
	); then ok "iterations: $msg"; else fail "iterations: $msg"; fi
fi

# ---- precision reached -------------------------------------------------------
if dir=$(run target "nouveau-v5.8, nouveau-v5.7" "repetitions = 6" "precision = 1000" "max_time = 60"); then
	if msg=$(python3 - "$dir" 2>&1 <<'PY'
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, 'results.csv'))))
p = json.load(open(os.path.join(d, 'meta.json')))['precision']
c = p['cases']['mirror/npages:512/batch:512']
assert c['stopped'] == 'precision reached' and c['met'] is True, c
assert c['repetitions'] == 6 and len(rows) == 12, (c['repetitions'], len(rows))
assert p['cases_met'] == 1 and p['target_ns_per_page'] == 1000, p
reached = {r['precision_ns_per_page'] for r in rows}
assert len(reached) == 1, reached
v = float(reached.pop())
assert 0 < v <= 1000 and abs(v - c['reached_ns_per_page']) < 1e-3, (v, c['reached_ns_per_page'])
print('6 rounds, +-%.3f ns/page' % v)
PY
	); then ok "target: $msg"; else fail "target: $msg"; fi
fi

# ---- max_time ------------------------------------------------------------------
if dir=$(run cap "nouveau-v5.8, nouveau-v5.7" "repetitions = 6" "precision = 0.000001" "max_time = 0.2"); then
	if msg=$(python3 - "$dir" 2>&1 <<'PY'
import json, os, sys
p = json.load(open(os.path.join(sys.argv[1], 'meta.json')))['precision']
c = p['cases']['mirror/npages:512/batch:512']
assert c['stopped'] == 'max_time' and c['met'] is False, c
assert c['seconds'] >= 0.2 and 6 <= c['repetitions'] < 12, c
assert c['settled'] == {'nouveau-v5.8/nouveau-v5.7': 'open'}, c
assert c['reached_ns_per_page'] > 0.000001 and p['cases_met'] == 0, c
print('%d rounds in %.2f s' % (c['repetitions'], c['seconds']))
PY
	); then ok "max_time: $msg"; else fail "max_time: $msg"; fi
fi

# ---- out of reach ----------------------------------------------------------------
if dir=$(run reach "nouveau-v5.8, nouveau-v5.7" "repetitions = 6" "precision = 0.000001" "max_time = 60"); then
	if msg=$(python3 - "$dir" 2>&1 <<'PY'
import json, os, sys
p = json.load(open(os.path.join(sys.argv[1], 'meta.json')))['precision']
c = p['cases']['mirror/npages:512/batch:512']
assert c['stopped'] == 'out of reach' and c['met'] is False, c
assert c['repetitions'] == 12 and c['seconds'] < 60, c
assert c['settled'] == {'nouveau-v5.8/nouveau-v5.7': 'out of reach'}, c
print('%d rounds in %.1f s' % (c['repetitions'], c['seconds']))
PY
	); then ok "out of reach: $msg"; else fail "out of reach: $msg"; fi
	"$BIN" report --no-figures "$dir" >/dev/null 2>"$TMP/report.err" || fail "report: $(cat "$TMP/report.err")"
	# the table row of npages 512: the half-width, then "!"
	if grep -Eq '^ +512 +512 .* [0-9.]+! ' "$dir/report.txt"; then
		ok "report marks the interval short of the target"
	else
		fail "report.txt has no '!' mark"
	fi
fi

[ $FAILS -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all passed"
