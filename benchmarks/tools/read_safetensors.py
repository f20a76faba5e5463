#!/usr/bin/env python3
"""An independent safetensors reader (Python standard library only: json + struct), to check files the Java engine
wrote without trusting its reader. For each tensor, in data order, prints one JSON line:

    {"name": "student.w", "dtype": "F32", "shape": [3, 5], "sum": 1.25, "crc32c": "1f2e3d4c"}

"sum" adds the elements in file order in double precision (as a Java double loop over the floats does, so the two
agree bit for bit); "crc32c" is the Castagnoli CRC of the tensor's bytes, as ida4j checkpoints record in state.json.
Usage: python3 benchmarks/tools/read_safetensors.py FILE.safetensors
"""
import json
import struct
import sys

MAX_HEADER = 100_000_000
DTYPES = {"F32": ("f", 4), "I32": ("i", 4), "F64": ("d", 8), "I64": ("q", 8)}


def crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def fail(path, problem):
    sys.exit(f"{path}: {problem}")


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail(path, "too short for the 8-byte header length")
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > MAX_HEADER or 8 + n > len(data):
        fail(path, f"header length {n} is over the cap or past the end of the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    entries = [(k, v) for k, v in header.items() if k != "__metadata__"]
    entries.sort(key=lambda kv: tuple(kv[1]["data_offsets"]))
    expected = 0
    for name, e in entries:
        begin, end = e["data_offsets"]
        code, size = DTYPES[e["dtype"]]
        count = 1
        for d in e["shape"]:
            count *= d
        if begin != expected or end - begin != count * size:
            fail(path, f"tensor '{name}': data_offsets {[begin, end]} do not tile the data")
        values = struct.unpack_from(f"<{count}{code}", body, begin)
        total = 0.0 if code in "fd" else 0
        for v in values:
            total += v
        yield {"name": name, "dtype": e["dtype"], "shape": e["shape"], "sum": total,
               "crc32c": f"{crc32c(body[begin:end]):08x}"}
        expected = end
    if expected != len(body):
        fail(path, f"{len(body) - expected} bytes after the last tensor")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for record in read(sys.argv[1]):
        print(json.dumps(record))
