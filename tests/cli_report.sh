#!/bin/bash
# cli_report.sh - `pfnbench report` on a copy of tests/data/results-fixture:
# report.txt is written atomically, every line <= 80 columns, one table per
# workload, the header and the findings reflect the data, every PNG is a
# real picture (signature, CRC, IHDR size, decoded pixels with more than a
# few colours) and every SVG draws paths.  Then a 2-node variant draws the
# placement figure, and bad input exits 2 with file:line.
#
# usage: bash cli_report.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$1
DATA=$2
TMP=$(mktemp -d /tmp/cli_report.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
flat() { tr '\n' ' ' < "$1" | tr -s ' '; }	# the report as one line

# check_png FILE WIDTH HEIGHT: decode the PNG and look at its pixels.
check_png() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys, zlib
path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    (n,) = struct.unpack('>I', data[pos:pos + 4])
    kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
    (crc,) = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
    assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in %r' % kind
    if kind == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
assert (w, h) == (want_w, want_h), 'size %dx%d, want %dx%d' % (w, h, want_w, want_h)
assert depth == 8 and ctype in (2, 6), 'depth %d colour type %d' % (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
assert len(raw) == h * (stride + 1), 'IDAT size'
prev = bytearray(stride)
colours = {}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
        else: assert f == 0, 'filter %d' % f
    for x in range(0, stride, bpp):
        k = bytes(line[x:x + bpp])
        colours[k] = colours.get(k, 0) + 1
    prev = line
bg = max(colours.values())
ink = w * h - bg
assert len(colours) >= 4, 'only %d colours' % len(colours)
assert ink > w * h // 200, 'almost blank: %d non-background pixels' % ink
print('%s: %dx%d, %d colours, %d non-background pixels' % (path.split('/')[-1], w, h, len(colours), ink))
PY
}

RUN=$TMP/run
cp -r "$DATA/results-fixture" "$RUN"
OUT=$("$BIN" report "$RUN" 2>&1); RC=$?
echo "$OUT"
[ $RC -eq 0 ] && ok "report exit 0" || fail "report exit $RC"
R=$RUN/report.txt
[ -s "$R" ] && ok "report.txt written" || fail "no report.txt"
[ ! -e "$R.tmp" ] && ok "no report.txt.tmp left" || fail "report.txt.tmp left"
LONG=$(awk 'length > 80 { print FNR": "length }' "$R")
[ -z "$LONG" ] && ok "all lines <= 80 columns" || fail "lines > 80: $LONG"
# the fixture's declared comparisons: nouveau-v5.8 / v5.7 and / v5.6, per workload
[ "$(grep -c '^  npages   batch     conv   direct       diff   +-CI   ratio  95% CI ratio$' "$R")" = 4 ] \
	&& ok "four comparison tables" || fail "comparison table count"
grep -q '^nouveau-v5.8 (era C, v5.8)$' "$R" && grep -q '^  vs nouveau-v5.6 (era B, v5.5-v5.6)$' "$R" \
	&& ok "comparison headings name era and kernel versions" || fail "comparison headings"
grep -q '^== mirror ==$' "$R" && grep -q '^== thp ==$' "$R" \
	&& ok "a table per workload" || fail "workload headings"
grep -q '^Machine:   AMD EPYC 7B13 64-Core Processor, 2 CPUs, 1 NUMA node' "$R" \
	&& ok "machine line" || fail "machine line"
grep -q '^Counters:  real: page_faults, task_clock, context_switches$' "$R" \
	&& grep -q 'unavailable: instructions, cycles, llc_misses' "$R" \
	&& grep -q 'perf_event_open: ENOENT' "$R" \
	&& ok "counters real/unavailable with reason" || fail "counters lines"
grep -q '^  \$ pfnbench run --config configs/sweep.conf --repetitions 5 --out results$' "$R" \
	&& ok "reproduce command" || fail "reproduce command"
# a row with its values: thp npages 1 has v5.7 slower (ratio < 1, marked);
# diff and ratio are the Hodges-Lehmann estimates of the 6 pairs
# (tests/test_report_model.c has them to 1e-9), the ratio inside its CI
grep -q '^       1       1   564\.68   604\.92     -42\.22  14\.64   0\.930 \[0\.909,0\.956\] \*$' "$R" \
	&& ok "thp npages 1 row" || fail "thp npages 1 row"
flat "$R" | grep -q 'nouveau-v5.7 is significantly SLOWER than nouveau-v5.8 at npages 1\.' \
	&& ok "finding: v5.7 slower" || fail "finding: v5.7 slower"
flat "$R" | grep -Eq 'nouveau-v5.8/nouveau-v5.6: ratio [01]\.[0-9]{3} to 1\.[0-9]{3} \([0-9] of 6 npages significant\)\.' \
	&& ok "finding: the second comparison's range" || fail "finding: second comparison"
flat "$R" | grep -q 'The last significant difference is at npages 4096; from npages 262144 on it is not significant.' \
	&& ok "finding: significance ends" || fail "finding: significance ends"
# the headline: a sentence per driver pair at its driver's batch, from the numbers
flat "$R" | grep -q "nouveau-v5.8 against nouveau-v5.7, at nouveau-v5.8's batch (its window, 16 pages): the conversion path takes 5.01 ns/page more on mirror (95% CI +3.48 to +7.62); 4.86 ns/page more on thp (95% CI +3.79 to +5.68). The widest interval is +-2.07 ns/page (mirror). Its conversion pass (alloc + the pass after the walk) is 6.3% of the whole path on mirror (stage medians)." \
	&& ok "headline sentence per pair" || fail "headline sentence per pair"
grep -q 'nouveau-v5.8 / nouveau-v5.7 ratio over npages (1.0 = equal)' "$R" \
	&& ok "text plot embedded" || fail "no text plot"
grep -q '^Stage shares' "$R" && ok "stage table" || fail "no stage table"
grep -q 'single node: no placement figure' "$R" \
	&& ok "placement note" || fail "no placement note"
[ ! -e "$RUN/placement.png" ] && ok "no placement figure" || fail "placement.png on 1 node"

check_figures() {
	local dir=$1; shift
	while [ $# -gt 0 ]; do
		local name=$1 w=$2 h=$3; shift 3
		if check_png "$dir/$name.png" "$w" "$h"; then
			ok "$name.png valid"
		else
			fail "$name.png"
		fi
		if [ -s "$dir/$name.svg" ] && grep -q '<path' "$dir/$name.svg" \
			&& tail -c 20 "$dir/$name.svg" | grep -q '</svg>'; then
			ok "$name.svg valid"
		else
			fail "$name.svg"
		fi
	done
}
# (no counters figure: the fixture's page faults are below 0.01 per page;
# no memory-thp: its bytes are memory-mirror's; tests/cli_figures.sh)
check_figures "$RUN" ratio 1024 640 ns_per_page-mirror 1024 720 \
	ns_per_page-thp 1024 720 memory-mirror 900 540 stages-mirror-nouveau-v5.8 1024 520

# a 2-node run: remote rows for npages 4096 make a placement figure
TWO=$TMP/two
cp -r "$DATA/results-fixture" "$TWO"
python3 - "$TWO" <<'PY'
import csv, json, sys
d = sys.argv[1]
m = json.load(open(d + '/meta.json')); m['machine']['numa_nodes'] = 2
json.dump(m, open(d + '/meta.json', 'w'))
rows = list(csv.DictReader(open(d + '/results.csv')))
extra = []
for r in rows:
    if r['npages'] == '4096':
        x = dict(r)
        # as the sweep names a case with a placement (results_case_variant)
        x['placement_req'] = 'pt=1,memmap=1,hmm=0,drv=0,cpu=0'
        x['placement_actual'] = 'pt=1,memmap=1,hmm=0,drv=0,cpu=0'
        x['case'] += '/place:' + x['placement_req']
        x['name'] += '/place:' + x['placement_req']
        x['ns_per_page'] = '%.4f' % (float(r['ns_per_page']) * 1.3)
        extra.append(x)
w = csv.DictWriter(open(d + '/results.csv', 'w', newline=''), fieldnames=list(rows[0].keys()), lineterminator='\n')
w.writeheader(); w.writerows(rows + extra)
PY
OUT=$("$BIN" report "$TWO" 2>&1); RC=$?
[ $RC -eq 0 ] && ok "2-node report exit 0" || fail "2-node report exit $RC: $OUT"
check_figures "$TWO" placement 900 540
# the table of a variant is named by its columns (placement_req), as the sweep names the case
grep -q '^== mirror/place:pt=1,memmap=1,hmm=0,drv=0,cpu=0 ==$' "$TWO/report.txt" && ok "variant table" || fail "variant table"
LONG=$(awk 'length > 80' "$TWO/report.txt")
[ -z "$LONG" ] && ok "2-node lines <= 80" || fail "2-node long lines"
if grep -q 'local' "$TWO/plotdata/placement.dat" && \
   awk 'NR > 1 && $3 <= $2 { bad = 1 } END { exit bad }' "$TWO/plotdata/placement.dat"; then
	ok "placement data: remote slower"
else
	fail "placement data"
fi

# ratio, ns_per_page x2, memory-mirror, stages-mirror-nouveau-v5.8
# (stage figures: each comparison's conversion backend per workload, when measured)
grep -q '^5 figures, each as .png and .svg' "$R" && ok "figure list" || fail "figure list"
grep -q '^Memory floor: not computed (meta.json has no "bandwidth")$' "$R" \
	&& ok "no bandwidth: floor not computed" || fail "floor without bandwidth"

# no instructions, LLC misses or page faults: no counters figure, a note
NOCNT=$TMP/nocnt
mkdir -p "$NOCNT"
cp "$DATA/results-fixture/meta.json" "$NOCNT/"
python3 - "$DATA/results-fixture/results.csv" "$NOCNT/results.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    r['page_faults_per_page'] = ''
w = csv.DictWriter(open(sys.argv[2], 'w', newline=''), fieldnames=list(rows[0].keys()), lineterminator='\n')
w.writeheader(); w.writerows(rows)
PY
OUT=$("$BIN" report "$NOCNT" 2>&1); RC=$?
if [ $RC -eq 0 ] && ! ls "$NOCNT"/counters-* >/dev/null 2>&1 && \
   flat "$NOCNT/report.txt" | grep -q 'mirror: no instructions, LLC misses or page faults measured: no counters figure' && \
   ! grep -q 'page faults per page' "$NOCNT/report.txt"; then
	ok "no counters measured: figure skipped with a note"
else
	fail "no-counters variant: rc $RC"
fi

# gnuplot missing: the report is still written, figures are noted
NOGP=$TMP/nogp
cp -r "$DATA/results-fixture" "$NOGP"
OUT=$("$BIN" report --gnuplot /nonexistent/gnuplot "$NOGP" 2>&1); RC=$?
[ $RC -eq 0 ] && [ -s "$NOGP/report.txt" ] && ! ls "$NOGP"/*.png >/dev/null 2>&1 \
	&& grep -q 'no text plot' "$NOGP/report.txt" \
	&& ok "no gnuplot: report only" || fail "no gnuplot: rc $RC"

# bad input: exit 2 and file:line
bad() {
	local what=$1 csv=$2 want=$3 dir=$TMP/bad-$1
	mkdir -p "$dir"
	cp "$DATA/results-fixture/meta.json" "$dir/"
	cp "$csv" "$dir/results.csv"
	OUT=$("$BIN" report "$dir" 2>&1); RC=$?
	if [ $RC -eq 2 ] && echo "$OUT" | grep -q -- "$want" && [ ! -e "$dir/report.txt" ]; then
		ok "$what: exit 2, $want"
	else
		fail "$what: rc $RC: $OUT"
	fi
}
bad truncated "$DATA/report-bad/truncated.csv" "results.csv:3: quoted field not closed"
bad field-count "$DATA/report-bad/field-count.csv" "results.csv:3: 39 fields"
bad not-a-number "$DATA/report-bad/not-a-number.csv" "results.csv:3: column 'ns_per_page': '12.5ns'"
bad missing-column "$DATA/report-bad/missing-column.csv" "results.csv:1: missing column 'ns_per_page'"
bad empty "$DATA/report-bad/empty.csv" "results.csv:1: empty file"
bad huge-count "$DATA/report-bad/huge-count.csv" "results.csv:4: column 'repetition': '3e28' is not a count"
mkdir -p "$TMP/badmeta"
cp "$DATA/results-fixture/results.csv" "$TMP/badmeta/"
printf '{\n  "machine": {\n    "numa_nodes": 1,\n' > "$TMP/badmeta/meta.json"
OUT=$("$BIN" report "$TMP/badmeta" 2>&1); RC=$?
[ $RC -eq 2 ] && echo "$OUT" | grep -q 'meta.json:4:' && ok "bad meta.json: exit 2 with line" \
	|| fail "bad meta.json: rc $RC: $OUT"
OUT=$("$BIN" report "$TMP/does-not-exist" 2>&1); RC=$?
[ $RC -eq 2 ] && ok "missing dir: exit 2" || fail "missing dir: rc $RC"
"$BIN" report >/dev/null 2>&1; RC=$?
[ $RC -eq 2 ] && ok "no argument: exit 2" || fail "no argument: rc $RC"

# two page-table sources with stages, DMA and meta.json "bandwidth"
# (tests/data/results-fixture-sources/make_fixture.py says which numbers
# the report must print): breakdown side by side, headline, floor
SRC=$TMP/sources
cp -r "$DATA/results-fixture-sources" "$SRC"
OUT=$("$BIN" report "$SRC" 2>&1); RC=$?
S=$SRC/report.txt
[ $RC -eq 0 ] && ok "sources: report exit 0" || fail "sources: report exit $RC: $OUT"
LONG=$(awk 'length > 80 { print FNR": "length }' "$S")
[ -z "$LONG" ] && ok "sources: all lines <= 80 columns" || fail "sources: lines > 80: $LONG"
grep -q '^Breakdown of the whole path, emulated and kernel page-table source$' "$S" \
	&& ok "breakdown section" || fail "no breakdown section"
[ "$(grep -c '^npages  prep  walk alloc  conv   dma  ns/pg  prep  walk alloc  conv   dma  ns/pg$' "$S")" = 15 ] \
	&& ok "15 side-by-side stage tables (3 workloads x 5 compared backends)" \
	|| fail "side-by-side stage table count"
# mirror nouveau-v5.8 npages 16: 1+3+2+1+5 = 12 emulated, 1+30+2+1+5 = 39 kernel
grep -q '^    16   8\.3  25\.0  16\.7   8\.3  41\.7   12\.0   2\.6  76\.9   5\.1   2\.6  12\.8   39\.0$' "$S" \
	&& ok "mirror nouveau-v5.8 npages 16 row, both sources" || fail "mirror npages 16 breakdown row"
grep -q '^(no kernel-source cases of first-touch in this run)$' "$S" \
	&& ok "missing source said" || fail "missing source not said"
# a row per conversion backend at its driver's batch: nouveau's window of 16,
# amdgpu's whole range (the largest npages), then nouveau at one 2 MiB page
grep -q '^nouveau-v5.8            16     25\.0%    7\.7%      3\.4%       -     30\.0%   21\.4%$' "$S" \
	&& ok "headline row nouveau 16" || fail "headline row nouveau 16"
grep -q '^amdgpu-v5.8           4096     14\.5%    1\.7%      0\.6%       -     33\.7%    9\.2%$' "$S" \
	&& ok "headline row amdgpu (largest npages)" || fail "headline row amdgpu"
flat "$S" | grep -q 'At npages 16 (nouveau.s v5\.2-v5\.8 window) nouveau-v5\.8.s conversion share is, for 4 KiB pages: mirror 25\.0% (emulated) and 7\.7% (kernel), first-touch 3\.4% (emulated) and not measured (kernel); for huge pages: thp 30\.0% (emulated) and 21\.4% (kernel)\.' \
	&& ok "headline sentence npages 16" || fail "headline sentence npages 16"
flat "$S" | grep -q 'At npages 512 (one 2 MiB page) nouveau-v5\.8.s conversion share is, for 4 KiB pages: mirror 11\.7% (emulated) and 2\.9% (kernel), first-touch 1\.2% (emulated) and not measured (kernel); for huge pages: thp 15\.0% (emulated) and 9\.6% (kernel)\.' \
	&& ok "headline sentence npages 512" || fail "headline sentence npages 512"
flat "$S" | grep -q "amdgpu-v5.8 against amdgpu-v5.7, at amdgpu-v5.8's batch (the whole range in one call, here the largest npages, 4096 pages): the conversion path takes 0.31 ns/page less on first-touch (3 pairs, too few for an interval);" \
	&& ok "headline: a whole-range driver at the largest npages, too few pairs said" || fail "headline amdgpu sentence"
flat "$S" | grep -q '3 of the 18 points were not measured in this run' \
	&& ok "headline counts the missing points" || fail "headline missing points"
# what the share counts, and the share with meta.json's fixed_costs:
# nouveau-v5.8 at 16 (3 / (12 + 100/16 + 60/16), first-touch 3 / (89 + 10 +
# 500), thp 3 / (10 + 10)); amdgpu-v5.8's whole call of 4096; nouveau-v5.8
# at 512 (one mmap lock: walks_per_call 1, not its 32 windows)
flat "$S" | grep -q 'Measured on this machine.s kernel (6\.1\.0-27-cloud-amd64): on the kernel source .* read with pagemap (400 ns a call and 8\.0 ns a page here), .* real MADV_POPULATE faults (500 ns a fresh 4 KiB page here' \
	&& ok "headline: measured costs named" || fail "headline: measured costs"
flat "$S" | grep -q 'Left out of both sources: the interval notifier; the GPU TLB invalidate\.' \
	&& ok "headline: left out listed" || fail "headline: left out"
grep -q '^nouveau-v5.8            16   25\.0%   13\.6%    3\.4%    0\.5%   30\.0%   15\.0%$' "$S" \
	&& ok "+fixed row nouveau 16" || fail "+fixed row nouveau 16"
grep -q '^amdgpu-v5.8           4096   14\.5%   14\.3%    0\.6%    0\.1%   33\.7%   32\.8%$' "$S" \
	&& ok "+fixed row amdgpu" || fail "+fixed row amdgpu"
grep -q '^nouveau-v5.8           512   11\.7%   11\.3%    1\.2%    0\.2%   15\.0%   14\.3%$' "$S" \
	&& ok "+fixed row nouveau 512" || fail "+fixed row nouveau 512"
grep -q '^kernels/:  -O2 -fno-strict-aliasing -mno-sse (after the flags above)$' "$S" \
	&& ok "header: kernels/ flags" || fail "header: kernels/ flags"
flat "$S" | grep -q 'Huge pgs: page tables 100\.0% of 2\.0 MiB, memmap 75\.0% of 4\.0 MiB on 2 MiB pages (mean of 4 case runs, PAGEMAP_SCAN PAGE_IS_HUGE; lowest memmap 50\.0% in nouveau-v5\.7/thp/npages:16/batch:16)' \
	&& ok "header: huge pages" || fail "header: huge pages"
[ "$(grep -c '^ npages  backend              measured ns  floor ns  measured/floor$' "$S")" = 5 ] \
	&& ok "a floor table per workload table" || fail "floor table count"
# no bandwidth for npages 1: floor unknown; 4096: nouveau-v5.8's declared
# traffic in windows of 16 with dma = yes, 153.5 B read + 56 B written =
# 209.5 B / 30 GB/s
grep -q '^      1  nouveau-v5.8              59\.85         -               -$' "$S" \
	&& ok "floor unknown without bandwidth" || fail "floor row npages 1"
grep -q '^   4096  nouveau-v5.8               9\.46     6\.983             1\.4$' "$S" \
	&& ok "floor row mirror nouveau-v5.8 4096" || fail "floor row mirror nouveau-v5.8 4096"
flat "$S" | grep -q 'mirror: nouveau-v5.6 runs at 2\.2x to 8\.3x its floor, nouveau-v5.7 runs at 1\.3x to 4\.9x its floor, nouveau-v5.8 runs at 1\.4x to 6\.0x its floor, amdgpu-v5.7 runs at 2\.5x to 12x its floor, amdgpu-v5.8 runs at 2\.3x to 12x its floor\. nouveau-v5.6 is limited by instructions at every npages\. nouveau-v5.7 is limited by memory (within 2x of its floor) at npages 4096, by instructions elsewhere\.' \
	&& ok "floor sentence" || fail "floor sentence"
check_figures "$SRC" stages-mirror-nouveau-v5.8 1024 520 stages-thp-amdgpu-v5.8 1024 520
if [ "$(grep -c '^npages prepare walk+faults alloc conversion dma-map$' "$SRC/plotdata/stages-mirror-nouveau-v5.8.dat")" = 2 ] && \
   [ "$(grep -c '^npages prepare walk+faults alloc conversion dma-map$' "$SRC/plotdata/stages-first-touch-nouveau-v5.8.dat")" = 1 ]; then
	ok "stage figure data: a block per source present"
else
	fail "stage figure data blocks"
fi

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
