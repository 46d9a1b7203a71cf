#!/usr/bin/env python3
"""Generates the benchmark datasets, deterministically (same bytes on every machine).

  random.bin     1 GiB of pseudo-random bytes (incompressible, like model weights)
  table.csv      ~1 GiB CSV-like text (compressible, like a dataset)
  table-edited.csv   table.csv with 1% of its rows changed, all in the middle
  files/         20,000 files of ~4 KiB in 100 directories
  quality.csv    ~1 GiB, ~12 million rows of ten typed columns (ids, dates, e-mail addresses,
                 codes, amounts): what `make bench-quality` validates and profiles against
                 bench/quality.schema.yaml
  quality-edited.csv  quality.csv with 1% of its rows changed, all in the middle

Usage: generate.py DIRECTORY   (existing files are kept)
"""
import datetime
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


def write_table(path, header, rows, seed):
    """Writes `header`, then blocks of 100,000 rows from `rows(rng, start, count)` until the
    file holds 1 GiB."""
    rng = random.Random(seed)
    size = 0
    index = 0
    with open(path + ".tmp", "w") as out:
        out.write(header)
        while size < GIB:
            block = rows(rng, index, 100_000)
            out.write(block)
            size += len(block)
            index += 100_000
    os.replace(path + ".tmp", path)


def write_csv(path):
    write_table(path, "id,timestamp,user,category,amount,score,flag\n", csv_rows, 2)


def write_edited(source, path, column=4):
    """Changes the amount field (the `column`th) of 1% of the rows, in one run in the middle
    of the file."""
    with open(source) as f:
        lines = f.readlines()
    count = len(lines) // 100
    start = len(lines) // 2 - count // 2
    for i in range(start, start + count):
        fields = lines[i].split(",")
        fields[column] = f"{float(fields[column]) + 1:.2f}"
        lines[i] = ",".join(fields)
    with open(path + ".tmp", "w") as out:
        out.writelines(lines)
    os.replace(path + ".tmp", path)


COUNTRIES = ["AR", "AU", "BR", "CA", "CH", "CN", "DE", "ES", "FR", "GB", "IN", "IT", "JP", "KR",
             "MX", "NL", "PL", "SE", "US", "ZA"]
CATEGORIES = ["books", "games", "garden", "music", "sports", "tools", "toys", "video"]
EPOCH = datetime.date(1970, 1, 1)
DOMAINS = ["example.com", "mail.example.org", "post.example.net", "inbox.example.io"]


def quality_rows(rng, start, count):
    """Rows of quality.csv: id, signup, user, email, country, category, amount, score,
    quantity, active (about 88 bytes a row)."""
    rows = []
    for i in range(start, start + count):
        user = rng.randrange(10**6)
        day = EPOCH + datetime.timedelta(days=18262 + (i // 4000) % 2000)  # 2020-01-01 on
        rows.append(
            f"{i},{day.isoformat()},{user},"
            f"user{user}.{i % 97}@{DOMAINS[i % 4]},{COUNTRIES[(i * 7) % 20]},{CATEGORIES[i % 8]},"
            f"{rng.randrange(100000) / 100:.2f},{rng.random():.6f},{1 + rng.randrange(100)},"
            f"{'true' if i % 3 == 0 else 'false'}\n")
    return "".join(rows)


def write_quality(path):
    write_table(path, "id,signup,user,email,country,category,amount,score,quantity,active\n",
                quality_rows, 4)


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
        ("quality.csv", write_quality),
        ("quality-edited.csv", lambda p: write_edited(os.path.join(target, "quality.csv"), p, 6)),
    ]
    for name, job in jobs:
        path = os.path.join(target, name)
        if not os.path.exists(path):
            print(f"generating {name}", file=sys.stderr)
            job(path)


if __name__ == "__main__":
    main()
