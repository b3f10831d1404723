#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets with clang in FUZZ_BUILD_DIR
# and run each for SECONDS on a fresh corpus seeded from the shipped files
# (configs, tests/data).  Fails when a target crashes, leaks or trips a
# sanitizer; the crashing input is kept in FUZZ_BUILD_DIR/artifacts/ and its
# path printed (copy it into the matching tests/data folder as a regression
# case once fixed).
#
#   usage: tests/fuzz/run.sh FUZZ_BUILD_DIR [SECONDS (20)] [JOBS]
#   FUZZ_CORPUS_KEEP=DIR keeps the corpora in DIR (default: a temp dir).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: tests/fuzz/run.sh FUZZ_BUILD_DIR [SECONDS] [JOBS]}
# absolute: the fuzzers run from $build/artifacts
mkdir -p "$build" && build=$(cd "$build" && pwd)
secs=${2:-20}
jobs=${3:-$(nproc 2>/dev/null || echo 2)}
data=$top/tests/data

command -v clang >/dev/null || { echo "fuzz: clang is not installed (apt-get install clang)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DPFNBENCH_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz -j "$jobs"

work=${FUZZ_CORPUS_KEEP:-$(mktemp -d /tmp/pfnbench-fuzz.XXXXXX)}
[ -n "${FUZZ_CORPUS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config" "$work/pagefile" "$work/results" "$build/artifacts"

# seeds: copies of the shipped files (the fuzzers may add to the corpus)
cp "$top"/configs/*.conf "$work/config/"
for d in "$data"/config-*/; do
	for f in "$d"*; do cp "$f" "$work/config/$(basename "$d")-$(basename "$f")"; done
done
cp "$data"/gate-small.conf "$work/config/"
for d in "$data"/pagefile-*/; do
	for f in "$d"*; do cp "$f" "$work/pagefile/$(basename "$d")-$(basename "$f")"; done
done
cp "$data"/encode/*.page "$work/pagefile/"
# results: mode byte (see fuzz_results.c), the fixture cut to its first
# rows (small inputs run faster), the bad CSVs, and the report variant with
# meta.json after the separator
csvs=("$data"/report-bad/*.csv)

head -12 "$data/results-fixture/results.csv" >"$work/fixture.csv"
csvs+=("$work/fixture.csv")
n=0
for f in "${csvs[@]}"; do
	n=$((n + 1))
	for m in 0 1; do { printf '%s' $m; cat "$f"; } >"$work/results/seed-$m-$n"; done
	{ printf 2; cat "$f"; printf '\n#meta.json\n'; cat "$data/results-fixture/meta.json"; } >"$work/results/seed-2-$n"
done
{ printf 2; cat "$work/fixture.csv"; printf '\n#meta.json\n'; head -c 300 "$data/results-fixture/meta.json"; } >"$work/results/seed-2-truncated-meta"
{ printf 2; cat "$work/fixture.csv"; printf '\n#meta.json\n'
  printf '{"complete": false, "stopped_at": "interrupted", "skipped": [{"case": "nouveau-v5.8/mirror/npages:1/batch:1", '
  printf '"reason": "node 1 requested for pt, this machine has 1 node (0)"}, {"case": "x", "reason": 7}]}\n'
} >"$work/results/seed-2-skipped"
rm -f "$work/fixture.csv"

fail=0
for t in config pagefile results; do
	echo "== fuzz_$t: ${secs}s ==" >&2
	log=$work/fuzz_$t.log
	if ! (cd "$build/artifacts" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/fuzz_$t-" \
		"$work/$t" >"$log" 2>&1); then
		echo "FAIL: fuzz_$t found a problem:" >&2
		grep -E 'ERROR|SUMMARY|Test unit written|runtime error|#[0-9]+ ' "$log" | head -40 >&2
		fail=1
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' ' >&2
	echo >&2
	grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs)' "$log" | tail -2 >&2 || true
done
exit $fail
