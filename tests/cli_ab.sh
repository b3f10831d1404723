#!/usr/bin/env bash
# cli_ab.sh - the timing gate, `pfnbench ab`, can fail and does not cry
# wolf.  On configs/ab.conf (the gate's own cases):
#   A/A       this binary against itself: exit 0, no case worse
#   injected  pfnbench-extrawork (two more loads per entry in nouveau-v5.8's
#             pass, about +10% at mirror 512) against this binary: exit 1,
#             naming nouveau-v5.8/mirror/npages:512 and no case of another
#             backend
# and bad input: no config, a revision that does not exist, a BASE that
# rejects the config, a NEW that drops a backend (missing: exit 1, or 0 with
# --allow-missing), and a BASE built before a backend existed (its runs
# leave that backend out: its cases are only in NEW, exit 0).
# Timed, so CTest runs it alone (RUN_SERIAL) and never under the sanitizers.
#   usage: cli_ab.sh PFNBENCH_BIN TESTS_DATA_DIR
set -uo pipefail
bin=$(readlink -f "$1")
data=$(readlink -f "$2")
src=${PFNBENCH_SOURCE_DIR:?}
th=$src/configs/thresholds.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

cmake --build "$(dirname "$bin")" --target pfnbench-extrawork >/dev/null || { echo "FAIL: cannot build pfnbench-extrawork"; exit 1; }
slow=$(dirname "$bin")/pfnbench-extrawork

# A/A
"$bin" ab --base "$bin" --new "$bin" --config "$src/configs/ab.conf" --thresholds "$th" --out "$tmp/r" \
	>"$tmp/aa.txt" 2>"$tmp/aa.err"
rc=$?
[ $rc -eq 0 ] && ok "A/A: exit 0" || { fail "A/A: exit $rc, want 0"; cat "$tmp/aa.txt" "$tmp/aa.err"; }
grep -q '^OK: no case is significantly slower' "$tmp/aa.txt" && ok "A/A: says OK" || fail "A/A: no OK line"
grep -q '^60 cases: 0 worse' "$tmp/aa.txt" && ok "A/A: 60 cases, 0 worse" || fail "A/A: case count"
grep 'largest change' "$tmp/aa.txt"

# injected slowdown
"$bin" ab --base "$bin" --new "$slow" --config "$src/configs/ab.conf" --thresholds "$th" --out "$tmp/r" \
	>"$tmp/slow.txt" 2>"$tmp/slow.err"
rc=$?
[ $rc -eq 1 ] && ok "injected: exit 1" || { fail "injected: exit $rc, want 1"; cat "$tmp/slow.txt" "$tmp/slow.err"; }
sed -n '/^FAIL/,$p' "$tmp/slow.txt"
grep -q '^  nouveau-v5.8/mirror/npages:512/batch:512 task_clock_ns_per_page: ' "$tmp/slow.txt" \
	&& ok "injected: names nouveau-v5.8/mirror/npages:512" || fail "injected: nouveau-v5.8/mirror/npages:512 not named"
if sed -n '/^FAIL/,$p' "$tmp/slow.txt" | grep -Eq '^  (nouveau-v5.7|nouveau-v5.6|null)/'; then
	fail "injected: a backend that did not change is named"
else
	ok "injected: only nouveau-v5.8 is named"
fi
for f in ab.csv ab.txt meta.json config.conf config-A.conf config-B.conf bin/A/pfnbench bin/B/pfnbench runs/A-01.log; do
	[ -e "$(ls -d "$tmp"/r/*/ | tail -1)$f" ] || fail "results: no $f"
done

# bad input
"$bin" ab --base "$bin" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q -- '--config FILE is required' "$tmp/e" && ok "no config: exit 2" || fail "no config"
"$bin" ab --base no-such-revision-xyz --config "$src/configs/ab.conf" --out "$tmp/r" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "'no-such-revision-xyz' is neither an executable file nor a revision" "$tmp/e" \
	&& ok "unknown revision: exit 2" || { fail "unknown revision"; cat "$tmp/e"; }
