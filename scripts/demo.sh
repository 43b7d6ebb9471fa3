#!/usr/bin/env bash
# README command 1: install, build (release preset) and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
build/release/healbench demo
