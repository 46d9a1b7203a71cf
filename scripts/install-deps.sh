#!/usr/bin/env bash
# Installs the Debian packages mlx needs to build and test, when they are missing.
# Usage: scripts/install-deps.sh            (build needs)
#        scripts/install-deps.sh --test     (also the Python tools the tests check against:
#                                            GTO, jsonschema, securesystemslib, moto's
#                                            S3 server, pandas and pandera, scipy and
#                                            evidently; and chromium, which opens every
#                                            HTML report the tests write)
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
pkg-config --exists libzstd 2>/dev/null || missing+=(libzstd-dev)
pkg-config --exists libpcre2-8 2>/dev/null || missing+=(libpcre2-dev)
# Foundation's XML parser (the S3 API answers in XML) loads libxml2 at run time.
ldconfig -p 2>/dev/null | grep -q 'libxml2\.so\.2' || missing+=(libxml2)

if ! command -v swift >/dev/null 2>&1; then
  echo "mlx needs a Swift 6.1+ toolchain on PATH (https://www.swift.org/install/linux/)." >&2
  exit 1
fi

if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  python=()
  command -v gto >/dev/null 2>&1 || python+=(gto)
  python3 -c "import jsonschema, referencing" 2>/dev/null || python+=(jsonschema)
  python3 -c "import securesystemslib.dsse" 2>/dev/null || python+=(securesystemslib)
  python3 -c "import moto.server, flask, boto3" 2>/dev/null || python+=("moto[server]")
  python3 -c "import pandas, pandera.pandas, yaml" 2>/dev/null || python+=(pandas pandera pyyaml)
  python3 -c "import scipy.stats, scipy.spatial" 2>/dev/null || python+=(scipy)
  # evidently's top-level import needs a pandas helper pandas 3 dropped; the drift tests'
  # reference script supplies it, so the check looks for the package without importing it.
  python3 -c "import importlib.util as u; exit(u.find_spec('evidently') is None)" \
    2>/dev/null || python+=(evidently)
  if [ ${#python[@]} -gt 0 ]; then
    echo "Installing missing Python packages: ${python[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${python[@]}"
  fi
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
