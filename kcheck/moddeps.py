#!/usr/bin/env python3
"""moddeps.py MODULES_DIR MODULE...: print each MODULE (a path under
MODULES_DIR, e.g. kernel/drivers/block/zram/zram.ko) after the modules it
depends on (`modinfo -F depends`, recursively), one path a line, in insmod
order.  The unpacked kernel package has no modules.dep (depmod makes it at
install time), so the dependencies are read from the modules themselves."""
import os
import subprocess
import sys


def main():
    root = sys.argv[1]
    index = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".ko"):
                index[f[:-3].replace("-", "_")] = os.path.relpath(os.path.join(d, f), root)
    order, seen = [], set()

    def visit(rel):
        if rel in seen:
            return
        seen.add(rel)
        deps = subprocess.run(["modinfo", "-F", "depends", os.path.join(root, rel)], check=True,
                              capture_output=True, text=True).stdout.strip()
        for name in filter(None, deps.split(",")):
            if name.replace("-", "_") not in index:
                sys.exit(f"moddeps: {rel} needs {name}, which is not under {root}")
            visit(index[name.replace("-", "_")])
        order.append(rel)

    for m in sys.argv[2:]:
        visit(m)
    print("\n".join(order))


main()
