#!/usr/bin/env bash
# The end-to-end example `make demo` runs, in a fresh Git repository:
# version data with mlx, train and evaluate a classifier, rerun with caching, iterate on a
# param, check data against a schema, profile it and compare versions for drift, switch
# branches with hooks installed, promote behind a drift gate, trace, write the drift, runs and audit reports,
# restore files, and share them through a remote with a fresh clone.
# Usage: examples/demo.sh PATH/TO/mlx
set -euo pipefail

mlx_binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
example=$(cd "$(dirname "$0")/classifier" && pwd)
demo=${MLX_DEMO_DIR:-${TMPDIR:-/tmp}/mlx-demo}

if ! python3 -c "import numpy, sklearn, yaml" 2>/dev/null; then
  echo "Installing the example's Python packages (numpy, scikit-learn, PyYAML)" >&2
  python3 -m pip install --quiet numpy scikit-learn pyyaml
fi

reports="$demo-reports"
rm -rf "$demo" "$reports"
mkdir -p "$demo" "$reports"
cp -R "$example/." "$demo/"
cd "$demo"

mlx() { "$mlx_binary" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
export GIT_AUTHOR_NAME="mlx demo" GIT_AUTHOR_EMAIL="demo@example.com"
export GIT_COMMITTER_NAME="mlx demo" GIT_COMMITTER_EMAIL="demo@example.com"
git init -q -b main
git config commit.gpgsign false
git config user.name "mlx demo"
git config user.email "demo@example.com"
git add -A && git commit -qm "Classifier project"

step mlx init
step python3 src/export_data.py
# Data quality: a Table Schema inferred from the data and recorded in the pointer, so this
# and every later add validates the data first; a profile (per-column statistics) stored by
# the data's digest and recorded in the pointer, so later comparisons never read it again.
step mlx schema infer data/raw.csv -o data/raw.schema.yaml
step mlx add data/raw.csv --kind dataset --schema data/raw.schema.yaml
step mlx validate data/raw.csv
step mlx profile data/raw.csv
step cat data/raw.csv.mlx
git add -A && git commit -qm "Track the raw data"

# Evaluate: every stage up to evaluation runs the first time, on a clean, committed tree.
step mlx eval
git add -A && git commit -qm "Train and evaluate the first model"
first_model=$(git rev-parse HEAD)

# Nothing changed: every stage is skipped.
step mlx train

# Try another param value, then go back: the old outputs come from the run cache.
step sed -i 's/C: 1.0/C: 0.05/' params.yaml
step mlx train
step sed -i 's/C: 0.05/C: 1.0/' params.yaml
step mlx train

# A new version of the data: only the changed chunks are stored; retrain and compare.
step python3 -c "rows = open('data/raw.csv').readlines(); open('data/raw.csv', 'w').writelines(rows[:-40])"
step mlx status
step mlx add data/raw.csv
step mlx profile data/raw.csv -q
git add -A && git commit -qm "Drop the last 40 rows of the raw data"

# Drift between the two versions of the data, from their stored profiles (exit 0: none), and
# against a new batch whose radii grew by a third (exit 1, as CI would see it: retrain).
step mlx drift data/raw.csv@HEAD~1 data/raw.csv
batch="$reports/new-batch.csv"
python3 - "$batch" <<'PY'
import csv, sys
rows = list(csv.reader(open("data/raw.csv")))
for row in rows[1:]:
    row[0] = f"{float(row[0]) * 1.33:.3f}"
csv.writer(open(sys.argv[1], "w", newline="")).writerows(rows)
PY
drifts() {
  local status=0
  step "$@" || status=$?
  [ "$status" -eq 1 ] || { echo "expected exit 1 (drift beyond the thresholds), got $status" >&2; exit 1; }
  echo "(exit 1: drift beyond the thresholds; a CI job would trigger retraining)"
}
drifts mlx drift data/raw.csv "$batch"
drifts mlx report drift data/raw.csv "$batch" -o "$reports/drift.html"

# Iterate twice before committing, as with `dvc exp run -S`: each value is written into
# params.yaml, the stages it touches rerun, and the last one tried is what gets committed;
# the model promoted below comes from that run, and its lineage checks out strictly.
step mlx eval -S train.C=0.05
step mlx eval -S train.C=0.5
step mlx metrics show
step mlx params diff
git add -A && git commit -qm "Retrain on the new data with C=0.5"
step mlx runs
step mlx diff HEAD~2 HEAD
step mlx metrics diff HEAD~2 HEAD

# Branches: with mlx's Git hooks installed, switching branches switches the data too.
step mlx install-hooks
step git switch -c smaller-sample
step python3 -c "rows = open('data/raw.csv').readlines(); open('data/raw.csv', 'w').writelines(rows[:-100])"
step mlx add data/raw.csv
git add -A && git commit -qm "Try a smaller sample"
step git switch main
step mlx status
step git switch smaller-sample
step mlx status
step git switch main

# Promote the model to staging, then to production with an SSH-signed tag that stock git
# verifies. The demo makes a signing key and lists it in .mlx/allowed_signers.
keys=$(mktemp -d)
ssh-keygen -q -t ed25519 -N "" -C demo@example.com -f "$keys/demo"
git config gpg.format ssh
git config user.signingkey "$keys/demo"
echo "demo@example.com namespaces=\"git\" $(cut -d' ' -f1,2 "$keys/demo.pub")" > .mlx/allowed_signers
git add .mlx/allowed_signers && git commit -qm "Allow the demo key to sign promotions"
# Staging's gates include drift.psi <= 0.2: the first model goes in (nothing to compare),
# then the retrained one, whose training data is compared with the first one's.
step mlx promote classifier --to staging "$first_model"
step mlx promote classifier --to staging
step mlx promote classifier --to production
step git -c gpg.ssh.allowedSignersFile=.mlx/allowed_signers verify-tag 'classifier#production#3'
# A model retrained on the drifted batch is refused by the drift gate (exit 1, no tag).
step git switch -c drifted-batch
step cp "$batch" data/raw.csv
step mlx add data/raw.csv
step mlx train -q
git add -A && git commit -qm "Retrain on the drifted batch"
refused=0
step mlx promote classifier --to staging || refused=$?
[ "$refused" -eq 1 ] || { echo "expected exit 1 (the drift gate refuses), got $refused" >&2; exit 1; }
echo "(exit 1: the drift gate refused the model; no tag was written)"
step git switch main
step mlx registry
step mlx registry which classifier%production
step mlx audit
step mlx audit report --html "$reports/audit.html"
step mlx report runs -o "$reports/runs.html"

# Lose the work-tree copies; restore them from the store.
step rm -rf data/raw.csv models/model.pkl
step mlx status
step mlx checkout
step mlx ls
step mlx verify

# Where did the production model come from? Every link is checked.
step mlx lineage classifier#production --strict

# Share the data through a directory remote (a mounted share in a team): CI's check finds it
# missing, a push sends it, and a fresh clone pulls it, with the runs (refs/mlx/*) and tags
# from its origin, so the clone's auditor verifies the production model's lineage.
remote="$demo-remote"
rm -rf "$remote" "$demo-clone"
mkdir -p "$remote"
step mlx remote add --default shared "$remote"
git add -A && git commit -qm "Share data through a directory remote"
step mlx status --remote || true
step mlx push
step mlx status --remote --rev HEAD
# Staging's drift gate compared v0.0.2's training data with v0.0.1's: send that too, so a
# clone's audit can recompute the gate (without it, the promotion is `unverifiable`).
step mlx push --rev "$first_model" data/raw.csv
step git clone -q "$demo" "$demo-clone"
cd "$demo-clone"
step mlx pull
step mlx fetch --rev "$first_model" data/raw.csv
step mlx verify
step mlx lineage classifier#production --strict
cd "$demo"

printf '\nThe demo repository is in %s, its clone in %s-clone, the reports in %s\n' "$demo" "$demo" \
  "$reports"
