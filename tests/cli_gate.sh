#!/usr/bin/env bash
# The CI gate's callgrind half can fail: pfnbench-extrawork (the same
# harness linked with the emulator built with PFNBENCH_EXTRA_WORK_CONVERT:
# two more loads per valid entry in nouveau-v5.8's conversion pass) must make
# `pfnbench compare` exit 1 and name the nouveau-v5.8 case, while a second count
# of the unchanged build must exit 0.  Then the same through
# `pfnbench ab --callgrind`, which counts both builds here.
#   usage: cli_gate.sh PFNBENCH_BIN TESTS_DATA_DIR
set -euo pipefail
bin=$1
data=$2
src=${PFNBENCH_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v valgrind >/dev/null || { echo "cli_gate: valgrind is not installed" >&2; exit 1; }

# the regression: the extra-work target of this build tree
cmake --build "$(dirname "$bin")" --target pfnbench-extrawork >/dev/null
slowbin=$(dirname "$bin")/pfnbench-extrawork

base=$("$bin" callgrind --config "$data/gate-small.conf" --out "$tmp/r" 2>/dev/null)
same=$("$bin" callgrind --config "$data/gate-small.conf" --out "$tmp/r" 2>/dev/null)
slow=$("$slowbin" callgrind --config "$data/gate-small.conf" --out "$tmp/r" 2>/dev/null)

fail=0
# unchanged build: identical counts, exit 0
if ! "$bin" compare "$base" "$same" --thresholds "$src/configs/thresholds.conf" >"$tmp/same.txt"; then
	echo "FAIL: compare of two counts of the same build did not exit 0" >&2
	cat "$tmp/same.txt" >&2
	fail=1
fi
# regressed build: exit 1, names nouveau-v5.8's case, and not nouveau-v5.7's
set +e
"$bin" compare "$base" "$slow" --thresholds "$src/configs/thresholds.conf" >"$tmp/slow.txt" 2>&1
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "FAIL: compare against the extra-work build exited $rc, expected 1" >&2
	fail=1
fi
if ! grep -q '^  nouveau-v5.8/mirror/npages:512/batch:512 callgrind_ir_per_page: ' "$tmp/slow.txt"; then
	echo "FAIL: the regressed case nouveau-v5.8/mirror/npages:512 is not named" >&2
	fail=1
fi
if grep -q '^  nouveau-v5.7/mirror/npages:512/batch:512 callgrind_ir_per_page: ' "$tmp/slow.txt"; then
	echo "FAIL: nouveau-v5.7, which did not change, is named" >&2
	fail=1
fi
cat "$tmp/slow.txt"
# the counts themselves: the extra loads really add instructions per page
b=$(awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $3=="nouveau-v5.8"{print $c["callgrind_ir_per_page"]}' "$base/results.csv")
s=$(awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $3=="nouveau-v5.8"{print $c["callgrind_ir_per_page"]}' "$slow/results.csv")
echo "nouveau-v5.8 instructions/page: unchanged $b, with extra work $s"
awk -v b="$b" -v s="$s" 'BEGIN{exit !(s > b * 1.02)}' || { echo "FAIL: extra work did not add >2% instructions" >&2; fail=1; }

# ab --callgrind: both counted here, the same verdict
set +e
"$bin" ab --callgrind --base "$bin" --new "$slowbin" --config "$data/gate-small.conf" --out "$tmp/ab" \
	--thresholds "$src/configs/thresholds.conf" >"$tmp/ab.txt" 2>"$tmp/ab.err"
rc=$?
set -e
if [ "$rc" -ne 1 ] || ! grep -q '^  nouveau-v5.8/mirror/npages:512/batch:512 callgrind_ir_per_page: ' "$tmp/ab.txt"; then
	echo "FAIL: ab --callgrind against the extra-work build exited $rc (want 1, naming nouveau-v5.8)" >&2
	cat "$tmp/ab.txt" "$tmp/ab.err" >&2
	fail=1
fi
if [ "$fail" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit "$fail"
