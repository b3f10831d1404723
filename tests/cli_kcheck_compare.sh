#!/usr/bin/env bash
# kcheck/compare.py without QEMU: kernel result lines made from the
# emulator's own words must pass; one flipped WRITE bit, one pfn of another
# class and one different rc must each be reported as a disagreement, and a
# case the guest could not build must fail.  And where QEMU cannot run,
# kcheck.sh must exit 77 (skipped), never 0.
#   tests/cli_kcheck_compare.sh PFNBENCH DATA_DIR
set -euo pipefail
bin=$1
src=${PFNBENCH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/kcheck/cases.py" --pfnbench "$bin" --out "$tmp/cases" --mode stock --cases 6 >/dev/null
: > "$tmp/console.log"
# guest lines from the emulator's words: the classes as kguest computes them
python3 - "$tmp/cases" > "$tmp/good.txt" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ.get("PFNBENCH_SOURCE_DIR", "."), "kcheck"))
import compare
d = sys.argv[1]
print("BOOTED mode=stock fake")
for line in open(os.path.join(d, "guest", "manifest")):
    cid, req, p = line.split()
    pages, _ = compare.read_pagefile(os.path.join(d, "guest", os.path.basename(p)))
    exp = open(os.path.join(d, "expect", cid + ".txt")).read().split()
    toks = compare.emu_classes(pages, [int(x, 16) for x in exp[1:]])
    print(f"R {cid} {req} {exp[0]} busy=0 base=0x0 n={len(pages)} " + " ".join(toks))
print("END kguest rc=0")
print("NUMA rc=0 fake")
PY
run() { python3 "$src/kcheck/compare.py" --mode stock --cases "$tmp/cases" --results "$1" \
	--console "$tmp/console.log" --diffs "$src/kcheck/expected-diffs.tsv" --skip-numa > "$tmp/out" 2>&1; }
run "$tmp/good.txt" || { cat "$tmp/out"; echo "FAIL: the emulator's own words did not pass"; exit 1; }
grep -q "no disagreement" "$tmp/out" || { cat "$tmp/out"; echo "FAIL: no verdict line"; exit 1; }
expect_fail() { # NAME SED-EXPRESSION WORDS
	sed "$2" "$tmp/good.txt" > "$tmp/bad.txt"
	cmp -s "$tmp/good.txt" "$tmp/bad.txt" && { echo "FAIL: $1: the edit changed nothing"; exit 1; }
	if run "$tmp/bad.txt"; then cat "$tmp/out"; echo "FAIL: $1 passed"; exit 1; fi
	grep -q "$3" "$tmp/out" || { cat "$tmp/out"; echo "FAIL: $1: no '$3' in the verdict"; exit 1; }
}
expect_fail "W bit flipped" '/^R state-rw-default.none /s/ c0o/ 80o/' "DISAGREEMENTS"
expect_fail "zero page as a new page" '/^R state-zero-default.none /s/ 80z/ 80n/' "kernel 80n"
expect_fail "rc differs" '/^R mix-eperm-rovma.none /s/rc=-1 /rc=-14 /' "rc: emulator -EPERM, kernel -EFAULT"
expect_fail "not built" 's/^R state-swap-default.none .*/S state-swap-default.none none setup: page 0 (swap) is present/' "could not build"
set +e
KCHECK_QEMU=/bin/false "$src/kcheck/kcheck.sh" --pfnbench "$bin" --work "$tmp/kc" > "$tmp/out" 2>&1
rc=$?
set -e
[ $rc = 77 ] || { cat "$tmp/out"; echo "FAIL: kcheck.sh with a QEMU that cannot start exited $rc, not 77"; exit 1; }
grep -q "SKIPPED (stock): /bin/false cannot start a TCG machine" "$tmp/out" || { cat "$tmp/out"; echo "FAIL: no reason"; exit 1; }
echo "cli_kcheck_compare: ok"
