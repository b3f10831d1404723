#!/bin/bash
# cli_files.sh - what pfnbench writes and reads, when the file system is
# hostile (issue 14):
#  * links: report never writes through a link someone left at a name it
#    writes (plotdata/ratio.dat, ratio.png, report.txt) and refuses a
#    plotdata/ that is a link; the files pointed to stay as they were;
#  * four reports of one directory at once: all succeed, every figure is a
#    whole PNG/SVG, no temporary file is left;
#  * gnuplot's output is checked: a gnuplot that exits 1, or exits 0 after
#    writing a cut PNG, gives a note and no figure under its name;
#  * a read-only results directory is refused up front, with a hint to
#    --out; report --out DIR writes there and leaves the results alone;
#  * a full disk (a small tmpfs; needs root, else skipped and said so):
#    report exits with the file's name and "no space left on device",
#    and leaves no half-written file and no *.tmp;
#  * readers: a results.csv over the 1 GiB limit (sparse) is refused
#    without reading it; a results.csv linked to /dev/zero fails at once;
#  * long paths (about 3900 bytes): every message still ends with its
#    reason.
#
# usage: bash cli_files.sh PFNBENCH_BIN TESTS_DATA_DIR
set -u
BIN=$(readlink -f "$1")
DATA=$(readlink -f "$2")
TMP=$(mktemp -d /tmp/cli_files.XXXXXX)
MNT=$TMP/mnt
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
skip() { echo "skip: $*"; }

# whole DIR: every PNG's chunks run to IEND at its end, every SVG ends with
# </svg>, nothing is empty, no temporary file or drawing directory is left
whole() {
	python3 - "$1" <<'PY'
import os, struct, sys
d = sys.argv[1]
n = 0
for root, dirs, files in os.walk(d):
    for f in dirs + files:
        assert not f.endswith('.tmp') and not f.startswith('.report-'), 'left behind: ' + os.path.join(root, f)
    for f in files:
        p = os.path.join(root, f)
        if os.path.islink(p):
            continue
        data = open(p, 'rb').read()
        assert data, 'empty: ' + p
        if f.endswith('.png'):
            assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG: ' + p
            pos = 8
            while True:
                (k,) = struct.unpack('>I', data[pos:pos + 4])
                kind = data[pos + 4:pos + 8]
                pos += 12 + k
                if kind == b'IEND':
                    break
            assert pos == len(data), 'cut PNG: ' + p
            n += 1
        if f.endswith('.svg'):
            assert data.rstrip().endswith(b'</svg>'), 'cut SVG: ' + p
print('%d whole PNGs' % n)
PY
}

fixture() { # fixture DIR: a copy of the results fixture
	mkdir -p "$1" && cp "$DATA/results-fixture/results.csv" "$DATA/results-fixture/meta.json" "$1/"
}

# ---- links ---------------------------------------------------------------------
R=$TMP/links
fixture "$R"
mkdir -p "$R/plotdata"
for v in dat png txt; do echo "precious $v" >"$TMP/victim.$v"; done
ln -s "$TMP/victim.dat" "$R/plotdata/ratio.dat"
ln -s "$TMP/victim.png" "$R/ratio.png"
ln -s "$TMP/victim.txt" "$R/report.txt"
if "$BIN" report "$R" >"$TMP/out" 2>&1; then ok "links: report exit 0"; else fail "links: $(cat "$TMP/out")"; fi
for v in dat png txt; do
	[ "$(cat "$TMP/victim.$v")" = "precious $v" ] && ok "links: the $v a link pointed to is untouched" ||
		fail "links: $TMP/victim.$v was written through a link"
done
[ ! -L "$R/ratio.png" ] && [ -s "$R/ratio.png" ] && [ ! -L "$R/report.txt" ] && [ ! -L "$R/plotdata/ratio.dat" ] &&
	ok "links: replaced by the new files" || fail "links: a link is still there"
R2=$TMP/linkdir
fixture "$R2"
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$R2/plotdata"
"$BIN" report "$R2" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q "plotdata: is a symbolic link (not followed)" "$TMP/err" &&
	ok "links: plotdata/ a link: refused: $(cat "$TMP/err")" || fail "links: plotdata link: exit $rc, $(cat "$TMP/err")"
