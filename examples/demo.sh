#!/usr/bin/env bash
# The end-to-end example `make demo` runs: version a dataset and a model beside Git.
# Usage: examples/demo.sh PATH/TO/mlx
set -euo pipefail

mlx_binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
demo=${MLX_DEMO_DIR:-${TMPDIR:-/tmp}/mlx-demo}
rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"

mlx() { "$mlx_binary" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
export GIT_AUTHOR_NAME="mlx demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="mlx demo" GIT_COMMITTER_EMAIL="demo@example.com"

git init -q -b main
git config commit.gpgsign false
echo "# demo project" > README.md

step mlx init

# A dataset (a CSV of 200,000 rows) and a model file (4 MiB of weights).
mkdir -p data models
python3 - <<'PY'
import random
random.seed(1)
with open("data/train.csv", "w") as f:
    f.write("id,age,income,score,label\n")
    for i in range(200_000):
        f.write(f"{i},{random.randint(18, 90)},{random.randint(1000, 99999)},{random.random():.6f},{random.randint(0, 1)}\n")
with open("models/model.bin", "wb") as f:
    f.write(random.randbytes(4 << 20))
PY

step mlx add data/train.csv --kind dataset
step mlx add models/model.bin --kind model
step cat data/train.csv.mlx
step mlx status
git add README.md && git commit -qm "Track the dataset and the model"
step git log --oneline

# A new version: 1% of the rows change in the middle; only the changed chunks are stored.
python3 - <<'PY'
lines = open("data/train.csv").read().splitlines(keepends=True)
middle = len(lines) // 2
for i in range(middle, middle + len(lines) // 100):
    lines[i] = lines[i].replace(",0\n", ",1\n")
open("data/train.csv", "w").writelines(lines)
PY
step mlx status
step mlx add data/train.csv
git commit -qm "Relabel 1% of the rows"
step mlx diff HEAD~1 HEAD

# Lose the work tree copies; restore them from the store.
step rm -f data/train.csv models/model.bin
step mlx status
step mlx checkout
step sha256sum data/train.csv
step mlx ls
step mlx verify

printf '\nThe demo repository is in %s\n' "$demo"
