#!/usr/bin/env bash
# Builds libFuzzer targets from tests/fuzz with clang (-fsanitize=fuzzer,address,undefined)
# against the sources they test, seeds each from its corpus, and runs each for a bounded time.
# Usage: run.sh SOURCE_DIR WORK_DIR [SECONDS (default 30)] [TARGET...]
#   TARGET is a name such as md_status (tests/fuzz/md_status_fuzz.cc); none = every target.
#   FUZZ_ARGS adds libFuzzer flags (e.g. FUZZ_ARGS="-max_len=65536" for a longer run).
# Exit 0: no crash; 1: a crash, hang, leak or broken property (the reproducer is kept in
# WORK_DIR/TARGET/crash-*, timeout-*, leak-*); 2: unknown target; 77: skipped because clang
# or its fuzzer runtime is missing (install clang libclang-rt-14-dev).
set -euo pipefail
SRC="$1"
WORK="$2"
SECS="${3:-30}"
shift $(($# < 3 ? $# : 3))
mkdir -p "$WORK"
CXX="${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
if [ -z "$CXX" ]; then
  echo "skip: clang++ not found (install clang libclang-rt-14-dev)"; exit 77
fi
probe_dir=$(mktemp -d "$WORK/probe.XXXXXX")
trap 'rm -rf "$probe_dir"' EXIT
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    "$CXX" -x c++ -fsanitize=fuzzer - -o "$probe_dir/probe" 2>"$probe_dir/probe.err"; then
  echo "skip: $CXX cannot link -fsanitize=fuzzer (install libclang-rt-14-dev): $(head -1 "$probe_dir/probe.err")"
  exit 77
fi

# target → the project sources it links (paths under SOURCE_DIR)
PROBE_BASE="harness/probes/probe_text.cc harness/probes/sync_sample.cc"
GLUSTER="harness/probes/gluster_heal.cc harness/probes/gluster_heal_xml.cc harness/probes/gluster_heal_text.cc"
DRBD="harness/probes/drbd_status.cc harness/probes/drbd_status_json.cc harness/probes/drbd_status_text.cc"
CEPH="harness/probes/ceph_status.cc harness/probes/ceph_ok_to_stop.cc"
declare -A SOURCES=(
  [frame_decoder]="backends/refcluster/protocol.cc backends/refcluster/chunk_checksum.cc"
  [scenario_loader]="harness/scenario/scenario_loader.cc harness/scenario/fleet_stall_ranks.cc harness/core/units.cc workloads/profiles.cc harness/probes/command_output.cc $PROBE_BASE"
  [gluster_heal_xml]="$GLUSTER $PROBE_BASE"
  [gluster_heal_text]="$GLUSTER $PROBE_BASE"
  [gluster_volume_get]="harness/probes/gluster_volume_get.cc"
  [drbd_status_json]="$DRBD $PROBE_BASE"
  [drbd_status_text]="$DRBD $PROBE_BASE"
  [md_status]="harness/probes/md_status.cc $PROBE_BASE"
  [ceph_status]="$CEPH $PROBE_BASE"
  [ceph_ok_to_stop]="$CEPH $PROBE_BASE"
  [fleet_messages]="harness/fleet/fleet_messages.cc harness/core/latency_histogram.cc"
)
# toml++ compiled in (header-only) so its parser is instrumented too, with its internal
# asserts off as in the Debian library healbench links: toml++ 3.3.0 asserts on "[[[" headers
# (marzer/tomlplusplus#301), and reaches a TOML_UNREACHABLE in its Unicode whitespace table on
# U+0170 outside a string ("\xc5\xb0#"), where the shipped library reports a syntax error
# (both pinned by tests/integration/bad_input_test.sh). healbench's own code has no
# __builtin_unreachable, so -fno-sanitize=unreachable only silences those.
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -fno-sanitize=unreachable -DTOML_HEADER_ONLY=1 "-DTOML_ASSERT(expr)=static_assert(true)"
       -I"$SRC")

# Objects of other flags (or another compiler) live elsewhere.
OBJ="$WORK/obj-$(echo "$CXX ${FLAGS[*]}" | md5sum | cut -c1-8)"

# Seeds beyond tests/fuzz/corpus/TARGET: the frame decoder gets a HELLO, a WRITE with a
# payload, a READ reply and a truncated frame (past the magic and version checks); the fleet
# decoders one message of each type; the scenario loader every scenario in the tree.
seed() {
  local target="$1" corpus="$2"
  if [ -d "$SRC/tests/fuzz/corpus/$target" ]; then
    cp -n "$SRC/tests/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  fi
  case "$target" in
    frame_decoder)
      python3 - "$corpus" <<'PY'
import struct, sys, os
def frame(t, flags=0, rid=1, image=0, off=0, length=0, payload=b""):
    return struct.pack("<IBBHQIQII", 0x48424E46, 1, t, flags, rid, image, off, length,
                       len(payload)) + payload
seeds = {
    "hello": frame(1, payload=b"token"),
    "write": frame(4, flags=1, off=4096, length=8, payload=b"ABCDEFGH"),
    "read_reply": frame(3 | 0x80, length=4, payload=b"data"),
    "checksum": frame(10, off=0, length=65536),
    "truncated": frame(4, payload=b"0123456789")[:40],
}
for name, b in seeds.items():
    open(os.path.join(sys.argv[1], name), "wb").write(b)
PY
      ;;
    fleet_messages)
      python3 - "$corpus" <<'PY'
