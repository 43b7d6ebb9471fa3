#!/usr/bin/env python3
"""Reads a raw disk image directly (no healbench, no network) and checks every block that
healbench's workload.verify wrote: each non-zero 4 KiB block must carry a stamp (the format of
workloads/block_stamp.cc) naming its own offset, with a matching checksum. Prints the number of
stamped blocks; exits 1 naming the first block that is wrong, or when the count is not the
expected one.

usage: check_stamped_image.py IMAGE SIZE_BYTES [EXPECTED_STAMPED_BLOCKS]
"""
import struct
import sys

MAGIC, BS, M = 0x3146524556424248, 4096, (1 << 64) - 1


def checksum(b):
    # FNV-like over the 8-byte words, skipping the checksum itself (bytes 32..40).
    h = 0x243F6A8885A308D3
    for at in range(0, BS, 8):
        if at == 32:
            continue
        h = ((h ^ struct.unpack_from("<Q", b, at)[0]) * 0x100000001B3) & M
        h ^= h >> 32
    return h


def main():
    path, size = sys.argv[1], int(sys.argv[2])
    stamped = 0
    with open(path, "rb") as f:
        for i in range(size // BS):
            b = f.read(BS)
            if len(b) < BS or b.count(0) == BS:
                continue
            magic, _run, _image, _gen, offset, cs = struct.unpack_from("<QQIIQQ", b, 0)
            if magic != MAGIC:
                sys.exit(f"{path}: block {i} (byte {i * BS}) is not zero and carries no stamp")
            if offset != i * BS:
                sys.exit(f"{path}: block {i} (byte {i * BS}) holds the write meant for byte {offset}")
            if cs != checksum(b):
                sys.exit(f"{path}: block {i} (byte {i * BS}) is torn: checksum mismatch")
            stamped += 1
    if len(sys.argv) > 3 and stamped != int(sys.argv[3]):
        sys.exit(f"{path}: {stamped} stamped blocks, expected {sys.argv[3]}")
    print(f"{path}: {stamped} stamped blocks, each at its own offset and whole")


main()
