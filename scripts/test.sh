#!/usr/bin/env bash
# README command 2: install, build and run the whole test suite, in the release preset and
# under AddressSanitizer + UndefinedBehaviorSanitizer, then the unit tests and the
# concurrency-heavy end-to-end tests (label tsan) under ThreadSanitizer. Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"
for preset in release asan tsan; do
  echo "== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  ctest --preset "$preset" -j"$jobs"
done
