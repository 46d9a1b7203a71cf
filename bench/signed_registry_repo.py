#!/usr/bin/env python3
"""Builds a Git repository holding N SSH-signed registry tags and a policy, for `mlx audit`.

Like registry_repo.py (half registrations, half stage assignments, 10 artifacts, version i of
every artifact on commit i), plus: a policy (production needs a signature from
bench@example.com; staging and production have a gate on the accuracy each commit's mlx.lock
records), an allowed-signers file, and every tag signed with one Ed25519 key exactly as
`git tag -s` with gpg.format=ssh signs it (SSHSIG, namespace git, SHA-512). Signatures are
made here with the `cryptography` package so 10,000 tags take seconds, not an ssh-keygen run
each.

Usage: signed_registry_repo.py DIRECTORY N
"""
import base64
import hashlib
import os
import struct
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

STAGES = ["dev", "staging", "production"]
POLICY = """version: 1
artifacts:
{artifacts}stages:
  - name: dev
  - name: staging
    gates: ["accuracy >= 0.5"]
  - name: production
    signature: required
    signers: [bench@example.com]
    gates: ["accuracy >= 0.5"]
"""
LOCK = """version: 1
stages:
  train:
    cmd: python train.py
    outs:
    - path: model.txt
      digest: sha256:{digest}
      size: {size}
    metrics:
      metrics.json:
        accuracy: {accuracy}
    run: run-{index}
"""


def ssh_string(data):
    return struct.pack(">I", len(data)) + data


def sshsig(key, public_blob, message):
    signed = b"SSHSIG" + ssh_string(b"git") + ssh_string(b"") + ssh_string(b"sha512") + \
        ssh_string(hashlib.sha512(message).digest())
    signature = ssh_string(b"ssh-ed25519") + ssh_string(key.sign(signed))
    blob = b"SSHSIG" + struct.pack(">I", 1) + ssh_string(public_blob) + ssh_string(b"git") + \
        ssh_string(b"") + ssh_string(b"sha512") + ssh_string(signature)
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


def git(directory, *args, data=None):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    return subprocess.run(["git", *args], cwd=directory, input=data, check=True, env=env,
                          stdout=subprocess.PIPE).stdout


def build(directory, count):
    os.makedirs(directory, exist_ok=True)
    git(directory, "init", "-q", "-b", "main")
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    public_blob = base64.b64decode(public.split()[1])
    artifacts = [f"model-{i}" for i in range(10)]
    versions = max(1, count // 2 // len(artifacts))
    assignments = count - versions * len(artifacts)
    base = 1_750_000_000
    declared = "".join(f"  {name}: {{path: model.txt}}\n" for name in artifacts)
    stream = []
    for index in range(versions):
        content = f"version {index}\n"
        digest = hashlib.sha256(content.encode()).hexdigest()
        pointer = f"version: 1\nkind: model\npath: model.txt\ndigest: sha256:{digest}\nsize: {len(content)}\n"
        lock = LOCK.format(digest=digest, size=len(content), accuracy=0.5 + index % 50 / 100, index=index)
        files = {"model.txt.mlx": pointer, "mlx.lock": lock}
        if index == 0:
            files[".mlx/policy.yaml"] = POLICY.format(artifacts=declared)
            files[".mlx/allowed_signers"] = f"bench@example.com namespaces=\"git\" {public}\n"
        stream += [
            "commit refs/heads/main", f"mark :{index + 1}",
            f"committer Bench <bench@example.com> {base + index} +0000",
            f"data {len(f'version {index}')}", f"version {index}",
        ]
        if index > 0:
            stream.append(f"from :{index}")
        for path, text in files.items():
            stream += [f"M 100644 inline {path}", f"data {len(text.encode())}", text]
    marks = os.path.join(directory, ".git", "bench-marks")
    git(directory, "fast-import", "--quiet", f"--export-marks={marks}", data="\n".join(stream).encode() + b"\n")
    commit = {}
    for line in open(marks):
        mark, sha = line.split()
        commit[int(mark[1:])] = sha
    os.remove(marks)

    tagger_time = base + versions
    stream = []

    def tag(name, index, message):
        nonlocal tagger_time
        tagger = f"Bench <bench@example.com> {tagger_time} +0000"
        payload = f"object {commit[index + 1]}\ntype commit\ntag {name}\ntagger {tagger}\n\n{message}"
        body = message + sshsig(key, public_blob, payload.encode())
        stream.extend([f"tag {name}", f"from {commit[index + 1]}", f"tagger {tagger}",
                       f"data {len(body.encode())}", body])
        tagger_time += 1

    for artifact in artifacts:
        for index in range(versions):
            tag(f"{artifact}@v0.0.{index + 1}", index,
                f"Register {artifact} v0.0.{index + 1}\n")
    counters = {artifact: 0 for artifact in artifacts}
    for number in range(assignments):
        artifact = artifacts[number % len(artifacts)]
        version = (number // len(artifacts)) % versions
        stage = STAGES[number % len(STAGES)]
        counters[artifact] += 1
        tag(f"{artifact}#{stage}#{counters[artifact]}", version,
            f"Promote {artifact} v0.0.{version + 1} to {stage}\n")
    git(directory, "fast-import", "--quiet", data="\n".join(stream).encode() + b"\n")
    git(directory, "checkout", "-q", "main")


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]))
