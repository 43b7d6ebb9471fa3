#!/usr/bin/env bash
# "Never overwrite the wrong thing", end to end with the real binary: files healbench did
# not create, files holding ext4, foreign images in the image directory — refused with exit 2
# and not one byte changed (checksums before and after), allowed with --force or
# workload.overwrite = true, and never deleted. Then loop devices, where root and losetup
# allow it: ext4 refused, mounted refused even with --force (also through a mounted
# partition, and a file backing a loop device), a partition table refused, a blank device
# allowed.
source "$(dirname "$0")/lib.sh"

run_file() {  # run_file WANT_EXIT PATH [extra args…]: a one-second write run on PATH
  local want="$1" path="$2"; shift 2
  expect_exit "$want" "$HB" run --set backend.kind=file --set "backend.path=$path" \
    --set images.size=8MiB --set workload.profile=randwrite --set run.duration=1s \
    --out "$WORK/out-$RANDOM" -q "$@"
}
sum() { sha256sum "$1" | cut -d' ' -f1; }

# 1. A file healbench did not create, as the single image.
truncate -s 16M "$WORK/foreign.img"
printf 'precious' | dd of="$WORK/foreign.img" conv=notrunc status=none
before=$(sum "$WORK/foreign.img")
run_file 2 "$WORK/foreign.img"
expect_contains "$ERR" "$WORK/foreign.img is an existing file healbench did not create" "foreign file named"
expect_contains "$ERR" "Pass --force or set overwrite = true in [workload] to allow" "how to allow"
[ "$(sum "$WORK/foreign.img")" = "$before" ] || fail "the refused file was changed"
run_file 0 "$WORK/foreign.img" --force
[ "$(sum "$WORK/foreign.img")" != "$before" ] || fail "--force run wrote nothing"
expect_contains "$ERR" "overwriting $WORK/foreign.img" "what --force overwrote is logged"
run_file 2 "$WORK/foreign.img"  # forcing once does not make it healbench's
pass "foreign file refused (exit 2, unchanged), --force allows it"

# 2. A file holding an ext4 filesystem: refused naming the UUID; both ways of allowing work.
if command -v mkfs.ext4 >/dev/null; then
  truncate -s 16M "$WORK/ext4.img"
  mkfs.ext4 -q -F "$WORK/ext4.img"
  uuid=$(blkid -p -o value -s UUID "$WORK/ext4.img")
  before=$(sum "$WORK/ext4.img")
  run_file 2 "$WORK/ext4.img"
  expect_contains "$ERR" "$WORK/ext4.img holds an ext4 filesystem (UUID $uuid); healbench would overwrite it" "ext4 named with its UUID"
  [ "$(sum "$WORK/ext4.img")" = "$before" ] || fail "the refused ext4 image was changed"
  out="$WORK/ext4-set"
  expect_exit 0 "$HB" run --set backend.kind=file --set "backend.path=$WORK/ext4.img" \
    --set images.size=8MiB --set workload.profile=randwrite --set run.duration=1s \
    --set workload.overwrite=true --out "$out" -q
  json_check "$out/results.json" 'r["context"]["scenario"]["workload"]["overwrite"] is True' "resolved scenario records overwrite"
  json_check "$out/results.json" 'r["totals"]["write"]["ios"] > 0' "writes went to the forced image"
  pass "ext4 image refused naming UUID $uuid; workload.overwrite=true allows it"
else
  echo "skip: ext4 file case (mkfs.ext4 not installed: apt-get install e2fsprogs)"
fi

# 3. The image directory: own images are reused without force; a foreign image stops the run
#    before anything is created; with --force it is used and never deleted.
mkdir -p "$WORK/dir"
run_file 0 "$WORK/dir" --set images.count=2
run_file 0 "$WORK/dir" --set images.count=2
pass "images healbench created are reused without --force"
mkdir -p "$WORK/mixed"
truncate -s 16M "$WORK/mixed/vm-1.img"
printf 'guest disk' | dd of="$WORK/mixed/vm-1.img" conv=notrunc status=none
before=$(sum "$WORK/mixed/vm-1.img")
run_file 2 "$WORK/mixed" --set images.count=2
expect_contains "$ERR" "$WORK/mixed/vm-1.img is an existing file healbench did not create" "foreign image in the directory"
[ ! -e "$WORK/mixed/vm-0.img" ] || fail "vm-0.img was created although the run was refused"
[ "$(sum "$WORK/mixed/vm-1.img")" = "$before" ] || fail "the refused foreign image was changed"
run_file 0 "$WORK/mixed" --set images.count=2 --force
[ -f "$WORK/mixed/vm-1.img" ] || fail "a pre-existing image was deleted"
[ -f "$WORK/mixed/vm-0.img" ] || fail "the created image is kept after the run"
pass "foreign image in the directory refused before anything was created; kept after --force"

