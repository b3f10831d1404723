#!/usr/bin/env bash
# kcheck/build-kernel.sh: build the custom kernel that `./run.sh kcheck --full`
# boots: Debian's linux-source-6.1 with defconfig plus HMM mirroring,
# ZONE_DEVICE, DEVICE_PRIVATE and lib/test_hmm as a module (the stock Debian
# kernel has neither DEVICE_PRIVATE nor TEST_HMM), and what the guest needs
# (serial console, NUMA, THP, zram swap, hugetlbfs, initramfs).
#
#   kcheck/build-kernel.sh            build if not cached; print the cache dir
#   kcheck/build-kernel.sh --check    exit 0 if a finished build is cached
#
# The source comes from the Debian package linux-source-6.1
# (/usr/src/linux-source-6.1.tar.xz), installed with apt-get when missing.
# The build goes to ~/.cache/pfnbench/kernel-full-<package version>/ (or
# $PFNBENCH_CACHE), outside the clone, so later runs and CI on the same
# machine reuse it. With -j2 it takes about 16 minutes; it runs under
# `nice -n 10`. A stamp file `done` marks a finished build; a lock keeps two
# runs from building at once.
set -euo pipefail

cache=${PFNBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pfnbench}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
tarball=/usr/src/linux-source-6.1.tar.xz

srcver() { dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true; }

ver=$(srcver)
if [ "${1:-}" = --check ]; then
	[ -n "$ver" ] && [ -f "$cache/kernel-full-$ver/done" ] && { echo "$cache/kernel-full-$ver"; exit 0; }
	# A finished build of any version is good enough for a check.
	for d in "$cache"/kernel-full-*/; do
		[ -f "$d/done" ] && { echo "${d%/}"; exit 0; }
	done
	exit 1
fi

if [ -z "$ver" ] || [ ! -f "$tarball" ]; then
	if [ "$(id -u)" -ne 0 ] || [ "${PFNBENCH_SKIP_INSTALL:-0}" = 1 ]; then
		echo "build-kernel: linux-source-6.1 is not installed; as root: apt-get install -y linux-source-6.1" >&2
		exit 2
	fi
	echo "build-kernel: installing linux-source-6.1 (about 140 MB)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >&2 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >&2; }
	ver=$(srcver)
fi

dir=$cache/kernel-full-$ver
if [ -f "$dir/done" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
exec 9>"$dir/lock"
if ! flock -n 9; then
	echo "build-kernel: another build holds $dir/lock; waiting" >&2
	flock 9
	[ -f "$dir/done" ] && { echo "$dir"; exit 0; }
fi

start=$(date +%s)
if [ ! -f "$dir/src/Makefile" ]; then
	echo "build-kernel: unpacking $tarball" >&2
	rm -rf "$dir/src" "$dir/src.tmp" && mkdir -p "$dir/src.tmp"
	tar -xJf "$tarball" -C "$dir/src.tmp" --strip-components=1
	mv "$dir/src.tmp" "$dir/src"
fi
out=$dir/out
mkdir -p "$out"
mk() { nice -n 10 make -C "$dir/src" O="$out" "$@"; }
if [ ! -f "$out/.config.kcheck" ]; then
	mk -s x86_64_defconfig
	cfg() { "$dir/src/scripts/config" --file "$out/.config" "$@"; }
	# HMM, device-private memory and the test driver.
	cfg -e TRANSPARENT_HUGEPAGE -e TRANSPARENT_HUGEPAGE_ALWAYS \
	    -e MEMORY_HOTPLUG -e MEMORY_HOTREMOVE -e SPARSEMEM_VMEMMAP \
	    -e ZONE_DEVICE -e MIGRATION -e MMU_NOTIFIER -e HMM_MIRROR \
	    -e DEVICE_PRIVATE -m TEST_HMM
	# The guest: NUMA, swap on zram, hugetlbfs, modules, serial console.
	cfg -e NUMA -e SWAP -e CRYPTO_LZO -e ZSMALLOC -e ZRAM -e HUGETLBFS \
	    -e MODULES -e MODULE_UNLOAD -d MODULE_SIG -e BLK_DEV_INITRD \
	    -e DEVTMPFS -e DEVTMPFS_MOUNT -e TMPFS -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
	    -e USERFAULTFD -e PROC_PAGE_MONITOR
	# Not needed in the guest; off to shorten the build.
	cfg -d DRM -d SOUND -d WIRELESS -d WLAN -d CFG80211 -d MAC80211 \
	    -d NETFILTER -d DEBUG_INFO -d KVM -d HYPERVISOR_GUEST -d USB_SUPPORT
	mk -s olddefconfig
	for o in HMM_MIRROR DEVICE_PRIVATE ZONE_DEVICE ZRAM NUMA TRANSPARENT_HUGEPAGE; do
		grep -q "^CONFIG_$o=y" "$out/.config" || { echo "build-kernel: CONFIG_$o did not stay =y" >&2; exit 1; }
	done
	grep -q '^CONFIG_TEST_HMM=m' "$out/.config" || { echo "build-kernel: CONFIG_TEST_HMM did not stay =m" >&2; exit 1; }
	cp "$out/.config" "$out/.config.kcheck"
fi
echo "build-kernel: building linux-source-$ver in $out with -j$JOBS (about 16 minutes on 2 cores)" >&2
mk -s -j"$JOBS" bzImage modules
mk -s modules_prepare
# The selftest's uapi header and test program sources travel with the build.
touch "$dir/done"
echo "build-kernel: done in $(( $(date +%s) - start )) s" >&2
echo "$dir"
