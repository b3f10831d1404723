#!/bin/bash
# cli_encode.sh PFNBENCH_BIN TESTS_DATA_DIR
#
# pfnbench encode on the page files of tests/data/encode/ against expected
# outputs written from docs/page-file.md (NAME.BACKEND.STAGE.out; BACKEND
# walk-VERSION: `encode --walk VERSION`, the bare hmm_range_fault() of that
# version), rc for failing walks per kernel version, exit 2 with FILE:LINE
# for every invalid page file, and exit 2 for bad usage.  pfnbench list
# backends prints a header and NAME<TAB>ERA<TAB>DRIVER<TAB>KERNEL<TAB>
# COUNTERPART<TAB>WINDOW<TAB>description.
set -u
BIN=$1
DATA=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # description, command...
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		fail=1
	fi
}

# expected outputs: NAME.BACKEND.STAGE.out (default request from the name's table below)
for exp in "$DATA"/encode/*.out; do
	base=$(basename "$exp" .out)
	name=${base%%.*}
	rest=${base#*.}
	stage=${rest##*.}
	backend=${rest%.*}
	req=none
	[ "$name" = faults ] && req=read
	how=(--backend "$backend")
	case $backend in walk-*) how=(--walk "${backend#walk-}") ;; esac
	"$BIN" encode "${how[@]}" --request "$req" --stage "$stage" "$DATA/encode/$name.page" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$base: exit $rc" [ "$rc" -eq 0 ]
	if ! cmp -s "$tmp/out" "$exp"; then
		echo "FAIL: $base differs:"
		diff "$exp" "$tmp/out" | head -10
		fail=1
	fi
done

# the default stage is device, the default request none
"$BIN" encode --backend nouveau-v5.8 "$DATA/encode/all-states.page" >"$tmp/out"
check "defaults" cmp -s "$tmp/out" "$DATA/encode/all-states.nouveau-v5.8.device.out"

# rc of failing walks is output, not an error: exit 0, first line rc=.
# v5.7 and later: -EPERM for a write to a read-only VMA; v5.2-v5.6 failed
# the fault itself (-EFAULT) there, and every call over a VMA HMM refuses
# (all-states: novma, noread, pfnmap) even without a request.
for backend in nouveau-v5.8 nouveau-v5.7 nouveau-v6.1 promise-2018 uvm-575.57.08 nouveau-v5.6; do
	eperm=-1
	[ $backend = nouveau-v5.6 ] && eperm=-14
	out=$("$BIN" encode --backend $backend "$DATA/encode/efault.page")
	check "efault $backend exit" [ $? -eq 0 ]
	check "efault $backend rc" [ "$(echo "$out" | head -1)" = "rc=-14" ]
	check "efault $backend lines" [ "$(echo "$out" | wc -l)" -eq 3 ]
	out=$("$BIN" encode --backend $backend "$DATA/encode/eperm.page")
	check "eperm $backend rc" [ "$(echo "$out" | head -1)" = "rc=$eperm" ]
	# the same file with a write default: the none page is written, rc stays
	out=$("$BIN" encode --backend $backend --request write "$DATA/encode/eperm.page")
	check "eperm write $backend rc" [ "$(echo "$out" | head -1)" = "rc=$eperm" ]
done
out=$("$BIN" encode --backend nouveau-v5.6 "$DATA/encode/all-states.page" | head -1)
check "v5.6 refuses the VMAs of all-states without a request: $out" [ "$out" = "rc=-14" ]

# a write request over every state: the first page that cannot be written
# decides (rovma, -EPERM, comes before special's -EFAULT); the 2018 thread's
# sketches walk one VMA per call (-EINVAL for a range over several)
for backend in nouveau-v5.8 nouveau-v5.7 nouveau-v6.1 amdgpu-v5.7 amdgpu-v5.8 dmirror-v5.7 dmirror-v6.1 odp-v6.16; do
	out=$("$BIN" encode --backend $backend --request write "$DATA/encode/all-states.page" | head -1)
	check "write over all states, $backend: $out" [ "$out" = "rc=-1" ]
done
for backend in thread-2018-with thread-2018-without; do
	out=$("$BIN" encode --backend $backend --request write "$DATA/encode/all-states.page" | head -1)
	check "write over all states, $backend: $out" [ "$out" = "rc=-22" ]
done

# a driver that takes one request per call refuses a page file's per-page requests: exit 2, the reason
"$BIN" encode --backend amdgpu-v5.8 "$DATA/encode/efault.page" >"$tmp/out" 2>"$tmp/err"
check "amdgpu per-page requests: exit 2" [ $? -eq 2 ]
grep -q "takes one request for the whole range" "$tmp/err" || { echo "FAIL: amdgpu per-page message"; fail=1; }

# every invalid page file: exit 2 and the expected FILE:LINE message
for f in "$DATA"/pagefile-invalid/*.page; do
	expect=$(head -1 "$f" | sed 's/^# expect: //')
	"$BIN" encode --backend nouveau-v5.8 "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$(basename "$f"): exit $rc, want 2" [ "$rc" -eq 2 ]
	if ! grep -qF -- "$expect" "$tmp/err"; then
		echo "FAIL: $(basename "$f"): stderr '$(cat "$tmp/err")' lacks '$expect'"
		fail=1
	fi
	check "$(basename "$f"): nothing on stdout" [ ! -s "$tmp/out" ]
done

# bad usage and bad files: exit 2
expect_2() { # description, args...
	local what=$1
	shift
	"$BIN" encode "$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	check "$what: exit $rc, want 2" [ "$rc" -eq 2 ]
	check "$what: a message" [ -s "$tmp/err" ]
}
expect_2 "unknown backend" --backend nosuch "$DATA/encode/all-states.page"
expect_2 "no backend" "$DATA/encode/all-states.page"
expect_2 "bad request" --backend nouveau-v5.8 --request maybe "$DATA/encode/all-states.page"
expect_2 "bad stage" --backend nouveau-v5.8 --stage gpu "$DATA/encode/all-states.page"
expect_2 "bad option" --backend nouveau-v5.8 --frobnicate "$DATA/encode/all-states.page"
expect_2 "no file" --backend nouveau-v5.8
expect_2 "two files" --backend nouveau-v5.8 "$DATA/encode/all-states.page" "$DATA/encode/thp.page"
expect_2 "missing file" --backend nouveau-v5.8 "$tmp/does-not-exist.page"
expect_2 "directory" --backend nouveau-v5.8 "$DATA/encode"
grep -q "is a directory" "$tmp/err" || { echo "FAIL: directory message"; fail=1; }

# list
out=$("$BIN" list backends)
check "list backends exit" [ $? -eq 0 ]
check "list backends header" [ "$(echo "$out" | head -1)" = "$(printf 'name\tera\tdriver\tkernel\tcounterpart\twindow\tdescription')" ]
# name, era, driver, kernel versions, counterpart, window: as each declares it
for row in "nouveau-v5.7	B	nouveau	v5.7	nouveau-v5.8	16" "nouveau-v5.8	C	nouveau	v5.8	nouveau-v5.7	16" \
	   "nouveau-v6.1	C	nouveau	v5.9-6.1	nouveau-v5.7	1" "amdgpu-v5.7	B	amdgpu	v5.5-v5.7	amdgpu-v5.8	0" \
	   "dmirror-v6.1	C	dmirror	v5.8-6.15	dmirror-v5.7	64" "null	-	-	-	-	0"; do
	echo "$out" | grep -qF "$row	" || { echo "FAIL: list backends lacks '$row'"; fail=1; }
done
echo "$out" | grep -qP "^promise-2018\tB\t.*\tHYPOTHETICAL: " || { echo "FAIL: list backends: promise not labelled"; fail=1; }
out=$("$BIN" list workloads)
for w in mirror first-touch thp migrated mixed; do
	echo "$out" | grep -qP "^$w\t." || { echo "FAIL: list workloads lacks $w"; fail=1; }
done
# keys: every key of every shipped sweep config, with its default; the
# markdown form is the README's table (test_config checks it line by line)
out=$("$BIN" list keys)
check "list keys exit" [ $? -eq 0 ]
for k in $(sed -n 's/^\([a-z_]*\) *=.*/\1/p' "$DATA/../../configs/default.conf"); do
	echo "$out" | grep -qP "^\[(sweep|workload)\] $k\t(\[[^]]+\]|\(required\))\t." ||
		{ echo "FAIL: list keys lacks $k"; fail=1; }
