#!/usr/bin/env bash
# pfnbench: install what is missing, build, and run.
#
#   ./run.sh                     default sweep (configs/default.conf), report, plots
#   ./run.sh --quick             configs/quick.conf (under a minute)
#   ./run.sh --config FILE       any config; further options go to `pfnbench run`
#   ./run.sh test                build (warnings are errors) and run every test,
#                                the same tests under ASan+UBSan, the fuzzers
#                                (clang, FUZZ_SECONDS each, default 20), then
#                                the CI gate: callgrind counts against
#                                results/baseline, timing against HEAD^1 (README)
#   ./run.sh baseline            remake results/baseline (after an intended change)
#   ./run.sh perf CASE [--config FILE] [--seconds S]
#                                a perf record profile of one case (default
#                                config configs/default.conf, 2 s of passes):
#                                the case's timings, perf.data and
#                                perf-summary.txt in a new results directory
#   ./run.sh kcheck [--full]     the real kernel as the oracle: boot Debian's
#                                kernel under QEMU, compare hmm_range_fault()
#                                with the emulator, check numa.conf's node-1
#                                placement (--full: the custom kernel with
#                                test_hmm, device-private pages, hmm-tests;
#                                see docs/kcheck.md)
#
# Build trees: BUILD_DIR/release (measurements), BUILD_DIR/test (tests and
# the gate: the baseline's instruction counts are of this build type),
# BUILD_DIR/asan, BUILD_DIR/fuzz (clang, libFuzzer).  Environment: BUILD_DIR
# (default ./build), JOBS (default nproc), FUZZ_SECONDS (default 20),
# PFNBENCH_SKIP_INSTALL=1 to never call apt-get, PFNBENCH_GATE_BASE (the
# revision the timing gate compares against, default HEAD^1).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$top"
BUILD_DIR=${BUILD_DIR:-$top/build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Debian packages the build, the tests and the reports need.
PACKAGES=(cmake make gcc g++ pkg-config git python3 python3-numpy python3-scipy
	libbenchmark-dev libbenchmark-tools libhwloc-dev hwloc libnuma-dev numactl
	libinih-dev libjansson-dev libcmocka-dev gnuplot-nox valgrind
	clang libclang-rt-14-dev linux-perf util-linux
	# kcheck (docs/kcheck.md): QEMU, a busybox initramfs, the headers that
	# match the kernel package linux-image-amd64 points to, and what the
	# --full custom kernel build needs
	qemu-system-x86 busybox-static cpio linux-headers-amd64 kmod
	flex bison bc libelf-dev libssl-dev)

install_missing() {
	[ "${PFNBENCH_SKIP_INSTALL:-0}" = 1 ] && return 0
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing Debian packages; as root, run:" >&2
		echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
		exit 2
	fi
	echo "run.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >&2
}

build() { # build DIR [cmake options...]
	local dir=$1; shift
	cmake -S "$top" -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS"
}

run_tests() { # run_tests DIR (everything but the kcheck label)
	(cd "$1" && ctest --output-on-failure -j "$JOBS" --timeout 900 -LE kcheck)
}

# kcheck's CTest tests: the stock kernel, then --full (skipped, with the
# reason, when the custom kernel is not cached). A test that cannot run QEMU
# shows as skipped, never as passed. -V: the verdicts (counts, placement,
# hmm-tests) and skip reasons go into the log.
kcheck_ctest() { # kcheck_ctest DIR
	(cd "$1" && ctest -V --timeout 1500 -L kcheck)
}

build_test() {
	build "$BUILD_DIR/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPFNBENCH_WERROR=ON
}

# The CI gate (README, "The CI gate").  Nothing timed is committed:
#  1/2 instructions and bytes per page under callgrind, exact, against
#      results/baseline/callgrind (which records its toolchain); when this
#      machine's toolchain differs (compare exits 3), both builds are counted
#      here instead (pfnbench ab --callgrind);
#  2/2 timing: this build against GATE_BASE (default HEAD^1, HEAD's first
#      parent) built here, the two alternated in one run (pfnbench ab).
# An intended change says so in HEAD's commit message, one trailer a line:
#   Pfnbench-Gate: allow-missing    cases or backends were removed or renamed
#   Pfnbench-Gate: accept-slower    a slowdown is intended (printed, not failed)
gate() {
	local bin="$BUILD_DIR/test/pfnbench" out dir rc base msg allow=() accept=no
	base=${PFNBENCH_GATE_BASE:-HEAD^1}
	msg=$(git log -1 --format=%B 2>/dev/null || true)
	if grep -qiE '^Pfnbench-Gate: *allow-missing' <<<"$msg"; then
		allow=(--allow-missing)
		echo "run.sh: HEAD's message says: Pfnbench-Gate: allow-missing" >&2
	fi
	if grep -qiE '^Pfnbench-Gate: *accept-slower' <<<"$msg"; then
		accept=yes
		echo "run.sh: HEAD's message says: Pfnbench-Gate: accept-slower" >&2
	fi
	out=$(mktemp -d)
	echo "== CI gate 1/2: instructions and bytes per page under callgrind ==" >&2
	dir=$("$bin" callgrind --config configs/gate.conf --out "$out")
	set +e
	"$bin" compare results/baseline/callgrind "$dir" --thresholds configs/thresholds.conf "${allow[@]}"
	rc=$?
	set -e
	if [ "$rc" -eq 3 ]; then
		echo "run.sh: this toolchain is not the baseline's: counting $base here instead" >&2
		"$bin" ab --callgrind --base "$base" --config configs/gate.conf \
			--thresholds configs/thresholds.conf --out "$out" "${allow[@]}"
	elif [ "$rc" -ne 0 ]; then
		exit "$rc"
	fi
	echo "== CI gate 2/2: timing, this build against $base alternated in one run ==" >&2
	if ! git rev-parse -q --verify "$base^{commit}" >/dev/null 2>&1; then
		echo "SKIPPED: timing gate: $base is not a commit here (a first commit, a shallow" >&2
		echo "clone or not a git checkout): nothing to time this build against" >&2
	else
		set +e
		"$bin" ab --base "$base" --config configs/ab.conf --thresholds configs/thresholds.conf \
			--out "$out" "${allow[@]}"
		rc=$?
		set -e
		if [ "$rc" -eq 1 ] && [ "$accept" = yes ]; then
			echo "run.sh: slower than $base, accepted by HEAD's message (Pfnbench-Gate: accept-slower)" >&2
		elif [ "$rc" -ne 0 ]; then
			exit "$rc"
		fi
	fi
	rm -rf "$out"
}

if [ "${1:-}" = test ]; then
	shift
	install_missing
	echo "== build (RelWithDebInfo, -Werror) ==" >&2
	build_test
	echo "== tests ==" >&2
	run_tests "$BUILD_DIR/test"
	echo "== build (ASan+UBSan) ==" >&2
	build "$BUILD_DIR/asan" -DCMAKE_BUILD_TYPE=Debug -DPFNBENCH_WERROR=ON -DPFNBENCH_SANITIZE=ON
	echo "== tests under ASan+UBSan ==" >&2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_tests "$BUILD_DIR/asan"
	echo "== fuzzing: config, page file and results readers, ${FUZZ_SECONDS:-20}s each ==" >&2
	tests/fuzz/run.sh "$BUILD_DIR/fuzz" "${FUZZ_SECONDS:-20}" "$JOBS"
	echo "== kcheck: the real kernel under QEMU (CTest label kcheck) ==" >&2
	kcheck_ctest "$BUILD_DIR/test"
	gate
	exit 0
fi

if [ "${1:-}" = kcheck ]; then
	shift
	install_missing
	build_test
	exec kcheck/kcheck.sh --build "$BUILD_DIR" "$@"
fi

if [ "${1:-}" = baseline ]; then
	# Only deterministic counts are committed: instructions and bytes per
	# page under callgrind, with the toolchain that counted them.
	install_missing
	build_test
	bin="$BUILD_DIR/test/pfnbench"
	tmp=$(mktemp -d)
	dir=$("$bin" callgrind --config configs/gate.conf --out "$tmp")
	rm -rf results/baseline.new && mkdir -p results/baseline.new
	mv "$dir" results/baseline.new/callgrind
	rm -rf results/baseline.new/callgrind/callgrind
	rm -rf results/baseline && mv results/baseline.new results/baseline
	rm -rf "$tmp"
	echo "results/baseline remade by: ./run.sh baseline" >&2
	exit 0
fi

if [ "${1:-}" = perf ]; then
	# pfnbench run --perf-record CASE, with the sweep cut down to CASE
	# (--benchmark_filter), on the measuring (Release) build: no frame
	# pointers, stacks by DWARF (README, "Profiles")
	shift
	[ $# -ge 1 ] || { echo "usage: ./run.sh perf CASE [--config FILE] [--seconds S]" >&2; exit 2; }
	case_name=$1; shift
	config=configs/default.conf seconds=2
	while [ $# -gt 0 ]; do
		case "$1" in
		--config) config=$2; shift ;;
		--seconds) seconds=$2; shift ;;
		*) echo "run.sh perf: unknown argument '$1'" >&2; exit 2 ;;
		esac
		shift
	done
	install_missing
	build "$BUILD_DIR/release" -DCMAKE_BUILD_TYPE=Release -DPFNBENCH_WERROR=OFF >&2
	bin="$BUILD_DIR/release/pfnbench"
	# Google Benchmark appends /min_time:.../repeats:... or /iterations:...
	filter="^$(printf '%s' "$case_name" | sed 's/[.]/\\./g')/(min_time|iterations):"
	echo "run.sh: running with ASLR disabled (setarch -R)" >&2
	exec setarch "$(uname -m)" -R "$bin" run --config "$config" --out "$top/results" \
		"--benchmark_filter=$filter" --perf-record "$case_name" --perf-seconds "$seconds"
fi

config=configs/default.conf
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) config=configs/quick.conf ;;
	--config) config=$2; shift ;;
	--config=*) config=${1#--config=} ;;
	*) args+=("$1") ;;
	esac
	shift
done

install_missing
build "$BUILD_DIR/release" -DCMAKE_BUILD_TYPE=Release -DPFNBENCH_WERROR=OFF >&2
bin="$BUILD_DIR/release/pfnbench"

# Address-space layout randomisation off for the measuring process, so that
# alignment of the arrays does not change from run to run.
echo "run.sh: running with ASLR disabled (setarch -R)" >&2
set +e
dir=$(setarch "$(uname -m)" -R "$bin" run --config "$config" --out "$top/results" "${args[@]}")
rc=$?
set -e
[ -n "$dir" ] || exit "$rc"
"$bin" report "$dir" >&2 || rc=$?
echo "$dir"
echo "run.sh: report: $dir/report.txt" >&2
exit "$rc"
