#!/bin/bash
# cli_figures.sh - what the report's figures show, read from their SVGs
# (every text element: tick labels, axis labels, keys) and from the notes,
# on tests/data/results-fixture and variants of it:
#
#   every figure   no tick label with 5 decimals or more
#   ratio          the y axis is a ratio (no "ns"), linear while the bands
#                  span less than 10x, logarithmic with 1-2-5 tics beyond
#   ns_per_page    the x axis ends at the largest npages measured (no
#                  decade beyond it); the drivers' windows are named; null
#                  has a panel of its own, not a line among the others
#   counters       no figure when the counters measured are below 0.01 per
#                  page (stray page faults), one when they are real
#   memory         no figure for bars drawn already (another workload's)
#   13 backends    13 colours in the ns figure
#   tables         a 4-digit diff and a 2-digit ratio stay apart from the
#                  cells beside them
#
# usage: bash cli_figures.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
TMP=$(mktemp -d /tmp/cli_figures.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# variant NAME PYTHON: a copy of the fixture whose rows PYTHON edits
# (rows: a list of dicts; add: more rows), then its report
variant() {
	local dir=$TMP/$1
	cp -r "$DATA/results-fixture" "$dir"
	python3 - "$dir" "$2" <<'PY'
import csv, sys
d, code = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(d + '/results.csv')))
add = []
exec(code)
w = csv.DictWriter(open(d + '/results.csv', 'w', newline=''), fieldnames=list(rows[0].keys()), lineterminator='\n')
w.writeheader(); w.writerows(rows + add)
PY
	"$BIN" report "$dir" >"$dir/stdout" 2>&1 || fail "$1: report exit $?: $(tail -3 "$dir/stdout")"
}

# texts FILE.svg: every text element, one a line
texts() {
	python3 - "$1" <<'PY'
import re, sys
for t in re.findall(r'<text[^>]*>(.*?)</text>', open(sys.argv[1]).read(), re.S):
    print(re.sub(r'<[^>]+>', '', t).strip())
PY
}

variant base ''
B=$TMP/base
BAD=$(for f in "$B"/*.svg; do texts "$f" | grep -E '^-?[0-9]*\.[0-9]{5,}$' | sed "s|^|$(basename "$f"): |"; done)
[ -z "$BAD" ] && ok "no tick label with 5 decimals" || fail "long tick labels: $BAD"

texts "$B/ratio.svg" >"$TMP/ratio.txt"
grep -q ': ratio of time per page (1 = equal cost)$' "$TMP/ratio.txt" && ! grep -q 'ns per page' "$TMP/ratio.txt" \
	&& ok "ratio: y axis a ratio, no unit" || fail "ratio: y label: $(grep ratio "$TMP/ratio.txt")"
grep -qx '1.1' "$TMP/ratio.txt" && ok "ratio: linear y within 10x" || fail "ratio: no 1.1 tic on a 0.84-1.38 band"

texts "$B/ns_per_page-mirror.svg" >"$TMP/ns.txt"
if [ "$(grep -E '^[0-9]+$' "$TMP/ns.txt" | sort -n | tail -1)" = 262144 ] && ! grep -qE '^(1000000|1e\+06)$' "$TMP/ns.txt"; then
	ok "ns_per_page: the x axis ends at npages 262144"
else
	fail "ns_per_page: x tics $(grep -E '^[0-9]+$' "$TMP/ns.txt" | tr '\n' ' ')"
fi
grep -qx '16: nouveau-v5.6/v5.7/v5.8' "$TMP/ns.txt" && ok "ns_per_page: window 16 named" ||
	fail "ns_per_page: no label for the window of 16"
grep -q '^null (the harness' "$TMP/ns.txt" && ! grep -qx 'null' "$TMP/ns.txt" \
	&& ok "ns_per_page: null in its own panel" || fail "ns_per_page: null among the others"

[ ! -e "$B/counters-mirror.svg" ] && grep -q 'mirror: page faults below 0.01 per page everywhere' "$B/stdout" \
	&& ok "counters: none for stray page faults, with a note" || fail "counters: figure of stray page faults"
[ -e "$B/memory-mirror.svg" ] && [ ! -e "$B/memory-thp.svg" ] &&
	grep -q 'thp: the bytes per page of memory-mirror again: no memory figure' "$B/stdout" \
	&& ok "memory: thp's bars are mirror's, drawn once" || fail "memory: $(grep memory "$B/stdout")"

# conversion 30x slower at mirror npages 16: the ratio spans > 10x, the
# diff (+1993 ns/page) and the ratio (32) are wider than usual
variant wide '
for r in rows:
    if r["backend"] == "nouveau-v5.8" and r["workload"] == "mirror" and r["npages"] == "16":
        r["ns_per_page"] = "%.4f" % (float(r["ns_per_page"]) * 30)
'
texts "$TMP/wide/ratio.svg" >"$TMP/ratio2.txt"
if grep -qx 2 "$TMP/ratio2.txt" && grep -qx 5 "$TMP/ratio2.txt" && grep -qx 20 "$TMP/ratio2.txt"; then
	ok "ratio: log y with 1-2-5 tics beyond 10x"
else
	fail "ratio: tics $(tr '\n' ' ' <"$TMP/ratio2.txt")"
fi
if grep -Eq '^ +16 +16 +[0-9.]+ +[0-9.]+ +\+[0-9]{4}\.[0-9]+ +[0-9.]+ +[0-9]{2}\.[0-9]+ +\[[0-9.]+,[0-9.]+\]' \
	"$TMP/wide/report.txt"; then
	ok "table: a 4-digit diff and a 2-digit ratio apart from their neighbours"
else
	fail "table: $(grep -E '^ +16 +16 ' "$TMP/wide/report.txt" | head -2)"
fi

# real counters: instructions per page
variant counters '
for r in rows:
    r["instructions_per_page"] = "%.4f" % (900.0 / int(r["npages"]) + 40)
'
if [ -e "$TMP/counters/counters-mirror.svg" ] && texts "$TMP/counters/counters-mirror.svg" |
	grep -qx 'instructions_per_page (events per page)' &&
	! texts "$TMP/counters/counters-mirror.svg" | grep -q '^page_faults_per_page'; then
	ok "counters: a figure of the real counter, not of the stray one"
else
	fail "counters: no instructions figure"
fi

# 13 backends: every one of them a colour of its own
variant many '
import subprocess
names = [l.split("\t")[0] for l in subprocess.run(["'"$BIN"'", "list", "backends"],
         capture_output=True, text=True).stdout.splitlines()[1:]]
for n in names:
    if n in ("nouveau-v5.6", "nouveau-v5.7", "nouveau-v5.8", "null"):
        continue
    for r in rows:
        if r["backend"] == "nouveau-v5.8":
            x = dict(r)
            x["backend"] = n
            x["name"] = n + "/" + r["case"]
            x["ns_per_page"] = "%.4f" % (float(r["ns_per_page"]) * (1 + 0.1 * len(n)))
            add.append(x)
'
N=$(grep -o "stroke='rgb([^)]*)'" "$TMP/many/ns_per_page-mirror.svg" | sort -u | grep -vc "rgb(  0,   0,   0)\|rgb(221, 221, 221)\|rgb(153, 153, 153)\|rgb(255, 255, 255)")
[ "$N" -ge 12 ] && ok "13 backends: $N colours besides black and grey" || fail "13 backends: $N colours"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