import os, struct, sys
def s(b): return struct.pack("<Q", len(b)) + b
def hist(bins, lo=1000, hi=9000):
    out = struct.pack("<Q", len(bins))
    for i, n in bins:
        out += struct.pack("<IQ", i, n)
    return out + struct.pack("<qqdd", lo, hi, float(sum(n for _, n in bins)) * 5000, 0.0)
ops = lambda: b"".join(struct.pack("<QQQ", 3, 12288, 0) + hist([(700, 2), (900, 1)]) for _ in range(3))
seeds = {
    "setup": b"\x01" + s(b"") + s(b"/tmp/out") + struct.pack("<Q", 7) + struct.pack("<Q", 2) +
             s(b"127.0.0.1:4001") + s(b"127.0.0.1:4002"),
    "hello": b"\x02" + s(b"") + s(b"host1") + struct.pack("<I", 2) + struct.pack("<Q", 1) + s(b"vm-r1-0"),
    "intervals": b"\x03" + struct.pack("<IqQ", 5, 1000, 1) + struct.pack("<Iq", 0, 3) + ops() +
                 struct.pack("<I", 16),
    "control": b"\x04" + struct.pack("<Q", 1) + struct.pack("<Bqq", 1, 4000000000, -1) + s(b"fault") +
               s(b"freeze") + s(b"node2") + s(b"SIGSTOP") + struct.pack("<BII", 1, 1, 0),
    "final": b"\x05" + struct.pack("<I", 0) + s(b"{}") + struct.pack("<Q", 1) + struct.pack("<Q", 1) +
             b"".join(struct.pack("<QQQ", 3, 12288, 0) + hist([(700, 2)]) + hist([(650, 2)]) for _ in range(3)) +
             struct.pack("<qqQB", 500000000, 9000000000, 100, 1) + struct.pack("<Q", 1) +
             struct.pack("<qqBI", 100, -1, 1, 0) + struct.pack("<Q", 1) + struct.pack("<qq", 1, 2),
    "done": b"\x06",
}
for name, b in seeds.items():
    open(os.path.join(sys.argv[1], name), "wb").write(b)
PY
      ;;
    scenario_loader)
      find "$SRC/scenarios" -name '*.toml' | while read -r f; do
        cp -n "$f" "$corpus/$(echo "${f#"$SRC/scenarios/"}" | tr / _)"
      done
      ;;
  esac
}

# Compiles SRC_FILE to OBJ unless OBJ is newer than the file and every header it included
# (the depfile clang wrote last time); objects are shared between targets.
compile() {
  local src="$1" obj="$2"
  if [ -f "$obj" ] && [ -f "$obj.d" ]; then
    local stale=0 dep
    for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$obj.d"); do
      if [ "$dep" -nt "$obj" ]; then stale=1; break; fi
    done
    [ $stale -eq 0 ] && return 0
  fi
  mkdir -p "$(dirname "$obj")"
  # Written aside and renamed, as ctest may run two targets that share this object at once.
  "$CXX" "${FLAGS[@]}" -MMD -MF "$obj.d.$$" -c "$src" -o "$obj.$$"
  mv "$obj.d.$$" "$obj.d" && mv "$obj.$$" "$obj"
}

# Links a target from its own source and the project sources it tests.
build() {
  local target="$1" out="$2" objs=() s
  for s in "tests/fuzz/${target}_fuzz.cc" ${SOURCES[$target]}; do
    compile "$SRC/$s" "$OBJ/${s%.cc}.o"
    objs+=("$OBJ/${s%.cc}.o")
  done
  "$CXX" "${FLAGS[@]}" "${objs[@]}" -o "$out"
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=("${!SOURCES[@]}"); fi
status=0
for target in "${targets[@]}"; do
  if [ -z "${SOURCES[$target]+set}" ]; then
    echo "unknown fuzz target '$target' (known: ${!SOURCES[*]})"; exit 2
  fi
  dir="$WORK/$target"
  corpus="$dir/corpus"
  mkdir -p "$corpus"
  build "$target" "$dir/$target"
  seed "$target" "$corpus"
  echo "fuzz: $target for ${SECS}s"
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  if ! (cd "$dir" && "./$target" -max_total_time="$SECS" -print_final_stats=1 -rss_limit_mb=1024 \
          -timeout=10 ${FUZZ_ARGS:-} "$corpus" >"$dir/$target.log" 2>&1); then
    tail -40 "$dir/$target.log"
    echo "FAIL: $target: crash, hang, leak or broken property; reproducer in $dir" \
         "(crash-*, timeout-*, leak-*); rerun: $dir/$target FILE"
    status=1
    continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$target.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/$target.log")
  cov=$(grep -o 'cov: [0-9]*' "$dir/$target.log" | tail -1)
  echo "ok: $target: $execs runs in ${SECS}s ($rate exec/s), $cov, corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
