"""Fits a logistic-regression classifier and writes models/model.pkl and metrics/train.json."""
import os
import pickle

import numpy as np
from sklearn.linear_model import LogisticRegression

from common import load_params, write_json

params = load_params()["train"]
data = np.load("data/features/train.npz")
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"])
model.fit(data["x"], data["y"])
os.makedirs("models", exist_ok=True)
with open("models/model.pkl", "wb") as f:
    pickle.dump(model, f)
accuracy = float(model.score(data["x"], data["y"]))
write_json("metrics/train.json", {"train_accuracy": round(accuracy, 4)})
print(f"train: C={params['C']} train accuracy {accuracy:.4f}")
