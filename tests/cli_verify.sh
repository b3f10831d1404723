#!/bin/bash
# cli_verify.sh PFNBENCH_BIN TESTS_DATA_DIR
#
# pfnbench verify: 10000 cases of seed 1 agree (exit 0, summary line with
# 0 mismatches), every backend that faults took part, the run is
# deterministic, a low --max-pfn works, and bad usage exits 2.  --cases is
# bounded (10^8) and a long run prints its progress.  (A failing verify
# needs a broken build: the gate test for
# that lives with the CI options, not here.)
set -u
BIN=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$BIN" verify --cases 10000 --seed 1 --out "$tmp")
rc=$?
echo "$out" | tail -2
[ $rc -eq 0 ] || { echo "FAIL: verify exit $rc"; fail=1; }
echo "$out" | tail -1 | grep -qE '^verify: 10000 cases, [0-9]+ pages, 0 mismatches, [0-9.]+ s$' ||
	{ echo "FAIL: summary line"; fail=1; }
# every kind of case occurred
echo "$out" | grep -qE '^verify: [1-9][0-9]* snapshot cases, [1-9][0-9]* with faults and rc=0, [1-9][0-9]* with rc<0' ||
	{ echo "FAIL: case mix"; fail=1; }
[ -z "$(ls "$tmp")" ] || { echo "FAIL: files written without a mismatch"; fail=1; }
# every backend that faults is in the cross-check: the 2018 thread's pair
# (v4.16, with its first-VMA slots), UVM and RDMA ODP too, and their calls returned 0
# often enough for their words to be judged (tests/test_verify.c shows that
# a wrong result is caught)
for b in thread-2018-without thread-2018-with uvm-575.57.08 odp-v6.16; do
	echo "$out" | grep -E '^verify: [0-9]+ snapshot cases' | grep -qw -- "$b" ||
		{ echo "FAIL: $b not among the backends"; fail=1; }
done
for s in 'thread-2018-without \(first VMA\)' 'thread-2018-with \(first VMA\)' 'uvm-575\.57\.08' 'odp-v6\.16'; do
	echo "$out" | grep '^verify: calls run' | grep -qE "$s [0-9]+ \([1-9][0-9]{2,}\)" ||
		{ echo "FAIL: too few judged calls of $s"; fail=1; }
done
[ "$(echo "$out" | grep -c '^verify: left out')" = 1 ] || { echo "FAIL: more than null left out"; fail=1; }

# deterministic: the same seed gives the same pages
a=$("$BIN" verify --cases 500 --seed 9 --out "$tmp" | tail -1 | cut -d, -f2)
b=$("$BIN" verify --cases 500 --seed 9 --out "$tmp" | tail -1 | cut -d, -f2)
[ "$a" = "$b" ] || { echo "FAIL: not deterministic: $a vs $b"; fail=1; }
c=$("$BIN" verify --cases 500 --seed 10 --out "$tmp" | tail -1 | cut -d, -f2)
[ "$a" != "$c" ] || { echo "FAIL: seed ignored"; fail=1; }

# pfns below 2^28 (the valgrind setting), one case alone
"$BIN" verify --cases 2000 --seed 2 --max-pfn 0x10000000 --out "$tmp" >/dev/null || { echo "FAIL: --max-pfn"; fail=1; }
"$BIN" verify --case 1234 --seed 1 --out "$tmp" | tail -1 | grep -q '^verify: 1 cases' || { echo "FAIL: --case"; fail=1; }

for args in "--cases x" "--max-pfn 5" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$BIN" verify $args >/dev/null 2>&1
	r=$?
	[ $r -eq 2 ] || { echo "FAIL: verify $args: exit $r, want 2"; fail=1; }
done

# issue 14: a long verify says how far it got (every 10 s, on stderr) and is
# bounded: the largest --cases it takes, stopped once its first progress
# line is there (or after 60 s)
"$BIN" verify --cases 100000000 --seed 3 --out "$tmp" >/dev/null 2>"$tmp/progress" &
pid=$!
for _ in $(seq 600); do
	grep -q 'cases' "$tmp/progress" && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
line=$(head -1 "$tmp/progress")
echo "$line" | grep -qE '^verify: [1-9][0-9]* of 100000000 cases, 0 mismatches, [0-9]+ s elapsed, ~[0-9]+ s left$' &&
	echo "ok: progress: $line" || { echo "FAIL: verify --cases 10^8: no progress line: '$line'"; fail=1; }
"$BIN" verify --cases 100000001 >/dev/null 2>"$tmp/err"
r=$?
[ $r -eq 2 ] && grep -q -- '--cases must be between 1 and 100000000' "$tmp/err" ||
	{ echo "FAIL: verify --cases 10^8+1: exit $r, $(cat "$tmp/err")"; fail=1; }

[ $fail -eq 0 ] && echo "cli_verify: ok"
exit $fail
