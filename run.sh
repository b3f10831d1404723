#!/usr/bin/env bash
# pfnbench: install what is missing, build, and run.
#
#   ./run.sh                     default sweep (configs/default.conf), report, plots
#   ./run.sh --quick             configs/quick.conf (under a minute)
#   ./run.sh --config FILE       any config; further options go to `pfnbench run`
#   ./run.sh test                build (warnings are errors) and run every test,
#                                then the same tests under ASan+UBSan
#
# Environment: BUILD_DIR (default ./build), JOBS (default nproc),
# PFNBENCH_SKIP_INSTALL=1 to never call apt-get.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$top"
BUILD_DIR=${BUILD_DIR:-$top/build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Debian packages the build, the tests and the reports need.
PACKAGES=(cmake make gcc g++ pkg-config git python3 python3-numpy python3-scipy
	libbenchmark-dev libbenchmark-tools libhwloc-dev hwloc libnuma-dev numactl
	libinih-dev libjansson-dev libcmocka-dev gnuplot-nox valgrind
	clang libclang-rt-14-dev linux-perf util-linux)

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

run_tests() { # run_tests DIR
	(cd "$1" && ctest --output-on-failure -j "$JOBS" --timeout 900)
}

if [ "${1:-}" = test ]; then
	shift
	install_missing
	echo "== build (RelWithDebInfo, -Werror) ==" >&2
	build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPFNBENCH_WERROR=ON
	echo "== tests ==" >&2
	run_tests "$BUILD_DIR"
	echo "== build (ASan+UBSan) ==" >&2
	build "$BUILD_DIR-asan" -DCMAKE_BUILD_TYPE=Debug -DPFNBENCH_WERROR=ON -DPFNBENCH_SANITIZE=ON
	echo "== tests under ASan+UBSan ==" >&2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_tests "$BUILD_DIR-asan"
	exit 0
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
build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DPFNBENCH_WERROR=OFF >&2
bin="$BUILD_DIR/pfnbench"

if ! "$bin" help 2>/dev/null | grep -q 'pfnbench run'; then
	# The sweep is not built yet: check the emulator instead.
	exec "$bin" verify --cases 10000 "${args[@]}"
fi

# Address-space layout randomisation off for the measuring process, so that
# alignment of the arrays does not change from run to run.
echo "run.sh: running with ASLR disabled (setarch -R)" >&2
setarch "$(uname -m)" -R "$bin" run --config "$config" --out "$top/results" "${args[@]}"
