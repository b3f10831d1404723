#!/bin/bash
# cli_report_thread.sh - the report's section "The 2018 thread's own
# example" on tests/data/results-fixture-thread (make_fixture.py there
# says which numbers it must print): the per-page difference of the pair
# with its 95% interval, the per-call one (wall and CPU time), the bytes
# each allocates per call, "not measured" for a missing npages and
# "skipped" for one whose rows were skipped, every line <= 80 columns; and on tests/data/results-fixture (no pair), that the pair
# did not run and which config runs it.
#
# usage: bash cli_report_thread.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
TMP=$(mktemp -d /tmp/cli_report_thread.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# section FILE: the section's text, from its title to the next section
section() { sed -n "/^The 2018 thread's own example$/,/^Findings$/p" "$1"; }
# has TEXT REGEX: a line of TEXT matches REGEX (extended)
has() { grep -qE -- "$2" <<<"$1" || fail "no line matching: $2"; }

cp -r "$DATA/results-fixture-thread" "$TMP/thread"
"$BIN" report --no-figures "$TMP/thread" >/dev/null 2>&1 || fail "report exit $?"
S=$(section "$TMP/thread/report.txt")
[ -n "$S" ] || fail "no section"
has "$S" '^The example of the 2018 thread \("saving CPU cycles and memory"\), as declared:$'
has "$S" 'Differences are thread-2018-without - thread-2018-with:'
# mirror, per page: medians, mean paired difference, its t-interval
M=$(sed -n '/^== mirror ==$/,$p' <<<"$S")
has "$M" '^      16              12\.00      10\.00      \+2\.00   \[\+1\.804, \+2\.196\] \*$'
has "$M" '^      64              11\.00      10\.00      \+1\.00   \[\+0\.8037, \+1\.196\] \*$'
has "$M" '^  262144              10\.25      10\.00      \+0\.25   \[\+0\.05368, \+0\.4463\] \*$'
# the same in CPU time (the task clock, half the wall time in the fixture)
has "$M" '^  npages    CPU ns/page: without       with       diff   95% CI of the diff$'
has "$M" '^      16               6\.00       5\.00      \+1\.00   \[\+0\.9018, \+1\.098\] \*$'
# per call and the memory each allocates per call
has "$S" '^      16      16         \+32   \[\+28\.86, \+35\.14\] \*                  256      128$'
has "$S" '^  262144  262144  \+6\.554e\+04   \[\+1\.407e\+04, \+1\.17e\+05\] \*       4194304  2097152$'
# per call in CPU time: the CPU per-page difference times the batch
has "$M" '^  npages   batch    CPU/call   95% CI of the diff$'
has "$M" '^      16      16         \+16   \[\+14\.43, \+17\.57\] \*$'
has "$M" '^  262144  262144  \+3\.277e\+04   \[\+7036, \+5\.85e\+04\] \*$'
# first-touch has no npages 64
F=$(sed -n '/^== first-touch ==$/,/^== mirror ==$/p' <<<"$S")
has "$F" '^      64   not measured$'
has "$F" '^     512             110\.50     110\.00      \+0\.50   \[\+0\.3037, \+0\.6963\] \*$'
# mixed: the pair's rows at 16 skipped (v4.16's one-VMA API), 64 not in the sweep
X=$(sed -n '/^== mixed ==$/,/^== /p' <<<"$S")
has "$X" '^      16   skipped \(no rows with status ok; results\.csv says why\)$'
has "$X" '^      64   not measured$'
long=$(awk 'length > 80' "$TMP/thread/report.txt" | head -3)
[ -z "$long" ] || fail "lines over 80 columns: $long"

# with the median iteration recorded (ns_per_page_median, here half of
# ns_per_page), the section and the Every-backend table pair that column
cp -r "$DATA/results-fixture-thread" "$TMP/med"
python3 - "$TMP/med/results.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if r["ns_per_page"]:
        r["ns_per_page_median"] = "%.6f" % (float(r["ns_per_page"]) / 2)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
PY
"$BIN" report --no-figures "$TMP/med" >/dev/null 2>&1 || fail "report (median) exit $?"
S=$(section "$TMP/med/report.txt")
has "$S" '^  npages    med ns/page: without       with       diff   95% CI of the diff$'
# (the per-call line with the bytes is the wall time's: +32 before, +16 now)
has "$S" '^      16      16         \+16   \[\+14\.43, \+17\.57\] \*                  256      128$'
E=$(sed -n '/^== mirror ==$/,/^Memory per page/p' "$TMP/med/report.txt")
has "$E" '^is subtracted\.  ns/page: the median iteration, as above\.$'
has "$E" '^      16      16 thread-2018-without    A      0       6\.00       \+5\.75$'

# results without the pair: said so, with the config that runs it
cp -r "$DATA/results-fixture" "$TMP/nopair"
"$BIN" report --no-figures "$TMP/nopair" >/dev/null 2>&1 || fail "report (no pair) exit $?"
N=$(section "$TMP/nopair/report.txt" | tr '\n' ' ')
has "$N" 'The pair did not run in these results \(thread-2018-without: no rows; thread-2018-with: no rows\)\.'
has "$N" 'configs/thread\.conf runs it at npages 16, 64, 512 and 2\^18; configs/default\.conf \(\./run\.sh\) at the same four among the drivers\.'

[ $FAILS -eq 0 ] && echo "cli_report_thread: ok"
exit $((FAILS > 0))
