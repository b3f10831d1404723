#!/bin/bash
# cli_resources.sh - resources a sweep cannot have.
#  * Memory: tests/data/hardening/resources.conf asks for 2^24 pages of the
#    process's own memory; that case is skipped before anything runs (no
#    setup), with the memory it needs and the machine has ("needs about N
#    MiB ..."), the small case runs, and the run exits 0.  (A sweep none of
#    whose cases can run is refused with exit 2: tests/data/bad-input/cases.txt.)
#  * A full disk, as a file size limit (ulimit -f): pfnbench ignores SIGXFSZ,
#    so a write past the limit fails with EFBIG: exit 1, a message naming
#    the file or the results directory, no *.tmp left, and every file that
#    is there is complete (results.csv parses with every column, meta.json
#    is valid JSON).
#
# usage: bash cli_resources.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
TMP=$(mktemp -d /tmp/cli_resources.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# ---- memory ---------------------------------------------------------------
"$BIN" run --config "$DATA/hardening/resources.conf" --out "$TMP/mem" >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
[ $rc -eq 0 ] && ok "memory: exit 0" || { fail "memory: exit $rc"; tail -3 "$TMP/stderr"; }
dir=$(ls -d "$TMP"/mem/*/ 2>/dev/null | head -1)
if msg=$(python3 - "$dir" 2>&1 <<'PY'
import csv, json, os, re, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, 'results.csv'))))
big = [r for r in rows if r['npages'] == '16777216']
small = [r for r in rows if r['npages'] == '16']
assert big and small, 'cases missing'
for r in big:
    assert r['status'] == 'skipped', 'big case ran: %s' % r['status']
    assert r['placement_actual'] == '?', 'big case was set up: %s' % r['placement_actual']
    m = re.match(r'needs about (\d+) MiB of memory, the machine has (\d+) MiB available \(lower npages or threads\)$',
                 r['skip_reason'])
    assert m, 'reason %r' % r['skip_reason']
    assert int(m.group(1)) > int(m.group(2)) > 0, r['skip_reason']
    assert r['ns_per_page'] == '', 'a skipped case has a time'
for r in small:
    assert r['status'] == 'ok' and float(r['ns_per_page']) > 0, 'small case: %s' % r['status']
meta = json.load(open(os.path.join(d, 'meta.json')))
assert meta['complete'] is True
sk = [s for s in meta['skipped'] if 'npages:16777216' in s['case']]
assert meta['progress']['rows_ok'] == len(small), meta['progress']
assert len(sk) == 1 and sk[0]['reason'].startswith('needs about'), meta['skipped']
print(big[0]['skip_reason'])
PY
); then ok "memory: refused before it ran: $msg"; else fail "memory: $msg"; fi

# ---- file size limit --------------------------------------------------------
# limits in KiB: 2 stops meta.json, 6 stops results.csv or gbench.json
for lim in 2 6; do
	out=$TMP/fsize-$lim
	(ulimit -f $lim; exec "$BIN" run --config "$DATA/hardening/interrupt.conf" --out "$out" \
		--benchmark_filter='^nouveau-v5.8/mirror' >"$TMP/stdout" 2>"$TMP/stderr")
	rc=$?
	msg=$(grep '^pfnbench run:' "$TMP/stderr")
	[ $rc -eq 1 ] && ok "ulimit -f $lim: exit 1" || fail "ulimit -f $lim: exit $rc, want 1 (153 is death by SIGXFSZ)"
	echo "$msg" | grep -Eq "^pfnbench run: $out/[^ ]+: .*(File too large|Input/output error)" &&
		ok "ulimit -f $lim: $msg" || fail "ulimit -f $lim: message '$msg'"
	dir=$(ls -d "$out"/*/ 2>/dev/null | head -1)
	if m=$(python3 - "$dir" 2>&1 <<'PY'
import csv, json, os, sys
d = sys.argv[1]
names = sorted(os.listdir(d))
assert not [f for f in names if f.endswith('.tmp')], 'left behind: %s' % names
assert 'config.conf' in names, names
for f in names:
    p = os.path.join(d, f)
    if f.endswith('.json'):
        j = json.load(open(p))
        if f == 'meta.json':
            assert j['complete'] is False, 'meta.json says complete'
    if f == 'results.csv':
        text = open(p, newline='').read()
        assert text.endswith('\n')
        rows = list(csv.reader(text.splitlines()))
        assert all(len(r) == len(rows[0]) for r in rows), 'a row is cut'
print(' '.join(names))
PY
); then ok "ulimit -f $lim: what is there is complete: $m"; else fail "ulimit -f $lim: $m"; fi
done

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
