#!/usr/bin/env python3
"""make_fixture.py - regenerate the fixed results directory used by the
report and compare tests (results.csv + meta.json, docs/results-format.md).

The numbers are invented but shaped like an emulated run on a 2-core VM:
per-call overhead dominates at small npages, convert pays a second pass
(a few ns/page), direct is *slower* than convert for thp at npages 1, the
difference is lost in the noise at npages 262144, hardware counters are
empty (no PMU), software counters and (for mirror convert/direct) stage
columns are filled.  Deterministic: fixed seed.  Run from this directory.
"""
import csv, json, os, random, subprocess

# The columns of results.csv, in order: the one list of the harness
# (harness/results/results.h), as `pfnbench list columns` prints it.  Set
# PFNBENCH to the binary when it is not ../../../build/test/pfnbench.
PFNBENCH = os.environ.get("PFNBENCH", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "../../../build/test/pfnbench"))
COLS = [line.split("\t")[0] for line in
        subprocess.run([PFNBENCH, "list", "columns"], check=True, capture_output=True,
                       text=True).stdout.splitlines()]

rng = random.Random(2)
rng6 = random.Random(6)
NPAGES = [1, 16, 64, 512, 4096, 262144]
# the headline comparison's two sides (nouveau v5.8 converts, v5.7 wrote
# nouveau's words), nouveau v5.6 (the fix-up pass) and the harness alone
CONV, DIRECT, FIXUP = "nouveau-v5.8", "nouveau-v5.7", "nouveau-v5.6"
BACKENDS = [CONV, DIRECT, FIXUP, "null"]

def base_ns(workload, npages):
    # fixed per-call cost spread over the batch + per-page walk cost
    per_call = 420.0 if workload == "mirror" else 520.0
    per_page = 38.0 if workload == "mirror" else 9.0  # thp: one pmd per 512
    big = 1.25 if npages >= 262144 else 1.0          # cache misses
    return per_call / min(npages, 512) + per_page * big

def backend_ns(workload, backend, npages):
    b = base_ns(workload, npages)
    if backend == DIRECT:
        if workload == "thp" and npages == 1:
            return b * 1.15          # direct slower here (flags/values loads)
        return b
    if backend == CONV:
        return b + 2.6 + 30.0 / min(npages, 512)   # second pass + alloc
    if backend == FIXUP:
        return b + 1.1
    return 35.0 / min(npages, 512) + 0.4            # null: harness only

def fmt(x):
    return "%.4f" % x

rows = []
for workload in ["mirror", "thp"]:
    for npages in NPAGES:
        batch = min(npages, 512)
        case = "%s/npages:%d/batch:%d" % (workload, npages, batch)
        for backend in BACKENDS:
            mean = backend_ns(workload, backend, npages)
            noise = 0.12 if npages >= 262144 else 0.015
            for rep in range(6):
                # the 6th repetition (the fewest with a 95% interval in the
                # report) from a generator of its own: repetitions 0-4 stay
                # what compare's tests were written for (they drop the 6th)
                g = rng if rep < 5 else rng6
                ns = mean * (1.0 + g.gauss(0.0, noise))
                calls = npages // batch
                r = dict.fromkeys(COLS, "")
                r.update({
                    "case": case, "name": backend + "/" + case,
                    "backend": backend, "workload": workload,
                    "source": "emulated", "npages": npages, "batch": batch,
                    "cache": "warm", "clear_data": 0,
                    "request": "none", "threads": 1,
                    "placement_req": "local",
                    "placement_actual": "pt=0,memmap=0,hmm=0,drv=0,cpu=0",
                    "status": "ok", "skip_reason": "", "repetition": rep,
                    "iterations": max(10, 2000000 // npages),
                    "ns_per_page": fmt(ns),
                    "ns_per_call": fmt(ns * batch),
                    "pages_per_sec": "%.1f" % (1e9 / ns),
                    "bytes_alloc_per_page":
                        "8" if backend == CONV else "0",
                    "bytes_persistent_per_page":
                        "0" if backend == "null" else "8",
                    "walks_per_call": "1" if backend == "null" else
                        ("1" if calls else "1"),
                    "faults_per_page": "0",
                    "page_faults_per_page":
                        "%.6f" % abs(g.gauss(0.0005, 0.0002)),
                    "task_clock_ns_per_page": fmt(ns * 0.985),
                    "context_switches_per_page":
                        "%.7f" % abs(g.gauss(2e-6, 1e-6)),
                })
                if workload == "mirror" and backend in (CONV, DIRECT):
                    prep = 60.0 / batch + 0.3
                    walk = base_ns(workload, npages) - prep - 0.5
                    alloc = 28.0 / batch if backend == CONV else 0.0
                    conv = (ns - prep - walk - alloc - 0.5) \
                        if backend == CONV else 0.0
                    r.update({
                        "stage_prepare_ns_per_page": fmt(prep),
                        "stage_walk_ns_per_page": fmt(walk),
                        "stage_alloc_ns_per_page": fmt(alloc),
                        "stage_convert_ns_per_page": fmt(max(conv, 0.0)),
                        "stage_dma_ns_per_page": fmt(0.5),
                    })
                rows.append(r)

with open("results.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=COLS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)

hw = "perf_event_open: ENOENT (no hardware PMU in this VM)"
meta = {
    "pfnbench": {"version": "0.1", "git_commit":
                 "3f2c9a1d0b7e5c4a8f6e2d1c0b9a8f7e6d5c4b3a",
                 "git_dirty": False},
    "command": "pfnbench run --config configs/sweep.conf "
               "--repetitions 5 --out results",
    "complete": True, "stopped_at": None,
    "started_utc": "2026-11-25T10:02:11Z",
    "finished_utc": "2026-11-25T10:19:47Z",
    "machine": {"hostname": "bench-vm", "cpu_model":
                "AMD EPYC 7B13 64-Core Processor", "nr_cpus": 2,
                "numa_nodes": 1,
                "hwloc_summary": "Machine (7.8GB) Package L3 (32MB) 2 cores",
                "kernel": "6.1.0-27-cloud-amd64 #1 SMP PREEMPT_DYNAMIC "
                          "Debian 6.1.115-1 (2024-11-01)",
                "thp_enabled": "madvise", "thp_defrag": "madvise",
                "clocksource": "kvm-clock", "aslr": 0,
                "perf_event_paranoid": 2,
                "mem_total_bytes": 8342654976, "llc_bytes": 33554432},
    "build": {"compiler": "GNU 12.2.0", "flags": "-O2 -g -DNDEBUG",
              "build_type": "Release", "sanitize": False},
    "counters": {
        "instructions": {"available": False, "reason": hw},
        "cycles": {"available": False, "reason": hw},
        "llc_misses": {"available": False, "reason": hw},
        "dtlb_misses": {"available": False, "reason": hw},
        "branch_misses": {"available": False, "reason": hw},
        "page_faults": {"available": True, "reason": None},
        "task_clock": {"available": True, "reason": None},
        "context_switches": {"available": True, "reason": None},
    },
    "config": {"file": "configs/sweep.conf",
               "text": "[sweep]\nworkloads = mirror thp\n"},
    "skipped": [],
}
with open("meta.json", "w") as f:
    json.dump(meta, f, indent=2)
    f.write("\n")
