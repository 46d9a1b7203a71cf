#!/usr/bin/env python3
"""Builds a Git repository holding N registry tags in GTO's naming, with git fast-import.

Half the tags register versions, half assign stages, over 10 artifacts; each version sits
on its own commit (version i of every artifact shares commit i). The same repository is
read by mlx and GTO in the benchmark.

Usage: registry_repo.py DIRECTORY N
"""
import os
import subprocess
import sys

STAGES = ["dev", "staging", "production"]


def build(directory, count):
    os.makedirs(directory, exist_ok=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    subprocess.run(["git", "init", "-q", "-b", "main", directory], check=True, env=env)
    artifacts = [f"model-{i}" for i in range(10)]
    versions = max(1, count // 2 // len(artifacts))
    assignments = count - versions * len(artifacts)
    base = 1_750_000_000
    lines = []
    for index in range(versions):
        content = f"version {index}\n"
        lines += [
            "commit refs/heads/main",
            f"mark :{index + 1}",
            f"committer Bench <bench@example.com> {base + index} +0000",
            f"data {len(f'version {index}')}", f"version {index}",
        ]
        if index > 0:
            lines.append(f"from :{index}")
        lines += [f"M 100644 inline model.txt", f"data {len(content)}", content]
    time = base + versions
    for artifact in artifacts:
        for index in range(versions):
            message = f"Registering artifact {artifact} version v0.0.{index + 1}\n"
            lines += [
                f"tag {artifact}@v0.0.{index + 1}", f"from :{index + 1}",
                f"tagger Bench <bench@example.com> {time} +0000", f"data {len(message)}", message,
            ]
            time += 1
    counters = {artifact: 0 for artifact in artifacts}
    for number in range(assignments):
        artifact = artifacts[number % len(artifacts)]
        version = (number // len(artifacts)) % versions
        stage = STAGES[number % len(STAGES)]
        counters[artifact] += 1
        message = f"Assigning stage {stage} to artifact {artifact} version v0.0.{version + 1}\n"
        lines += [
            f"tag {artifact}#{stage}#{counters[artifact]}", f"from :{version + 1}",
            f"tagger Bench <bench@example.com> {time} +0000", f"data {len(message)}", message,
        ]
        time += 1
    subprocess.run(["git", "fast-import", "--quiet"], input="\n".join(lines) + "\n", text=True,
                   cwd=directory, check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=directory, check=True, env=env)


if __name__ == "__main__":
    build(sys.argv[1], int(sys.argv[2]))
