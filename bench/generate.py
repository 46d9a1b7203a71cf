#!/usr/bin/env python3
"""Generates the benchmark datasets, deterministically (same bytes on every machine).

  random.bin     1 GiB of pseudo-random bytes (incompressible, like model weights)
  table.csv      ~1 GiB CSV-like text (compressible, like a dataset)
  table-edited.csv   table.csv with 1% of its rows changed, all in the middle
  files/         20,000 files of ~4 KiB in 100 directories

Usage: generate.py DIRECTORY   (existing files are kept)
"""
import os
import random
import sys

GIB = 1 << 30


def write_random(path):
    rng = random.Random(1)
    with open(path + ".tmp", "wb") as out:
        for _ in range(GIB // (16 << 20)):
            out.write(rng.randbytes(16 << 20))
    os.replace(path + ".tmp", path)


def csv_rows(rng, start, count):
    cats = ["books", "games", "garden", "music", "sports", "tools", "toys", "video"]
    rows = []
    for i in range(start, start + count):
        rows.append(
            f"{i},{1600000000 + i * 7},{rng.randrange(10**6)},{cats[i % 8]},"
            f"{rng.randrange(100000) / 100:.2f},{rng.random():.6f},{i % 3 == 0}\n"
        )
    return "".join(rows)


def write_csv(path):
    rng = random.Random(2)
    size = 0
    index = 0
    with open(path + ".tmp", "w") as out:
        out.write("id,timestamp,user,category,amount,score,flag\n")
        while size < GIB:
            block = csv_rows(rng, index, 100_000)
            out.write(block)
            size += len(block)
            index += 100_000
    os.replace(path + ".tmp", path)


def write_edited(source, path):
    """Changes the 'amount' field of 1% of the rows, in one run in the middle of the file."""
    with open(source) as f:
        lines = f.readlines()
    count = len(lines) // 100
    start = len(lines) // 2 - count // 2
    for i in range(start, start + count):
        fields = lines[i].split(",")
        fields[4] = f"{float(fields[4]) + 1:.2f}"
        lines[i] = ",".join(fields)
    with open(path + ".tmp", "w") as out:
        out.writelines(lines)
    os.replace(path + ".tmp", path)


def write_files(directory):
    rng = random.Random(3)
    os.makedirs(directory + ".tmp", exist_ok=True)
    for i in range(20_000):
        sub = os.path.join(directory + ".tmp", f"part{i % 100:02d}")
        os.makedirs(sub, exist_ok=True)
        text = csv_rows(rng, i * 64, 64)[:4096]
        with open(os.path.join(sub, f"record{i:05d}.csv"), "w") as out:
            out.write(text)
    os.replace(directory + ".tmp", directory)


def main():
    target = sys.argv[1]
    os.makedirs(target, exist_ok=True)
    jobs = [
        ("random.bin", write_random),
        ("table.csv", write_csv),
        ("table-edited.csv", lambda p: write_edited(os.path.join(target, "table.csv"), p)),
        ("files", write_files),
    ]
    for name, job in jobs:
        path = os.path.join(target, name)
        if not os.path.exists(path):
            print(f"generating {name}", file=sys.stderr)
            job(path)


if __name__ == "__main__":
    main()
