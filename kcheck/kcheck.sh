#!/usr/bin/env bash
# kcheck/kcheck.sh: the real kernel as the oracle (docs/kcheck.md).
#
#   kcheck/kcheck.sh --pfnbench BIN --work DIR [--full] [--if-cached]
#                    [--cases N] [--seed S] [--timeout SECONDS]
#
# Boots a Debian 6.1 kernel under QEMU (TCG, 2 vCPUs, two NUMA nodes of
# 1 GiB) with a busybox initramfs, and in the guest:
#   1. runs every page file of the check (kcheck/cases.py writes them: each
#      state with each request, the default flags and mask, and random
#      address spaces from `pfnbench verify --write-cases`) through the real
#      hmm_range_fault() (module kernels/kmod, program kcheck/guest/kguest.c)
#      and compares the words with `pfnbench encode --walk 6.1` on the same
#      file (kcheck/compare.py, known version differences in
#      kcheck/expected-diffs.tsv);
#   2. runs `pfnbench run` on configs/numa.conf's placements and checks that
#      node 1 got what node 1 was asked for (placement_actual) and that the
#      workers ran on the CPUs of the node asked for;
#   3. with --full, on the custom kernel (kcheck/build-kernel.sh): the
#      device-private states through lib/test_hmm's dmirror devices, and the
#      kernel's own selftest hmm-tests, with THP always and never.
#
# Stock kernel: the package linux-image-amd64 points to, fetched with
# `apt-get download` (about 70 MB, cached in ~/.cache/pfnbench/debs) and
# unpacked with dpkg-deb -x, never installed as this machine's kernel; the
# module is built against the matching linux-headers package (run.sh
# installs linux-headers-amd64).  Build products go to the work dir, so a
# second run only boots.  Nothing timed in the guest is a measurement.
#
# Exit: 0 pass, 1 fail (a disagreement, a panic, a hang, a missing result:
# the guest's last lines are shown), 77 skipped (QEMU cannot run here, or
# --full --if-cached without a cached custom kernel: the reason is printed),
# 2 bad usage or a missing tool.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin= work= full=0 if_cached=0 cases=${KCHECK_CASES:-400} seed=${KCHECK_SEED:-1} tmo=
while [ $# -gt 0 ]; do
	case "$1" in
	--pfnbench) bin=$2; shift ;;
	--work) work=$2; shift ;;
	--build) bin=$2/test/pfnbench; work=$2/test/kcheck; shift ;;
	--full) full=1 ;;
	--if-cached) if_cached=1 ;;
	--cases) cases=$2; shift ;;
	--seed) seed=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	-h|--help) sed -n '2,36p' "$0"; exit 0 ;;
	*) echo "kcheck: unknown option $1 (see kcheck/kcheck.sh --help)" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$bin" ] && [ -n "$work" ] || { echo "kcheck: give --pfnbench BIN --work DIR (or --build BUILD_DIR)" >&2; exit 2; }
