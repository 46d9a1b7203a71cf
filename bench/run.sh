#!/usr/bin/env bash
# `make bench`: times mlx against DVC and git-lfs on the same generated data, side by side.
# Usage: bench/run.sh PATH/TO/release/mlx [bench.py options, e.g. --only add --reps 5]
set -euo pipefail

mlx_binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
work=${MLX_BENCH_DIR:-$here/work}
mkdir -p "$work"

# git-lfs from Debian; DVC and GTO from PyPI in a virtual environment of their own.
if ! command -v git-lfs >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git-lfs >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git-lfs >/dev/null
  fi
fi
# dvc-s3 for DVC's S3 remote; moto's server is the S3 both tools push to (on 127.0.0.1).
if [ ! -x "$work/venv/bin/dvc" ] || [ ! -x "$work/venv/bin/gto" ] || [ ! -x "$work/venv/bin/moto_server" ] \
  || ! "$work/venv/bin/python" -c "import dvc_s3" 2>/dev/null; then
  echo "Installing DVC, dvc-s3, GTO and moto into $work/venv" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --upgrade pip
  "$work/venv/bin/pip" install -q dvc dvc-s3 gto "moto[server]"
fi

# The example pipeline's own needs (system Python, as `make demo` uses).
python3 -c "import numpy, sklearn, yaml" 2>/dev/null || python3 -m pip install -q numpy scikit-learn pyyaml
# The signed-registry generator signs with the cryptography package.
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install -q cryptography

python3 "$here/generate.py" "$work/data"

# The data-quality references: pandas, pandera and Great Expectations in one environment;
# evidently, which does not run on pandas 3 yet, in one of its own on pandas 2.
quality() {
  if ! "$work/quality-venv/bin/python" -c "import pandas, pandera.pandas, great_expectations, yaml" 2>/dev/null; then
    echo "Installing pandas, pandera and Great Expectations into $work/quality-venv" >&2
    python3 -m venv "$work/quality-venv"
    "$work/quality-venv/bin/pip" install -q --upgrade pip
    "$work/quality-venv/bin/pip" install -q pandas pandera great_expectations pyyaml
  fi
  if ! "$work/evidently-venv/bin/python" -c "import evidently, yaml" 2>/dev/null; then
    echo "Installing evidently into $work/evidently-venv" >&2
    python3 -m venv "$work/evidently-venv"
    "$work/evidently-venv/bin/pip" install -q --upgrade pip
    "$work/evidently-venv/bin/pip" install -q evidently "pandas<3" pyyaml
  fi
  python3 "$here/quality.py" --mlx "$mlx_binary" --work "$work" --python "$work/quality-venv/bin/python" \
    --evidently-python "$work/evidently-venv/bin/python" --results "$here/RESULTS.md"
}

case " $* " in
  *" --only quality "*) quality ;;
  *" --only "*)
    python3 "$here/bench.py" --mlx "$mlx_binary" --dvc "$work/venv/bin/dvc" --gto "$work/venv/bin/gto" \
      --work "$work" --results "$here/RESULTS.md" "$@" ;;
  *)
    python3 "$here/bench.py" --mlx "$mlx_binary" --dvc "$work/venv/bin/dvc" --gto "$work/venv/bin/gto" \
      --work "$work" --results "$here/RESULTS.md" "$@"
    quality ;;
esac