[ -z "$(ls "$TMP/elsewhere")" ] && ok "links: nothing written where plotdata/ pointed" ||
	fail "links: wrote into $(ls "$TMP/elsewhere")"

# ---- four reports at once ------------------------------------------------------------
R=$TMP/concurrent
fixture "$R"
pids=()
for i in 1 2 3 4; do
	"$BIN" report "$R" >"$TMP/c$i.out" 2>&1 &
	pids+=($!)
done
bad=0
for i in 1 2 3 4; do wait "${pids[$((i - 1))]}" || { bad=1; cat "$TMP/c$i.out"; }; done
[ $bad -eq 0 ] && ok "4 reports at once: all exit 0" || fail "4 reports at once: one failed"
if msg=$(whole "$R" 2>&1); then ok "4 reports at once: $msg, no temporary file"; else fail "4 reports at once: $msg"; fi

# ---- gnuplot's output is checked --------------------------------------------------
R=$TMP/gnuplot
fixture "$R"
cat >"$TMP/gp-fails" <<'EOF'
#!/bin/sh
exit 1
EOF
cat >"$TMP/gp-cuts" <<'EOF'
#!/bin/sh
# a gnuplot that "succeeds" with a PNG cut after its header, as on a full disk
case "$2" in *outbase=\'*) ;; esac
base=$(printf '%s' "$2" | sed -n "s/.*outbase='\([^']*\)'.*/\1/p")
[ -n "$base" ] || exit 0
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$base.png"
printf '<svg>' >"$base.svg"
case "$2" in *dumb=1*) : >"$base.txt" ;; esac
exit 0
EOF
chmod +x "$TMP/gp-fails" "$TMP/gp-cuts"
for gp in fails cuts; do
	"$BIN" report --gnuplot "$TMP/gp-$gp" "$R" >"$TMP/out" 2>&1
	rc=$?
	n=$(ls "$R"/*.png "$R"/*.svg 2>/dev/null | wc -l)
	[ $rc -eq 0 ] && [ "$n" -eq 0 ] && ok "gnuplot $gp: exit 0, no figure: $(grep -m1 '^note: ratio' "$TMP/out")" ||
		fail "gnuplot $gp: exit $rc, $n figures: $(head -3 "$TMP/out")"
done
grep -q "note: ratio.png: gnuplot's output is not a complete PNG" "$TMP/out" &&
	ok "gnuplot cuts: the note says why" || fail "gnuplot cuts: $(grep ratio "$TMP/out")"

# ---- a read-only results directory ----------------------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$MNT" && mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
	fixture "$MNT/r"
	mount -o remount,ro "$MNT"
	"$BIN" report "$MNT/r" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "^pfnbench report: $MNT/r: cannot write the report there: read-only file system (give --out DIR to write it to another directory)$" "$TMP/err" &&
		ok "read-only: refused: $(cat "$TMP/err")" || fail "read-only: exit $rc, $(cat "$TMP/err")"
	"$BIN" report --out "$TMP/ro-out" "$MNT/r" >"$TMP/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ -s "$TMP/ro-out/report.txt" ] && [ -s "$TMP/ro-out/ratio.png" ] && [ -s "$TMP/ro-out/plotdata/ratio.dat" ] &&
		ok "read-only: report --out DIR writes there" || fail "read-only: --out: exit $rc, $(cat "$TMP/out")"
	umount "$MNT"

	# ---- a full disk: report ------------------------------------------------------------
	# fill FREE_KIB: a 4 MiB tmpfs, the fixture, then a file that leaves FREE_KIB free
	fill() {
		mount -t tmpfs -o size=4m tmpfs "$MNT" && fixture "$MNT/r" || return 1
		local avail
		avail=$(df -k --output=avail "$MNT" | tail -1)
		dd if=/dev/zero of="$MNT/filler" bs=1k count=$((avail - $1)) status=none 2>/dev/null
		return 0
	}
	for free in 100 400; do
		fill $free || { fail "full disk: cannot fill a tmpfs"; break; }
		"$BIN" report "$MNT/r" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ $rc -eq 2 ] && grep -Eq "^pfnbench report: $MNT/r/[^ ]+: cannot write: no space left on device$" "$TMP/err" &&
			ok "full disk ($free KiB free): report: $(cat "$TMP/err")" ||
			fail "full disk ($free KiB free): report: exit $rc, $(cat "$TMP/err")"
		if msg=$(whole "$MNT/r" 2>&1); then ok "full disk ($free KiB free): what is there is whole ($msg)"; else
			fail "full disk ($free KiB free): $msg"; fi
		umount "$MNT"
	done
	fill 0
	"$BIN" report --no-figures "$MNT/r" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "^pfnbench report: $MNT/r/report.txt: cannot write: no space left on device$" "$TMP/err" &&
		ok "full disk: report.txt: $(cat "$TMP/err")" || fail "full disk: report.txt: exit $rc, $(cat "$TMP/err")"
	[ "$(ls "$MNT/r" | tr '\n' ' ')" = "meta.json results.csv " ] &&
		ok "full disk: no report.txt, nothing else left" || fail "full disk: left $(ls "$MNT/r")"
	umount "$MNT"

	umount "$MNT"
else
	skip "read-only and full disk: mounting a tmpfs needs root"
fi

# ---- readers: size limits, the head first ------------------------------------------
R=$TMP/big
mkdir -p "$R"
{ head -1 "$DATA/results-fixture/results.csv"; } >"$R/results.csv"
truncate -s 1100M "$R/results.csv"
timeout 60 "$BIN" report --no-figures "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q "^pfnbench report: $R/results.csv: larger than 1024 MiB, the limit for this file (is this a results.csv?)$" "$TMP/err" &&
	ok "1.1 GB results.csv: refused: $(cat "$TMP/err")" || fail "1.1 GB results.csv: exit $rc, $(cat "$TMP/err")"
ln -sf /dev/zero "$R/results.csv"
timeout 60 "$BIN" compare "$R" "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q "results.csv:1: byte 0x00 at column 1 of the header line" "$TMP/err" &&
	ok "results.csv -> /dev/zero: refused at the header" || fail "results.csv -> /dev/zero: exit $rc, $(cat "$TMP/err")"

# ---- long paths: the reason survives ------------------------------------------------
long=$TMP
while [ ${#long} -lt 3800 ]; do long=$long/$(printf 'd%.0s' $(seq 200)); done
mkdir -p "$long"
cp "$DATA/bad-input/unknown-key.conf" "$DATA/bad-input/unknown-state.page" "$long/"
cp -r "$DATA/bad-input/truncated-csv" "$DATA/bad-input/truncated-meta" "$long/"
check_tail() { # check_tail WHAT WANT_END COMMAND...
	local what=$1 want=$2
	shift 2
	"$BIN" "$@" >/dev/null 2>"$TMP/err"
	local rc=$? last
	last=$(tail -1 "$TMP/err")
	[ $rc -eq 2 ] && [ "${last%"$want"}" != "$last" ] && ok "long path (${#long} bytes): $what ends with its reason" ||
		fail "long path: $what: exit $rc, ends '${last: -150}'"
}
check_tail config "unknown key 'batchs' in [sweep] (the keys are listed at the top of configs/default.conf)" \
	run --config "$long/unknown-key.conf" --out "$TMP/o"
check_tail "page file" "(use one of: none ro rw rovma zero swap thp-ro thp-rw dev dev-ro dev-other special novma noread pfnmap)" \
	encode --backend nouveau-v5.8 "$long/unknown-state.page"
check_tail results.csv "no newline at end of file (truncated? delete the cut last line or rerun)" \
	compare "$DATA/results-fixture" "$long/truncated-csv"
check_tail meta.json "(the file is damaged or cut short: rerun, or delete it to report without machine details)" \
	report --no-figures "$long/truncated-meta"
check_tail "missing file" "No such file or directory (give a results directory or its results.csv)" \
	report "$long/nothing-here"

echo "$FAILS failure(s)"
[ $FAILS -eq 0 ]
