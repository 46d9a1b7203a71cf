"""Scores models/model.pkl on the test split and writes metrics/eval.json."""
import pickle

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from common import write_json

data = np.load("data/features/test.npz")
with open("models/model.pkl", "rb") as f:
    model = pickle.load(f)
predicted = model.predict(data["x"])
scores = model.predict_proba(data["x"])[:, 1]
metrics = {
    "accuracy": round(float(accuracy_score(data["y"], predicted)), 4),
    "precision": round(float(precision_score(data["y"], predicted)), 4),
    "recall": round(float(recall_score(data["y"], predicted)), 4),
    "f1": round(float(f1_score(data["y"], predicted)), 4),
    "auc": round(float(roc_auc_score(data["y"], scores)), 4),
}
write_json("metrics/eval.json", metrics)
print("evaluate: " + " ".join(f"{k}={v}" for k, v in metrics.items()))
