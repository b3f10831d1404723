#!/usr/bin/env bash
# CTest test kcheck_stock / kcheck_full (label kcheck): boots the real
# kernel under QEMU and compares it with the emulator (docs/kcheck.md).
#   tests/kcheck.sh PFNBENCH WORKDIR [kcheck.sh options]
# Exit 77 (SKIP_RETURN_CODE) when QEMU cannot run here or, for
# --full --if-cached, when the custom kernel is not cached: CTest shows the
# test as skipped, with kcheck's reason in its output.
set -euo pipefail
src=${PFNBENCH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
exec "$src/kcheck/kcheck.sh" --pfnbench "$1" --work "$2" "${@:3}"