# 4. The key is validated like every other.
expect_exit 2 "$HB" validate --set backend.kind=file --set "backend.path=$WORK" --set workload.overwrite=maybe
expect_contains "$ERR" "workload.overwrite" "bad overwrite value names the key"
expect_exit 0 "$HB" validate --set backend.kind=file --set "backend.path=$WORK" --set workload.overwrite=true
pass "workload.overwrite validated"

# 5. Loop devices.
if [ "$(id -u)" != 0 ]; then
  echo "skip: loop device cases (not root)"; exit 0
fi
# new_loop VAR FILE SIZE [losetup options]: attaches FILE (made SIZE) to a loop device, sets
# VAR to the device (empty when losetup refuses) and detaches it at exit. Not in a $(…)
# subshell: the detach must be registered in this shell.
new_loop() {
  local var="$1" file="$2" size="$3" dev
  shift 3
  truncate -s "$size" "$file"
  dev=$(losetup -f --show "$@" "$file" 2>/dev/null) || dev=""
  [ -z "$dev" ] || on_exit "losetup -d $dev"
  printf -v "$var" '%s' "$dev"
}
new_loop LOOP "$WORK/blank.img" 64M
if [ -z "$LOOP" ]; then
  echo "skip: loop device cases (losetup cannot attach a loop device here)"; exit 0
fi
run_file 0 "$LOOP"
pass "blank loop device $LOOP allowed"

# The file behind a loop device is written through the device by whoever uses it.
run_file 2 "$WORK/blank.img" --force
expect_contains "$ERR" "backs loop device $LOOP" "backing file in use"
pass "a loop device's backing file refused even with --force"

if command -v mkfs.ext4 >/dev/null; then
  new_loop EXT "$WORK/ext4-loop.img" 64M
  mkfs.ext4 -q -F "$EXT"
  before=$(sum "$EXT")
  run_file 2 "$EXT"
  expect_contains "$ERR" "$EXT holds an ext4 filesystem (UUID" "ext4 on a loop device"
  [ "$(sum "$EXT")" = "$before" ] || fail "the refused device was changed"
  pass "loop device with ext4 refused (exit 2, checksum unchanged)"

  mkdir -p "$WORK/mnt"
  if mount "$EXT" "$WORK/mnt" 2>"$WORK/mount.err"; then
    on_exit "umount '$WORK/mnt'"
    run_file 2 "$EXT" --force
    expect_contains "$ERR" "$EXT is mounted on $WORK/mnt (ext4)" "mounted device named with its mount point"
    expect_contains "$ERR" "not even with --force" "mounted is never allowed"
    pass "mounted loop device refused even with --force"
  else
    echo "skip: mounted loop device case (mount refused: $(cat "$WORK/mount.err"))"
  fi

  # A partition of the device mounted: the whole device is in use.
  new_loop PART "$WORK/parted.img" 64M -P
  if [ -n "$PART" ] && command -v sfdisk >/dev/null; then
    printf 'label: dos\n,,L\n' | sfdisk -q "$PART" >/dev/null 2>&1
    partx -a "$PART" 2>/dev/null || true  # sfdisk's re-read does not always reach the kernel
    for _ in $(seq 50); do [ -b "${PART}p1" ] && break; sleep 0.1; done
    if [ -b "${PART}p1" ] && mkfs.ext4 -q -F "${PART}p1" && mkdir -p "$WORK/pmnt" &&
       mount "${PART}p1" "$WORK/pmnt" 2>/dev/null; then
      on_exit "umount '$WORK/pmnt'"
      run_file 2 "$PART" --force
      expect_contains "$ERR" "has partition $(basename "$PART")p1, mounted on $WORK/pmnt" "mounted partition named"
      pass "device with a mounted partition refused even with --force"
    else
      echo "skip: mounted partition case (no partition device node ${PART}p1 or mount refused)"
    fi
  fi
else
  echo "skip: ext4 loop cases (mkfs.ext4 not installed)"
fi

if command -v sfdisk >/dev/null; then
  new_loop PT "$WORK/pt.img" 64M
  # (sfdisk says the kernel did not re-read the table: a loop device without -P has none)
  printf 'label: gpt\n,,L\n' | sfdisk -q "$PT" >/dev/null 2>"$WORK/sfdisk.err" ||
    fail "sfdisk $PT: $(cat "$WORK/sfdisk.err")"
  before=$(sum "$PT")
  run_file 2 "$PT"
  expect_contains "$ERR" "$PT holds a gpt partition table (PTUUID" "partition table named"
  [ "$(sum "$PT")" = "$before" ] || fail "the refused device with a partition table was changed"
  run_file 0 "$PT" --force
  pass "loop device with a partition table refused; --force allows it"
else
  echo "skip: partition table case (sfdisk not installed: apt-get install fdisk)"
fi
