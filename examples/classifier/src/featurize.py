"""Turns the prepared CSVs into standardized feature matrices in data/features/."""
import os

import numpy as np

from common import load_params

params = load_params()["featurize"]
train = np.loadtxt("data/prepared/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt("data/prepared/test.csv", delimiter=",", skiprows=1)
x_train, y_train = train[:, :-1], train[:, -1].astype(int)
x_test, y_test = test[:, :-1], test[:, -1].astype(int)
if params["standardize"]:
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
os.makedirs("data/features", exist_ok=True)
np.savez("data/features/train.npz", x=x_train, y=y_train)
np.savez("data/features/test.npz", x=x_test, y=y_test)
print(f"featurize: {x_train.shape[1]} features")
