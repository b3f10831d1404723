#!/usr/bin/env python3
"""cases.py: the page files kcheck runs through the real kernel, and the
emulator's words for each (docs/kcheck.md).

  cases.py --pfnbench BIN --out DIR --mode stock|full [--cases N] [--seed S]

Writes DIR/guest/*.page and DIR/guest/manifest (ID REQUEST /cases/FILE, for
kcheck/guest/kguest.c), and for each check DIR/expect/ID.txt: the output of
`pfnbench encode --walk 6.1 --request REQUEST FILE` (the emulator's 6.1
hmm_range_fault(), as the guest module calls it).
DIR/skipped.txt lists what this mode cannot run and why.

The checks:
  state-S-default       4 pages (a huge page: 512) of state S, no per-page
                        request, with the default request none, read, write
                        (default_flags, pfn_flags_mask 0)
  state-S-at-X          the same with every page's own request @X (X is -,
                        r or w: pfn_flags_mask VALID|WRITE), default none
  state-thp-S-one-X     a huge page with @X on one slot, @- on the rest
  mix-*                 all states side by side; collateral faults to the
                        end of the step; the union rule for holes; a THP
                        split by a write; -EFAULT and -EPERM
  rand-cK               `pfnbench verify --write-cases` case K (--cases N,
                        at most 600 pages each), with its own default
                        request; on the stock kernel dev, dev-ro and
                        dev-other pages become none (CONFIG_DEVICE_PRIVATE
                        is not set there)
"""
import argparse
import os
import re
import subprocess
import sys

STOCK = ["none", "zero", "ro", "rw", "rovma", "swap", "thp-ro", "thp-rw", "novma", "noread", "pfnmap",
         "special"]
DEV = ["dev", "dev-ro", "dev-other"]
PFN_STATES = {"ro", "rw", "rovma", "thp-ro", "thp-rw", "special"}
ERROR_STATES = {"novma", "noread", "pfnmap", "special"}