done
"$BIN" list keys --markdown | grep -qxF '| `[sweep]` | `batch` | whole | pages per harness call, a list; whole = the whole range in one call; a batch larger than a case'"'"'s npages is clamped to npages; each backend splits a call into its driver'"'"'s windows |'
check "list keys --markdown: the batch row" [ $? -eq 0 ]
"$BIN" list keys --markdown >"$tmp/keys.md"
while IFS= read -r row; do
	grep -qxF -- "$row" "$DATA/../../README.md" || { echo "FAIL: README lacks: $row"; fail=1; }
done <"$tmp/keys.md"
check "list keys --markdown: a row per key" [ "$(grep -c '^| `\[' "$tmp/keys.md")" -eq 19 ]
out=$("$BIN" list counters)
for c in instructions cycles llc_misses dtlb_misses branch_misses page_faults task_clock_ns context_switches; do
	echo "$out" | grep -qP "^$c\t.*column ${c}_per_page" || { echo "FAIL: list counters lacks $c"; fail=1; }
done
out=$("$BIN" list stages)
for s in prepare walk alloc convert dma; do
	echo "$out" | grep -qP "^$s\t.*column stage_${s}_ns_per_page" || { echo "FAIL: list stages lacks $s"; fail=1; }
done
out=$("$BIN" list columns)
check "list columns: the fixture's header" [ "$(echo "$out" | cut -f1 | paste -sd,)" = "$(head -1 "$DATA/results-fixture/results.csv")" ]
"$BIN" list nothing >/dev/null 2>&1
check "list nothing: exit 2" [ $? -eq 2 ]

[ $fail -eq 0 ] && echo "cli_encode: ok"
exit $fail
