#!/usr/bin/env python3
"""A tiny client of the reference-cluster frame protocol for end-to-end tests: opens one
image on one node and runs a list of operations, printing what each returned.

usage: ref_node_client.py HOST:PORT IMAGE SIZE OP...
  w:OFFSET:LENGTH:BYTE[:heal]   write LENGTH bytes of BYTE (hex); heal sets the heal flag
  r:OFFSET:LENGTH[:inspect]     read; prints the data run-length encoded, e.g. "aa*2048 55*1"
  sum:OFFSET:LENGTH             CHECKSUM; prints "chunk=N" and the sums in hex
  status                        prints the node's status JSON
Any non-zero reply status is printed as "error STATUS" and makes the exit code 1.
"""
import socket
import struct
import sys

HEADER = struct.Struct("<IBBHQIQII")  # magic version type flags request image offset length payload
MAGIC, VERSION = 0x48424E46, 1
OPEN, READ, WRITE, STATUS, CHECKSUM = 2, 3, 4, 6, 10
FLAG_HEAL, FLAG_INSPECT = 0x2, 0x4


class Node:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.next_id = 1

    def call(self, ftype, flags=0, image=0, offset=0, length=0, payload=b""):
        rid = self.next_id
        self.next_id += 1
        self.sock.sendall(HEADER.pack(MAGIC, VERSION, ftype, flags, rid, image, offset, length,
                                      len(payload)) + payload)
        head = self._recv(HEADER.size)
        _, _, rtype, status, rrid, _, roffset, rlength, plen = HEADER.unpack(head)
        if rtype != (ftype | 0x80) or rrid != rid:
            raise SystemExit(f"unexpected reply type {rtype} id {rrid} to {ftype} id {rid}")
        return status, roffset, self._recv(plen)

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise SystemExit("node closed the connection")
            buf += chunk
        return buf


def rle(data):
    out, i = [], 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        out.append(f"{data[i]:02x}*{j - i}")
        i = j
    return " ".join(out)


def main(argv):
    if len(argv) < 4:
        raise SystemExit(__doc__)
    node = Node(argv[0])
    failed = False
    status, _, msg = node.call(OPEN, offset=int(argv[2]), payload=argv[1].encode())
    if status:
        raise SystemExit(f"OPEN_IMAGE {argv[1]}: status {status} {msg.decode(errors='replace')}")
    for op in argv[3:]:
        parts = op.split(":")
        if parts[0] == "status":
            _, _, payload = node.call(STATUS)
            print(payload.decode())
            continue
        offset, length = int(parts[1]), int(parts[2])
        if parts[0] == "w":
            flags = FLAG_HEAL if parts[4:] == ["heal"] else 0
            status, _, _ = node.call(WRITE, flags, 0, offset, length,
                                     bytes([int(parts[3], 16)]) * length)
            result = "ok"
        elif parts[0] == "r":
            flags = FLAG_INSPECT if parts[3:] == ["inspect"] else 0
            status, _, payload = node.call(READ, flags, 0, offset, length)
            result = rle(payload)
        elif parts[0] == "sum":
            status, chunk, payload = node.call(CHECKSUM, 0, 0, offset, length)
            sums = struct.unpack(f"<{len(payload) // 8}Q", payload)
            result = f"chunk={chunk} " + " ".join(f"{s:016x}" for s in sums)
        else:
            raise SystemExit(f"unknown op {op!r}\n{__doc__}")
        if status:
            result = f"error {status}"
            failed = True
        print(f"{op} -> {result}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
