#!/usr/bin/env bash
# Installs the Debian packages mlx needs to build and test, when they are missing.
# Usage: scripts/install-deps.sh            (build and test needs)
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
pkg-config --exists libzstd 2>/dev/null || missing+=(libzstd-dev)

if ! command -v swift >/dev/null 2>&1; then
  echo "mlx needs a Swift 6.1+ toolchain on PATH (https://www.swift.org/install/linux/)." >&2
  exit 1
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
