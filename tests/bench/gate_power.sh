#!/usr/bin/env bash
# gate_power.sh - how often the timing gate (pfnbench ab, configs/ab.conf)
# cries wolf, and how often it catches a real slowdown.  A benchmark whose
# output is read, not a test: it takes about 3 minutes a run pair.
#
#   tests/bench/gate_power.sh BUILD_DIR [RUNS]      (default 20)
#
# Each run pair, on copies of BUILD_DIR's binaries:
#   A/A       pfnbench against itself: a failure is a false alarm
#   injected  pfnbench-extrawork (PFNBENCH_EXTRA_WORK_CONVERT: two more loads
#             per valid entry in nouveau-v5.8's pass) against pfnbench: it must
#             fail and name nouveau-v5.8/mirror/npages:512/batch:512
# Prints one line per run and the counts; the results directories stay in
# the scratch directory it names.
set -uo pipefail
build=$(readlink -f "${1:?usage: gate_power.sh BUILD_DIR [RUNS]}")
runs=${2:-20}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cmake --build "$build" --target pfnbench pfnbench-extrawork >/dev/null || exit 2
tmp=$(mktemp -d /tmp/gate_power.XXXXXX)
cp "$build/pfnbench" "$tmp/pfnbench"
cp "$build/pfnbench-extrawork" "$tmp/pfnbench-extrawork"
echo "gate_power: $runs run pairs of configs/ab.conf in $tmp ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
aa_fail=0 inj_caught=0 inj_named=0 inj_other=0
for i in $(seq 1 "$runs"); do
	"$tmp/pfnbench" ab --base "$tmp/pfnbench" --new "$tmp/pfnbench" --config "$src/configs/ab.conf" \
		--thresholds "$src/configs/thresholds.conf" --out "$tmp/r" >"$tmp/aa-$i.txt" 2>/dev/null
	rc_aa=$?
	"$tmp/pfnbench" ab --base "$tmp/pfnbench" --new "$tmp/pfnbench-extrawork" --config "$src/configs/ab.conf" \
		--thresholds "$src/configs/thresholds.conf" --out "$tmp/r" >"$tmp/inj-$i.txt" 2>/dev/null
	rc_inj=$?
	[ $rc_aa -ne 0 ] && aa_fail=$((aa_fail + 1))
	[ $rc_inj -eq 1 ] && inj_caught=$((inj_caught + 1))
	named=no other=no
	grep -q '^  nouveau-v5.8/mirror/npages:512/batch:512 ' "$tmp/inj-$i.txt" && { named=yes; inj_named=$((inj_named + 1)); }
	sed -n '/^FAIL/,$p' "$tmp/inj-$i.txt" | grep -Eq '^  (nouveau-v5.7|nouveau-v5.6|null)/' && { other=yes; inj_other=$((inj_other + 1)); }
	m512=$(grep '^nouveau-v5.8/mirror/npages:512/batch:512 ' "$tmp/inj-$i.txt" | awk '{print $4}')
	printf 'run %2d: A/A exit %d (%s); injected exit %d, mirror 512 %s, named %s, other backend named %s; load %s\n' \
		"$i" "$rc_aa" "$(grep '^largest change' "$tmp/aa-$i.txt" | cut -d: -f2- | xargs)" "$rc_inj" "$m512" \
		"$named" "$other" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "A/A: $aa_fail of $runs failed (false alarms)"
echo "injected: $inj_caught of $runs failed; nouveau-v5.8/mirror/npages:512 named in $inj_named; another backend named in $inj_other"
