"""Helpers shared by the stages."""
import json
import os

import yaml


def load_params():
    """The params for this run: MLX_PARAMS_FILE names params.yaml (-S writes into it)."""
    with open(os.environ.get("MLX_PARAMS_FILE", "params.yaml")) as f:
        return yaml.safe_load(f)


def write_json(path, values):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(values, f, indent=2, sort_keys=True)
        f.write("\n")
