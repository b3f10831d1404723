#!/bin/bash
# cli_nohw.sh - missing hardware and privileges: a small sweep
# (tests/data/hardening/nohw.conf) with PFNBENCH_NO_PMU=1 (this VM has no
# PMU anyway), a placement on NUMA node 1 (this machine has one node), the
# real kernel as page-table source, and, when the test runs as root, as
# user nobody in a world-writable directory (pagemap shows pfn 0 then).
# Checks: exit 0; every affected case is skipped with its reason, the rest
# ran; hardware counters are empty fields (never 0) and meta.json says why;
# meta.json records that pfns were hidden, and then the backends whose pass
# reads struct page are skipped on the kernel source with that reason while
# dmirror-v6.1 runs there; report.txt lists every skipped case under its
# reason, lines <= 80 columns.
#
# usage: bash cli_nohw.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
DATA=$(readlink -f "$2")
TMP=$(mktemp -d /tmp/cli_nohw.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 1777 "$TMP"
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

as=()
user=root
if [ "$(id -u)" -eq 0 ] && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BIN" 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$DATA/hardening/nohw.conf" 2>/dev/null; then
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	user=nobody
elif [ "$(id -u)" -ne 0 ]; then
	user=$(id -un)
else
	echo "note: user nobody cannot reach $BIN; running as root"
fi
PFNBENCH_NO_PMU=1 "${as[@]}" "$BIN" run --config "$DATA/hardening/nohw.conf" --out "$TMP/r" >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
[ $rc -eq 0 ] && ok "sweep as $user: exit 0" || { fail "sweep as $user: exit $rc"; tail -3 "$TMP/stderr"; }
dir=$(ls -d "$TMP"/r/*/ 2>/dev/null | head -1)
"$BIN" report --no-figures "$dir" >/dev/null 2>"$TMP/report.err" && ok "report: exit 0" || fail "report: $(cat "$TMP/report.err")"

if msg=$(python3 - "$dir" "$user" 2>&1 <<'PY'
import csv, json, os, sys
d, user = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(d, 'results.csv'))))
meta = json.load(open(os.path.join(d, 'meta.json')))
hw = ['instructions', 'cycles', 'llc_misses', 'dtlb_misses', 'branch_misses']
for c in hw:
    ctr = meta['counters'][c]
    assert ctr['available'] is False and ctr['reason'], '%s: %r' % (c, ctr)
def reason(r):
    if 'pt=1' in r['placement_req']:
        return 'node 1 requested for pt, this machine has 1 node (0)'
    if r['workload'] == 'migrated' and r['source'] == 'kernel':
        return 'migrated: device-private memory needs a ZONE_DEVICE driver'
    if user != 'root' and r['source'] == 'kernel' and r['backend'] != 'dmirror-v6.1':
        return 'pagemap hides pfns (no CAP_SYS_ADMIN): %s reads struct page' % r['backend']
    return None
nok = 0
for r in rows:
    want = reason(r)
    if want:
        assert r['status'] == 'skipped' and r['skip_reason'].startswith(want), \
            '%s: %s %r' % (r['name'], r['status'], r['skip_reason'])
    else:
        assert r['status'] == 'ok', '%s: %s %s' % (r['name'], r['status'], r['skip_reason'])
        nok += 1
    for c in hw:
        assert r[c + '_per_page'] == '', '%s: %s = %r, want empty' % (r['name'], c, r[c + '_per_page'])
    if r['status'] == 'ok':
        assert r['page_faults_per_page'] != '', 'software counters missing'
# 24 cases (3 backends): 12 on node 1, 3 migrated on the kernel source;
# as nobody also nouveau-v5.8 and -v5.7 on the kernel source's mirror
nskip = 15 if user == 'root' else 17
assert nok == (24 - nskip) * 2, '%d ok rows' % nok   # 2 repetitions
kernel_ok = [r for r in rows if r['source'] == 'kernel' and r['status'] == 'ok']
assert {r['backend'] for r in kernel_ok} == ({'dmirror-v6.1'} if user != 'root' else
                                             {'dmirror-v6.1', 'nouveau-v5.8', 'nouveau-v5.7'}), kernel_ok
skipped = {s['case']: s['reason'] for s in meta['skipped']}
assert len(skipped) == nskip, skipped
ks = meta.get('kernel_source', {}).get('mirror', {})
if user != 'root':
    assert ks['pfns'].startswith('zero: pagemap hides pfns'), ks.get('pfns')
report = open(os.path.join(d, 'report.txt')).read()
long_lines = [l for l in report.splitlines() if len(l) > 80]
assert not long_lines, 'lines over 80 columns: %s' % long_lines[:3]
assert 'Skipped:   %d case(s), by reason' % nskip in report, 'no Skipped section'
flat = report.replace('\n      ', '')
for case, why in skipped.items():
    assert case in flat, 'report.txt does not name %s' % case
for why in set(skipped.values()):
    assert ' '.join(why.split()) in ' '.join(report.replace('\n    ', ' ').split()), 'reason missing: ' + why
assert 'disabled by PFNBENCH_NO_PMU' in report
print('%d ok rows, %d skipped cases, pfns: %s' % (nok, len(skipped), ks.get('pfns', '?')[:40]))
PY
); then ok "$msg"; else fail "$msg"; fi

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