printf '[sweep]\nbackends = nouveau-v5.8\nworkloads = mirror\nnpages = 16\nbatchs = 1\n' >"$tmp/bad.conf"
"$bin" ab --base "$bin" --config "$tmp/bad.conf" --out "$tmp/r" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "round 1, BASE .*exited 2: .*unknown key 'batchs'" "$tmp/e" \
	&& ok "BASE rejects the config: exit 2, its reason" || { fail "bad config"; cat "$tmp/e"; }
"$bin" ab --base "$bin" --config "$src/configs/ab.conf" --rounds 1 --out "$tmp/r" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && ok "--rounds 1: exit 2" || fail "--rounds 1"

# NEW drops a backend: a wrapper that runs this binary without nouveau-v5.6
cat >"$tmp/dropper" <<SH
#!/bin/sh
# \$1 = run, \$3 = the config, \$5 = --out's directory; anything else as it is
[ "\$1" = run ] || exec "$bin" "\$@"
sed 's/^backends = .*/backends = nouveau-v5.8, nouveau-v5.7, null/' "\$3" > "$tmp/dropped.conf"
exec "$bin" "\$1" --config "$tmp/dropped.conf" --out "\$5"
SH
chmod +x "$tmp/dropper"
cat >"$tmp/small.conf" <<'CONF'
[sweep]
backends = nouveau-v5.8, nouveau-v5.7, nouveau-v5.6, null
workloads = mirror
npages = 16
repetitions = 2
min_time = 0.001
CONF
"$bin" ab --base "$bin" --new "$tmp/dropper" --config "$tmp/small.conf" --rounds 2 --out "$tmp/r" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] && grep -q '^  nouveau-v5.6/mirror/npages:16/batch:16: in BASE.s runs, not in NEW.s' "$tmp/o" \
	&& ok "a backend missing in NEW: exit 1, named" || { fail "missing backend: exit $rc"; cat "$tmp/o" "$tmp/e"; }
"$bin" ab --base "$bin" --new "$tmp/dropper" --config "$tmp/small.conf" --rounds 2 --allow-missing --out "$tmp/r" \
	>"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 0 ] && grep -q '^ALLOWED (--allow-missing): 1 case' "$tmp/o" && ok "--allow-missing: exit 0" \
	|| { fail "--allow-missing: exit $rc"; cat "$tmp/o"; }

# BASE from before nouveau-v5.6 existed: its `list backends` lacks it, so its
# runs leave it out (config-A.conf), NEW runs it: only in NEW, exit 0
cat >"$tmp/older" <<SH
#!/bin/sh
if [ "\$1" = list ]; then "$bin" "\$@" | grep -v '^nouveau-v5.6	'; exit 0; fi
exec "$bin" "\$@"
SH
chmod +x "$tmp/older"
"$bin" ab --base "$tmp/older" --new "$bin" --config "$tmp/small.conf" --rounds 2 --out "$tmp/r2" >"$tmp/o" 2>"$tmp/e"
rc=$?
d=$(ls -d "$tmp"/r2/*/ | tail -1)
[ $rc -eq 0 ] && grep -q 'BASE does not know backend(s) nouveau-v5.6: left out of its runs' "$tmp/e" \
	&& grep -q '^backends = nouveau-v5.8 nouveau-v5.7 null$' "$d/config-A.conf" \
	&& grep -q '^backends = nouveau-v5.8 nouveau-v5.7 nouveau-v5.6 null$' "$d/config-B.conf" \
	&& ok "a BASE without a backend: left out of its runs, exit 0" \
	|| { fail "older BASE: exit $rc"; cat "$tmp/o" "$tmp/e"; }

echo "$fails failure(s)"
[ $fails -eq 0 ]
