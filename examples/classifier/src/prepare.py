"""Splits data/raw.csv into data/prepared/{train,test}.csv."""
import os

import numpy as np

from common import load_params

params = load_params()["prepare"]
with open("data/raw.csv") as f:
    header = f.readline().strip()
rows = np.loadtxt("data/raw.csv", delimiter=",", skiprows=1)
rng = np.random.default_rng(params["seed"])
order = rng.permutation(len(rows))
test_count = int(round(len(rows) * params["test_size"]))
os.makedirs("data/prepared", exist_ok=True)
for name, part in [("test", rows[order[:test_count]]), ("train", rows[order[test_count:]])]:
    np.savetxt(f"data/prepared/{name}.csv", part, delimiter=",", header=header, comments="", fmt="%.6g")
print(f"prepare: {len(rows) - test_count} train rows, {test_count} test rows")
