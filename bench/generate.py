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
DOMAINS = ["example.com", "mail.example.org", "post.example.net", "inbox.example.io"]


def quality_rows(rng, start, count):
    """Rows of quality.csv: id, signup, user, email, country, category, amount, score,
    quantity, active (about 88 bytes a row)."""
    rows = []
    for i in range(start, start + count):
        user = rng.randrange(10**6)
        day = 18262 + (i // 4000) % 2000  # days since 1970: 2020-01-01 onwards
        year, month, date = civil(day)
        rows.append(
            f"{i},{year:04d}-{month:02d}-{date:02d},{user},"
            f"user{user}.{i % 97}@{DOMAINS[i % 4]},{COUNTRIES[(i * 7) % 20]},{CATEGORIES[i % 8]},"
            f"{rng.randrange(100000) / 100:.2f},{rng.random():.6f},{1 + rng.randrange(100)},"
            f"{'true' if i % 3 == 0 else 'false'}\n")
    return "".join(rows)


def civil(days):
    """(year, month, day) of a count of days since 1970-01-01 (Howard Hinnant's algorithm)."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def write_quality(path):
    rng = random.Random(4)
    size = 0
    index = 0
    with open(path + ".tmp", "w") as out:
        out.write("id,signup,user,email,country,category,amount,score,quantity,active\n")
        while size < GIB:
            block = quality_rows(rng, index, 100_000)
            out.write(block)
            size += len(block)
            index += 100_000
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
