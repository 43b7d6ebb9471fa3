#!/usr/bin/env bash
# Installs what healbench needs to build and test, from Debian packages only.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  liburing-dev libblkid-dev libboost-program-options-dev libtomlplusplus-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fio python3 procps bindfs fuse3 fdisk e2fsprogs util-linux
  clang libclang-rt-14-dev
  libnbd-dev nbdkit
  libiscsi-dev libiscsi-bin tgt qemu-utils
  glusterfs-server glusterfs-client libglusterfs-dev attr nftables
  librbd-dev librados-dev ceph-mon ceph-osd ceph-mgr ceph-common
  prometheus-cpp-dev prometheus prometheus-pushgateway
  libopenmpi-dev openmpi-bin
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
