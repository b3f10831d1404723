#!/bin/bash
# cli_encode.sh PFNBENCH_BIN TESTS_DATA_DIR
#
# pfnbench encode on the page files of tests/data/encode/ against expected
# outputs written from spec/page-file.md (NAME.BACKEND.STAGE.out), rc for
# failing walks, exit 2 with FILE:LINE for every invalid page file, and
# exit 2 for bad usage.  pfnbench list prints NAME<TAB>description.
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
	"$BIN" encode --backend "$backend" --request "$req" --stage "$stage" "$DATA/encode/$name.page" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$base: exit $rc" [ "$rc" -eq 0 ]
	if ! cmp -s "$tmp/out" "$exp"; then
		echo "FAIL: $base differs:"
		diff "$exp" "$tmp/out" | head -10
		fail=1
	fi
done

# the default stage is device, the default request none
"$BIN" encode --backend convert "$DATA/encode/all-states.page" >"$tmp/out"
check "defaults" cmp -s "$tmp/out" "$DATA/encode/all-states.convert.device.out"

# rc of failing walks is output, not an error: exit 0, first line rc=
for backend in convert direct direct-fixup; do
	out=$("$BIN" encode --backend $backend "$DATA/encode/efault.page")
	check "efault $backend exit" [ $? -eq 0 ]
	check "efault $backend rc" [ "$(echo "$out" | head -1)" = "rc=-14" ]
	check "efault $backend lines" [ "$(echo "$out" | wc -l)" -eq 3 ]
	out=$("$BIN" encode --backend $backend "$DATA/encode/eperm.page")
	check "eperm $backend rc" [ "$(echo "$out" | head -1)" = "rc=-1" ]
	# the same file with a write default: the none page is written, rc stays -EPERM
	out=$("$BIN" encode --backend $backend --request write "$DATA/encode/eperm.page")
	check "eperm write $backend rc" [ "$(echo "$out" | head -1)" = "rc=-1" ]
done

# a write request over every state: the first page that cannot be written
# decides (rovma, -EPERM, comes before special's -EFAULT)
for backend in convert direct direct-fixup; do
	out=$("$BIN" encode --backend $backend --request write "$DATA/encode/all-states.page" | head -1)
	check "write over all states, $backend: $out" [ "$out" = "rc=-1" ]
done

# every invalid page file: exit 2 and the expected FILE:LINE message
for f in "$DATA"/pagefile-invalid/*.page; do
	expect=$(head -1 "$f" | sed 's/^# expect: //')
	"$BIN" encode --backend convert "$f" >"$tmp/out" 2>"$tmp/err"
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
expect_2 "bad request" --backend convert --request maybe "$DATA/encode/all-states.page"
expect_2 "bad stage" --backend convert --stage gpu "$DATA/encode/all-states.page"
expect_2 "bad option" --backend convert --frobnicate "$DATA/encode/all-states.page"
expect_2 "no file" --backend convert
expect_2 "two files" --backend convert "$DATA/encode/all-states.page" "$DATA/encode/thp.page"
expect_2 "missing file" --backend convert "$tmp/does-not-exist.page"
expect_2 "directory" --backend convert "$DATA/encode"
grep -q "is a directory" "$tmp/err" || { echo "FAIL: directory message"; fail=1; }

# list
out=$("$BIN" list backends)
check "list backends exit" [ $? -eq 0 ]
for b in convert direct direct-fixup null; do
	echo "$out" | grep -qP "^$b\t." || { echo "FAIL: list backends lacks $b"; fail=1; }
done
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
"$BIN" list keys --markdown | grep -qxF '| `[sweep]` | `batch` | whole | pages per HMM call, a list; whole = the whole range in one call; a batch larger than a case'"'"'s npages is clamped to npages |'
check "list keys --markdown: the batch row" [ $? -eq 0 ]
"$BIN" list keys --markdown >"$tmp/keys.md"
while IFS= read -r row; do
	grep -qxF -- "$row" "$DATA/../../README.md" || { echo "FAIL: README lacks: $row"; fail=1; }
done <"$tmp/keys.md"
check "list keys --markdown: a row per key" [ "$(grep -c '^| `\[' "$tmp/keys.md")" -ge 18 ]
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
