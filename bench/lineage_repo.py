#!/usr/bin/env python3
"""Builds a repository for timing `mlx lineage`: N commits, each with a real `mlx train` run
(N run records), and N registry tags written by `mlx register` and `mlx promote`.

The pipeline is prepare (data/raw.csv -> data/prepared) then train (data/prepared, train.sh,
params.yaml -> models/model.bin). The learning rate changes on every commit, so every run
trains a new model; the raw data changes every 100 commits, so each dataset version feeds
100 runs and their models. Every other commit's model is registered, and every version so
registered is promoted to one of three stages: N/2 registrations + N/2 promotions = N tags,
each signed with an SSH key the allowed-signers file lists (so lineage checks signatures).

Usage: lineage_repo.py MLX DIRECTORY N
"""
import os
import subprocess
import sys

STAGES = ["dev", "staging", "production"]

PIPELINE = """\
stages:
  prepare:
    cmd: mkdir -p data/prepared && sort data/raw.csv > data/prepared/clean.csv
    deps: [data/raw.csv]
    outs:
      - data/prepared: {kind: dataset}
  train:
    cmd: sh train.sh
    deps: [train.sh, data/prepared]
    params: [train.lr]
    outs:
      - models/model.bin: {kind: model}
    metrics: [metrics.json]
    role: train
"""

TRAIN = """\
mkdir -p models
{ printf 'lr=%s\\n' "$MLX_PARAM_TRAIN_LR"; cat data/prepared/clean.csv; } > models/model.bin
printf '{"accuracy": 0.9}' > metrics.json
"""

POLICY = """\
version: 1
allowed_signers: .mlx/allowed_signers
artifacts:
  model: {path: models/model.bin, type: model}
stages:
  - name: dev
  - name: staging
  - name: production
"""


def build(mlx, directory, count, progress=None):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", CI="1",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")

    def run(*args):
        subprocess.run(args, cwd=directory, env=env, check=True, stdout=subprocess.DEVNULL)

    def write(path, text):
        full = os.path.join(directory, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as out:
            out.write(text)

    os.makedirs(directory, exist_ok=True)
    run("git", "init", "-q", "-b", "main")
    run("git", "config", "commit.gpgsign", "false")
    run(mlx, "init")
    key = os.path.join(directory, ".git", "bench_signing_key")
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench@example.com", "-f", key)
    run("git", "config", "gpg.format", "ssh")
    run("git", "config", "user.signingkey", key)
    with open(key + ".pub") as public:
        write(".mlx/allowed_signers", "bench@example.com " + " ".join(public.read().split()[:2]) + "\n")
    write("mlx.yaml", PIPELINE)
    write("train.sh", TRAIN)
    write(".mlx/policy.yaml", POLICY)
    run("git", "add", "-A")
    run("git", "commit", "-qm", "pipeline")
    for index in range(count):
        if index % 100 == 0:
            rows = "".join(f"{row},{(row * 7 + index) % 13}\n" for row in range(1000))
            write("data/raw.csv", "id,label\n" + rows)
            run(mlx, "add", "-q", "data/raw.csv", "--kind", "dataset")
        write("params.yaml", f"train:\n  lr: {index + 1}\n")
        run(mlx, "train")
        run("git", "add", "-A")
        run("git", "commit", "-qm", f"train with lr {index + 1}")
        if index % 2 == 0:
            stage = STAGES[(index // 2) % len(STAGES)]
            run(mlx, "promote", "model", "--to", stage)
        if progress and (index + 1) % 100 == 0:
            progress(index + 1)


if __name__ == "__main__":
    build(os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
          lambda done: print(f"{done} commits", file=sys.stderr))