class File:
    """A page file being written: pages get fresh pfns / vram pages."""

    def __init__(self, base=0x7f0000000000):
        self.base = base
        self.lines = []
        self.next_pfn = 0x20000
        self.next_thp = 0x40000
        self.next_vram = 0x10

    def add(self, state, n=1, req=None):
        if state.startswith("thp-"):
            assert n % 512 == 0 and (self.base + 4096 * len(self.lines)) % (2 << 20) == 0
            for _ in range(n // 512):
                head = self.next_thp
                self.next_thp += 512
                for k in range(512):
                    r = req(k) if callable(req) else req
                    self.lines.append(f"{state} {head + k:x}" + (f" @{r}" if r else ""))
            return self
        for k in range(n):
            arg = ""
            if state in PFN_STATES:
                arg = f" {self.next_pfn:x}"
                self.next_pfn += 1
            elif state in DEV:
                arg = f" {self.next_vram:x}"
                self.next_vram += 1
            r = req(k) if callable(req) else req
            self.lines.append(state + arg + (f" @{r}" if r else ""))
        return self

    def pad_to_pmd(self, state="none"):
        while (self.base + 4096 * len(self.lines)) % (2 << 20):
            self.add(state)
        return self

    def text(self, comment):
        return f"# {comment}\nbase 0x{self.base:x}\n" + "\n".join(self.lines) + "\n"


def matrix(states):
    """(id, comment, file, requests) of the state-by-request checks."""
    out = []
    for s in states:
        n = 512 if s.startswith("thp-") else 4
        fault_fails = s in ERROR_STATES
        reqs = ["none", "read", "write"]
        out.append((f"state-{s}-default", f"{n} pages of {s}, default request only",
                    File().add(s, n), reqs))
        for x in "-rw":
            out.append((f"state-{s}-at-{'n' if x == '-' else x}", f"{n} pages of {s}, each @{x}",
                        File().add(s, n, x), ["none"]))
        if s.startswith("thp-"):
            for x in "rw":
                out.append((f"state-{s}-one-{x}", f"a huge page of {s}, slot 7 @{x}, the rest @-",
                            File().add(s, 512, lambda k, x=x: x if k == 7 else "-"), ["none"]))
        del fault_fails
    return out


def mixes(states):
    out = []
    # every state side by side (runs of 3), with a huge page of each kind
    f = File()
    for s in states:
        if not s.startswith("thp-"):
            f.add(s, 3)
    f.pad_to_pmd().add("thp-rw", 512).add("thp-ro", 512).add("rw", 2)
    out.append(("mix-all-snapshot", "every state side by side, no fault", f, ["none"]))
    # the same with per-page requests on the states where a fault works
    ok = [s for s in states if s not in ERROR_STATES]
    f = File()
    for i, s in enumerate(ok):
        if not s.startswith("thp-"):
            f.add(s, 3, lambda k, i=i: "-rw"[(k + i) % 3])
    f.pad_to_pmd().add("thp-rw", 512, lambda k: "-rw"[k % 3]).add("thp-ro", 512, lambda k: "r")
    out.append(("mix-all-requests", "the states where a fault works, @-/@r/@w mixed", f, ["none", "read"]))
    # collateral faults: the first request faults every page to the end of the step
    f = File().add("none", 1, "w").add("none", 2, "-").add("zero", 2, "-").add("ro", 2, "-")
    f.add("swap", 2, "-").add("rw", 2, "-").add("none", 2, "r")
    out.append(("mix-collateral-w", "@w first, then @- pages of every faultable state", f, ["none"]))
    f = File().add("none", 1, "r").add("none", 2, "-").add("zero", 2, "-").add("ro", 2, "-")
    f.add("swap", 2, "-").add("rw", 2, "-")
    out.append(("mix-collateral-r", "@r first, then @- pages", f, ["none"]))
    # the union rule for holes: an empty page table, one @r and one @w
    f = File(0x7e4000000000).add("none", 2, "-").add("none", 1, "r").add("none", 2, "-").add("none", 1, "w")
    f.add("none", 2, "-")
    out.append(("mix-hole-union", "a hole (no page table): @r and @w pages fault together", f, ["none"]))
    # a write to a read-only huge page splits it
    f = File().add("thp-ro", 512, lambda k: "w" if k == 100 else "-")
    out.append(("mix-thp-split", "write request on slot 100 of a read-only huge page", f, ["none"]))
    # errors
    out.append(("mix-efault-pfnmap", "a read request in a VM_PFNMAP VMA after a fault",
                File().add("none", 2, "w").add("pfnmap", 2, "r").add("rw", 1), ["none"]))
    out.append(("mix-efault-novma", "read request on an unmapped page",
                File().add("rw", 2, "r").add("novma", 2).add("none", 2, "r"), ["none", "read"]))
    out.append(("mix-efault-special", "read request on a special pte",
                File().add("none", 2).add("special", 2, "r").add("none", 1), ["none"]))
    out.append(("mix-efault-noread", "read request in a PROT_NONE VMA",
                File().add("none", 2).add("noread", 2, "r"), ["none"]))
    out.append(("mix-eperm-rovma", "write request in a read-only VMA",
                File().add("none", 2, "w").add("rovma", 2, "w").add("rw", 1), ["none"]))
    if "dev" in states:
        f = File().add("none", 1, "r").add("dev", 2, "-").add("dev-ro", 2, "-").add("dev-other", 2, "-")
        out.append(("mix-dev-collateral", "a read fault before device-private pages of both owners", f,
                    ["none"]))
        out.append(("mix-dev-other-fault", "fault requests on another device's pages",
                    File().add("dev-other", 2, "r").add("dev-other", 2, "w"), ["none"]))
    return out


def encode(binary, path, req):
    r = subprocess.run([binary, "encode", "--walk", "6.1", "--request", req, path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"cases.py: pfnbench encode failed on {path}: {r.stderr.strip()}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pfnbench", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", choices=["stock", "full"], required=True)
    ap.add_argument("--cases", type=int, default=160)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-npages", type=int, default=600)
    a = ap.parse_args()
    gdir, edir = os.path.join(a.out, "guest"), os.path.join(a.out, "expect")
    for d in (gdir, edir):
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
    states = STOCK + (DEV if a.mode == "full" else [])
    checks = matrix(states) + mixes(states)
    manifest, skipped = [], []
    if a.mode == "stock":
        for s in DEV:
            skipped.append(f"state {s}: CONFIG_DEVICE_PRIVATE is not set in Debian's stock kernel "
                           "(./run.sh kcheck --full compares it)")
    for cid, comment, f, reqs in checks:
        path = os.path.join(gdir, cid + ".page")
        with open(path, "w") as fh:
            fh.write(f.text(comment))
        for r in reqs:
            manifest.append((f"{cid}.{r}", r, cid + ".page"))
    # random address spaces from verify's generator
    rdir = os.path.join(a.out, "random")
    os.makedirs(rdir, exist_ok=True)
    for f in os.listdir(rdir):
        os.unlink(os.path.join(rdir, f))
    if a.cases:
        subprocess.run([a.pfnbench, "verify", "--write-cases", rdir, "--cases", str(a.cases), "--seed",
                        str(a.seed), "--max-npages", str(a.max_npages)], check=True, stdout=subprocess.DEVNULL)
    nr_dev_rewritten = 0
    for name in sorted(os.listdir(rdir), key=lambda n: int(re.search(r"-c(\d+)", n).group(1))):
        text = open(os.path.join(rdir, name)).read()
        req = re.search(r"^# request: (\w+)", text, re.M).group(1)
        if a.mode == "stock":
            new = re.sub(r"^(dev|dev-ro|dev-other) [0-9a-fx]+", "none", text, flags=re.M)
            if new != text:
                nr_dev_rewritten += 1
                text = new.replace("# request:", "# device-private pages became none (stock kernel)\n# request:", 1)
        cid = "rand-" + re.search(r"-(c\d+)\.page$", name).group(1)
        with open(os.path.join(gdir, cid + ".page"), "w") as fh:
            fh.write(text)
        manifest.append((f"{cid}.{req}", req, cid + ".page"))
    if nr_dev_rewritten:
        skipped.append(f"random cases: in {nr_dev_rewritten} of {a.cases}, dev, dev-ro and dev-other pages "
                       "became none (stock kernel)")
    with open(os.path.join(gdir, "manifest"), "w") as fh:
        for cid, r, p in manifest:
            fh.write(f"{cid} {r} /cases/{p}\n")
    for cid, r, p in manifest:
        with open(os.path.join(edir, cid + ".txt"), "w") as fh:
            fh.write(encode(a.pfnbench, os.path.join(gdir, p), r))
    with open(os.path.join(a.out, "skipped.txt"), "w") as fh:
        fh.write("".join(s + "\n" for s in skipped))
    print(f"cases.py: {len(manifest)} checks of {len(checks) + a.cases} page files ({a.mode})")


if __name__ == "__main__":
    main()
