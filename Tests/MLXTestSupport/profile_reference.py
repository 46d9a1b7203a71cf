#!/usr/bin/env python3
"""Exact column statistics with numpy, to check `mlx profile` against.

Reads a CSV file (every cell as text; the empty cell and NA are missing, as mlx infers) and,
for each column, computes with numpy the exact count, missing cells and distinct values and,
for numeric columns, min, max, mean, standard deviation (ddof=1, as pandas) and, for each
quantile mlx reported, numpy's exact quantile and how far the value mlx returned is in rank
from the rank asked for, as a fraction of the count (0 when its rank range holds it).

Usage: profile_reference.py DATA MLX_PROFILE_JSON
Prints one JSON object: {column: {...}}.
"""
import json
import sys

import numpy as np
import pandas as pd


def main():
    data, profile_path = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    with open(profile_path) as handle:
        profile = json.load(handle)["profiles"][0]["profile"]
    result = {}
    for column in profile["columns"]:
        name = column["name"]
        cells = frame[name]
        present = cells[~cells.isin(["", "NA"])]
        entry = {
            "count": int(len(present)),
            "missing": int(len(cells) - len(present)),
            "distinct": int(present.nunique()),
        }
        numbers = column.get("numbers")
        if numbers is not None:
            values = np.sort(present.astype(np.float64).to_numpy())
            n = len(values)
            entry.update(
                min=float(values[0]),
                max=float(values[-1]),
                mean=float(np.mean(values)),
                std=float(np.std(values, ddof=1)),
            )
            quantiles = []
            for item in numbers["quantiles"]:
                q, value = item["q"], item["value"]
                below = int(np.searchsorted(values, value, side="left"))
                at_or_below = int(np.searchsorted(values, value, side="right"))
                wanted = q * n
                if below <= wanted <= at_or_below:
                    error = 0.0
                else:
                    error = min(abs(below - wanted), abs(at_or_below - wanted)) / n
                quantiles.append(
                    {"q": q, "exact": float(np.quantile(values, q)), "rank_error": error})
            entry["quantiles"] = quantiles
        result[name] = entry
    print(json.dumps(result))


if __name__ == "__main__":
    main()