[ -x "$bin" ] || { echo "kcheck: $bin is not built" >&2; exit 2; }
bin=$(realpath "$bin") work=$(realpath -m "$work")
cache=${PFNBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pfnbench}
mode=stock; [ $full = 1 ] && mode=full
w=$work/$mode
mkdir -p "$w" "$cache/debs"
skip() { echo "kcheck: SKIPPED ($mode): $*" >&2; exit 77; }
fail() { echo "kcheck: FAILED ($mode): $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || { echo "kcheck: $1 not found (run.sh installs package $2)" >&2; exit 2; }; }
need python3 python3; need cpio cpio; need dpkg-deb dpkg; need gcc gcc; need make make
qemu=${KCHECK_QEMU:-qemu-system-x86_64}   # KCHECK_QEMU: another QEMU binary (tests)
command -v "$qemu" >/dev/null || skip "$qemu is not installed (package qemu-system-x86)"
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || skip "no static /bin/busybox (package busybox-static)"
say() { echo "kcheck: $*" >&2; }

# ---- can QEMU run here at all? ----
if ! qerr=$(echo quit | timeout 60 "$qemu" -accel tcg -machine q35 -nodefaults -display none \
		-monitor stdio -S 2>&1 >/dev/null); then
	skip "$qemu cannot start a TCG machine here: ${qerr:-it failed without a message}"
fi

# ---- the kernel ----
if [ $mode = stock ]; then
	abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
	[ -n "$abi" ] || { echo "kcheck: linux-headers-amd64 is not installed (run.sh installs it)" >&2; exit 2; }
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi")
	kdir=/usr/src/linux-headers-$abi
	[ -d "$kdir" ] || { echo "kcheck: $kdir missing" >&2; exit 2; }
	deb=$cache/debs/linux-image-${abi}_${ver}_amd64.deb
	if [ ! -s "$deb" ]; then
		say "downloading linux-image-$abi $ver with apt-get download (about 70 MB; once, cached in $cache/debs)"
		dl=$(mktemp -d "$cache/debs/dl.XXXXXX")
		(cd "$dl" && apt-get download -q "linux-image-$abi=$ver" >&2) ||
			{ rm -rf "$dl"; fail "apt-get download linux-image-$abi=$ver failed"; }
		mv "$dl"/linux-image-*.deb "$deb.tmp" && mv "$deb.tmp" "$deb" && rm -rf "$dl"
	fi
	kimg=$w/kernel-$abi
	if [ ! -f "$kimg/done" ]; then
		say "unpacking $(basename "$deb") with dpkg-deb -x (not installed as this machine's kernel)"
		rm -rf "$kimg" "$kimg.x" && mkdir -p "$kimg.x"
		dpkg-deb -x "$deb" "$kimg.x"
		mkdir -p "$kimg/modules"
		cp "$kimg.x/boot/vmlinuz-$abi" "$kimg/vmlinuz"
		cp "$kimg.x/boot/config-$abi" "$kimg/config"
		# zram and what it needs, in load order
		python3 "$top/kcheck/moddeps.py" "$kimg.x/lib/modules/$abi" kernel/drivers/block/zram/zram.ko > "$kimg/order"
		while read -r m; do cp "$kimg.x/lib/modules/$abi/$m" "$kimg/modules/"; done < "$kimg/order"
		rm -rf "$kimg.x"
		touch "$kimg/done"
	fi
	vmlinuz=$kimg/vmlinuz
	mods=$(sed 's|.*/||' "$kimg/order")
	release=$abi
else
	if ! kfull=$("$top/kcheck/build-kernel.sh" --check 2>/dev/null); then
		[ $if_cached = 1 ] && skip "the custom kernel is not cached under $cache (build it with ./run.sh kcheck --full, about 16 minutes)"
		kfull=$("$top/kcheck/build-kernel.sh")
	fi
	kdir=$kfull/out
	vmlinuz=$kdir/arch/x86/boot/bzImage
	release=$(cat "$kdir/include/config/kernel.release")
	ver="custom $release ($(basename "$kfull"))"
	mods=test_hmm.ko
fi
say "kernel: $mode $release, package version $ver"

# ---- build products (rebuilt only when a source is newer) ----
kmod=$w/kmod
mkdir -p "$kmod"
for f in "$top"/kernels/kmod/*; do cmp -s "$f" "$kmod/$(basename "$f")" || cp "$f" "$kmod/"; done
if [ ! -f "$kmod/pfn_kcheck.ko" ] || [ -n "$(find "$kmod" -newer "$kmod/pfn_kcheck.ko" -name '*.[ch]')" ]; then
	say "building the module kernels/kmod against $kdir"
	if [ $mode = stock ]; then
		make -s -C "$kdir" M="$kmod" modules >&2 || fail "module build failed"
	else
		make -s -C "$kfull/src" O="$kdir" M="$kmod" modules >&2 || fail "module build failed"
	fi
fi
guest=$work/kguest
if [ ! -x "$guest" ] || [ "$top/kcheck/guest/kguest.c" -nt "$guest" ] || [ "$top/kernels/kmod/kcheck_uapi.h" -nt "$guest" ]; then
	say "building the static guest program kcheck/guest/kguest.c"
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I "$top/kernels/kmod" "$top/kcheck/guest/kguest.c" -o "$guest"
fi
hmmtests=
if [ $mode = full ]; then
	hmmtests=$work/hmm-tests
	st=$kfull/src/tools/testing/selftests
	if [ ! -x "$hmmtests" ]; then
		say "building the kernel's own selftest $st/vm/hmm-tests.c (static)"
		gcc -static -O2 -w -I "$kfull/src" -I "$st" -I "$kdir/usr/include" "$st/vm/hmm-tests.c" \
			-o "$hmmtests" -lpthread -lrt || fail "hmm-tests did not build"
	fi
fi

# ---- the page files and the emulator's words ----
say "writing page files and the emulator's words (pfnbench encode --walk 6.1)"
python3 "$top/kcheck/cases.py" --pfnbench "$bin" --out "$w/cases" --mode $mode --cases "$cases" --seed "$seed" >&2 ||
	fail "kcheck/cases.py failed"

# ---- pfnbench itself, for the NUMA placement check ----
pfb=$work/pfnbench-guest
rm -rf "$pfb" && mkdir -p "$pfb/lib"
cp "$bin" "$pfb/pfnbench"
for l in $(ldd "$bin" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do cp -L "$l" "$pfb/lib/"; done
ld=$(basename "$(ldd "$bin" | awk '/ld-linux/ { print $1 }')")
sed -e 's/^npages = .*/npages = 512/' -e 's/^repetitions = .*/repetitions = 1/' "$top/configs/numa.conf" > "$pfb/numa.conf"
cat > "$pfb/run" <<EOF
#!/bin/sh
# pfnbench from the host build, with its own libraries (the guest has none)
cp /pfnbench/numa.conf /tmp/numa.conf
mkdir -p /tmp/out
exec /pfnbench/lib/$ld --library-path /pfnbench/lib /pfnbench/pfnbench run --config /tmp/numa.conf --out /tmp/out --console
EOF
chmod +x "$pfb/run"

# ---- the initramfs ----
root=$w/root
rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$root/bin/busybox"
install -m 755 "$top/kcheck/guest/init" "$root/init"
cp "$guest" "$root/kguest"
cp -r "$w/cases/guest" "$root/cases"
cp -r "$pfb" "$root/pfnbench"
[ -n "$hmmtests" ] && cp "$hmmtests" "$root/hmm-tests"
: > "$root/modules.order"
if [ $mode = stock ]; then
	for m in $mods; do cp "$kimg/modules/$m" "$root/lib/modules/"; echo "$m" >> "$root/modules.order"; done
else
	cp "$(find "$kdir/lib" -name test_hmm.ko | head -1)" "$root/lib/modules/"
	echo test_hmm.ko >> "$root/modules.order"
fi
cp "$kmod/pfn_kcheck.ko" "$root/lib/modules/" && echo pfn_kcheck.ko >> "$root/modules.order"
echo "KC_MODE=$mode" > "$root/kcheck.env"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$w/initramfs.cpio"

# ---- boot ----
if [ -z "$tmo" ]; then tmo=600; [ $mode = full ] && tmo=1200; fi
console=$w/console.log results=$w/results.txt
rm -f "$console" "$results"
say "booting $release under QEMU TCG (2 vCPUs, NUMA nodes 0 and 1 of 1 GiB each, timeout ${tmo}s)"
t0=$(date +%s)
# One TCG thread for both vCPUs (thread=single): with a thread per vCPU, the
# stock guest once hung in numa.conf's run (vCPU 1's timer never fired, RCU
# stalls, a soft lockup of 400 s on vCPU 0 waiting on it); one thread took
# the same 29 s (stock) and 110 s (--full) here and has not hung.
set +e
timeout -k 10 "$tmo" "$qemu" -accel tcg,thread=single -machine q35 -cpu max,la57=off -smp 2 -m 2G \
	-object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G \
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 \
	-kernel "$vmlinuz" -initrd "$w/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 transparent_hugepage=madvise" \
	-display none -nodefaults -no-reboot -monitor none \
	-serial "file:$console" -serial "file:$results" </dev/null
qrc=$?
set -e
secs=$(( $(date +%s) - t0 ))
say "QEMU exited with $qrc after ${secs}s (wall time under TCG, not a measurement)"
[ $qrc = 124 ] || [ $qrc = 137 ] && { tail -30 "$console" >&2; fail "the guest did not finish within ${tmo}s (hang?): its last console lines are above"; }
grep -q "^BOOTED" "$results" 2>/dev/null || { tail -40 "$console" >&2; fail "the guest did not boot to /init: its last console lines are above"; }
python3 "$top/kcheck/compare.py" --mode $mode --cases "$w/cases" --results "$results" --console "$console" \
	--diffs "$top/kcheck/expected-diffs.tsv" --boot-seconds "$secs" --report "$w/report.txt"
