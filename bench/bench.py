#!/usr/bin/env python3
"""Times mlx, DVC and git-lfs side by side on the same data and machine.

Each operation runs in fresh Git repositories (setup such as copying data in is not timed),
several times per tool; the table shows the median of the runs and mlx's time divided by
DVC's. The figures are written between the markers in bench/RESULTS.md.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

GIB = 1 << 30
TOOLS = ["mlx", "dvc", "git-lfs"]


class Bench:
    def __init__(self, args):
        self.mlx = os.path.abspath(args.mlx)
        self.dvc = os.path.abspath(args.dvc)
        self.work = os.path.abspath(args.work)
        self.data = os.path.join(self.work, "data")
        self.repos = os.path.join(self.work, "repos")
        self.reps = args.reps
        self.counter = 0
        self.rows = []
        self.disk_seconds = None
        self.env = dict(os.environ)
        self.env.update(
            GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
            GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
            GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
            DVC_NO_ANALYTICS="1", CI="1",
        )
        self.env.pop("MLX_CACHE_DIR", None)

    # MARK: - Running things

    def sh(self, args, cwd, check=True):
        result = subprocess.run(args, cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{result.stdout}{result.stderr}")
        return result

    def timed(self, args, cwd):
        subprocess.run(["sync"])
        start = time.perf_counter()
        self.sh(args, cwd)
        return time.perf_counter() - start

    def fresh_repo(self, tool):
        self.counter += 1
        path = os.path.join(self.repos, f"{tool}-{self.counter}")
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        self.sh(["git", "init", "-q", "-b", "main"], path)
        self.sh(["git", "config", "commit.gpgsign", "false"], path)
        return path

    def initialize(self, tool, repo):
        if tool == "mlx":
            self.sh([self.mlx, "init"], repo)
        elif tool == "dvc":
            self.sh([self.dvc, "init", "-q"], repo)
        else:
            self.sh(["git", "lfs", "install", "--local"], repo)

    def add_command(self, tool, name, repo):
        if tool == "mlx":
            return [self.mlx, "add", "-q", name]
        if tool == "dvc":
            return [self.dvc, "add", "-q", name]
        pattern = f"{name}/**" if os.path.isdir(os.path.join(repo, name)) else name
        self.sh(["git", "lfs", "track", pattern], repo)
        return ["git", "add", name]

    def status_command(self, tool):
        return {"mlx": [self.mlx, "status"], "dvc": [self.dvc, "status"],
                "git-lfs": ["git", "status", "--porcelain"]}[tool]

    def checkout_command(self, tool, name):
        return {"mlx": [self.mlx, "checkout", "-q", name], "dvc": [self.dvc, "checkout", "-q", name],
                "git-lfs": ["git", "checkout", "--", name]}[tool]

    def store_bytes(self, tool, repo):
        store = {"mlx": ".mlx/cache", "dvc": ".dvc/cache", "git-lfs": ".git/lfs/objects"}[tool]
        total = 0
        for root, _, files in os.walk(os.path.join(repo, store)):
            for name in files:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
        return total

    def copy_data(self, name, repo):
        source = os.path.join(self.data, name)
        target = os.path.join(repo, name)
        if os.path.isdir(source):
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)

    def tracked_repo(self, tool, name, commit=True):
        repo = self.fresh_repo(tool)
        self.initialize(tool, repo)
        self.copy_data(name, repo)
        self.sh(self.add_command(tool, name, repo), repo)
        if commit:
            self.sh(["git", "add", "-A"], repo)
            self.sh(["git", "commit", "-qm", "track"], repo)
        return repo

    def record(self, operation, times, target=None, unit="s"):
        row = {"operation": operation, "unit": unit, "target": target}
        for tool in TOOLS:
            values = times.get(tool)
            row[tool] = statistics.median(values) if values else None
            row[tool + "_runs"] = values
        if row["mlx"] is not None and row["dvc"]:
            row["ratio"] = row["mlx"] / row["dvc"]
        self.rows.append(row)
        self.print_row(row)

    # MARK: - Scenarios

    def bench_init(self):
        times = {tool: [] for tool in TOOLS}
        for _ in range(self.reps):
            for tool in TOOLS:
                repo = self.fresh_repo(tool)
                args = {"mlx": [self.mlx, "init"], "dvc": [self.dvc, "init", "-q"],
                        "git-lfs": ["git", "lfs", "install", "--local"]}[tool]
                times[tool].append(self.timed(args, repo))
        self.record("init", times)

    def bench_disk(self):
        """The disk's durable write speed, so a disk-bound figure can be told from a slow one."""
        path = os.path.join(self.work, "dd-1GiB.bin")
        times = []
        for _ in range(self.reps):
            subprocess.run(["sync"])
            start = time.perf_counter()
            subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", "count=1024",
                            "conv=fdatasync"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
            times.append(time.perf_counter() - start)
            os.remove(path)
        self.disk_seconds = statistics.median(times)
        print(f"{'disk: dd 1 GiB conv=fdatasync':<52} {self.cell(self.disk_seconds, 's'):>10}",
              flush=True)

    def bench_add(self, name, label, target, store_size=False, reps=None):
        times = {tool: [] for tool in TOOLS}
        sizes = {tool: [] for tool in TOOLS}
        for _ in range(reps or self.reps):
            for tool in TOOLS:
                repo = self.fresh_repo(tool)
                self.initialize(tool, repo)
                self.copy_data(name, repo)
                command = self.add_command(tool, name, repo)
                times[tool].append(self.timed(command, repo))
                sizes[tool].append(self.store_bytes(tool, repo) / (1 << 20))
                shutil.rmtree(repo)
        if store_size and target and self.disk_seconds is not None:
            target += f", or mlx <= {1.15 * self.disk_seconds:.2f} s (1.15 x dd)"
        self.record(f"add {label}", times, target)
        if store_size:
            self.record(f"store size after adding {label}", sizes, unit="MiB")

    def bench_status(self, name, label, change=None, target=None):
        """No-op status, or status after `change(tool, repo, rep)` modified the data."""
        times = {tool: [] for tool in TOOLS}
        for tool in TOOLS:
            repo = self.tracked_repo(tool, name)
            self.sh(self.status_command(tool), repo)  # warm: first status may build caches
            for rep in range(self.reps):
                if change:
                    change(tool, repo, rep)
                times[tool].append(self.timed(self.status_command(tool), repo))
            shutil.rmtree(repo)
        kind = f"status after one change, {label}" if change else f"status, nothing changed, {label}"
        self.record(kind, times, target)

    def bench_checkout(self, name, label, target=None, cold=False, reps=None):
        """Restores `name` into an empty work tree. One untimed restore first, so that every
        timed run finds each tool's store in memory, as DVC's is right after its add (mlx
        writes packs around the page cache). With `cold`, the kernel's caches are dropped
        before each run instead, so every tool reads its store from the disk (root only)."""
        times = {tool: [] for tool in TOOLS}
        for tool in TOOLS:
            repo = self.tracked_repo(tool, name)
            path = os.path.join(repo, name)

            def remove():
                if os.path.isdir(path):
                    shutil.rmtree(path)
                else:
                    os.remove(path)

            if not cold:
                remove()
                self.sh(self.checkout_command(tool, name), repo)
            for _ in range(reps or self.reps):
                remove()
                if cold:
                    subprocess.run(["sync"])
                    with open("/proc/sys/vm/drop_caches", "w") as caches:
                        caches.write("3\n")
                times[tool].append(self.timed(self.checkout_command(tool, name), repo))
            shutil.rmtree(repo)
        suffix = ", caches dropped before each run" if cold else ""
        self.record(f"checkout into an empty work tree, {label}{suffix}", times, target)

    def bench_growth(self):
        times = {tool: [] for tool in TOOLS}
        growth = {tool: [] for tool in TOOLS}
        size = os.path.getsize(os.path.join(self.data, "table-edited.csv"))
        for _ in range(self.reps):
            for tool in TOOLS:
                repo = self.tracked_repo(tool, "table.csv")
                before = self.store_bytes(tool, repo)
                shutil.copyfile(os.path.join(self.data, "table-edited.csv"),
                                os.path.join(repo, "table.csv"))
                times[tool].append(self.timed(self.add_command(tool, "table.csv", repo), repo))
                growth[tool].append(100.0 * (self.store_bytes(tool, repo) - before) / size)
                shutil.rmtree(repo)
        self.record("re-add the CSV with 1% of rows edited", times)
        self.record("store growth from that re-add, % of file size", growth, "mlx <= 5%", unit="%")

    # MARK: - Remotes (issue 13)

    def start_s3(self):
        """moto's S3 server on a free port of 127.0.0.1, for both tools' S3 remotes."""
        if getattr(self, "s3_endpoint", None):
            return self.s3_endpoint
        import socket
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        moto = os.path.join(os.path.dirname(self.dvc), "moto_server")
        self.moto = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.s3_endpoint = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.s3_endpoint + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        self.env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                        AWS_DEFAULT_REGION="us-east-1")
        return self.s3_endpoint

    def new_remote(self, kind):
        """A new, empty remote location: a directory, or a new bucket on moto."""
        self.counter += 1
        if kind == "directory":
            path = os.path.join(self.repos, f"remote-{self.counter}")
            os.makedirs(path)
            return path
        endpoint = self.start_s3()
        bucket = f"bench-{self.counter}"
        request = urllib.request.Request(f"{endpoint}/{bucket}", method="PUT")
        urllib.request.urlopen(request).read()
        return f"s3://{bucket}/data"

    def add_remote(self, tool, repo, url):
        if tool == "mlx":
            extra = ["--endpoint", self.s3_endpoint] if url.startswith("s3://") else []
            self.sh([self.mlx, "remote", "add", "--default", "store", url] + extra, repo)
        else:
            self.sh([self.dvc, "remote", "add", "-d", "store", url], repo)
            if url.startswith("s3://"):
                self.sh([self.dvc, "remote", "modify", "store", "endpointurl", self.s3_endpoint], repo)
        self.sh(["git", "add", "-A"], repo)
        self.sh(["git", "commit", "-qm", "remote"], repo)

    def push_command(self, tool):
        return [self.mlx, "push", "-q"] if tool == "mlx" else [self.dvc, "push", "-q"]

    def pull_command(self, tool):
        return [self.mlx, "pull", "-q"] if tool == "mlx" else [self.dvc, "pull", "-q"]

    def bench_transfer(self, name, label, kind, target_push=None, target_pull=None, reps=None):
        """Push `name` to a new remote, then pull it into a fresh clone."""
        pushes = {"mlx": [], "dvc": []}
        pulls = {"mlx": [], "dvc": []}
        for _ in range(reps or self.reps):
            for tool in pushes:
                repo = self.tracked_repo(tool, name)
                self.add_remote(tool, repo, self.new_remote(kind))
                pushes[tool].append(self.timed(self.push_command(tool), repo))
                clone = repo + "-clone"
                self.sh(["git", "clone", "-q", repo, clone], self.repos)
                pulls[tool].append(self.timed(self.pull_command(tool), clone))
                shutil.rmtree(repo)
                shutil.rmtree(clone)
        self.record(f"push to a new {kind} remote, {label}", pushes, target_push)
        self.record(f"pull into a fresh clone from a {kind} remote, {label}", pulls, target_pull)

    def bench_incremental_push(self):
        """After the 1% edit of the CSV: the time of the second push, and what it sent."""
        times = {"mlx": [], "dvc": []}
        sent = {"mlx": [], "dvc": []}
        size = os.path.getsize(os.path.join(self.data, "table-edited.csv"))
        for _ in range(self.reps):
            for tool in times:
                repo = self.tracked_repo(tool, "table.csv")
                remote = self.new_remote("directory")
                self.add_remote(tool, repo, remote)
                self.sh(self.push_command(tool), repo)
                before = self.tree_bytes(remote)
                shutil.copyfile(os.path.join(self.data, "table-edited.csv"),
                                os.path.join(repo, "table.csv"))
                self.sh(self.add_command(tool, "table.csv", repo), repo)
                times[tool].append(self.timed(self.push_command(tool), repo))
                sent[tool].append(100.0 * (self.tree_bytes(remote) - before) / size)
                shutil.rmtree(repo)
                shutil.rmtree(remote)
        self.record("push after the 1% CSV edit, directory remote", times)
        self.record("bytes that push sent, % of the file's size", sent, "mlx <= 5%", unit="%")

    def bench_remote_status(self):
        """Is everything pushed? On 20,000 files against moto: `mlx status --remote` reads
        listings and indexes only; `dvc status -c` asks about every file."""
        times = {"mlx": [], "dvc": []}
        for tool in times:
            repo = self.tracked_repo(tool, "files")
            self.add_remote(tool, repo, self.new_remote("s3"))
            self.sh(self.push_command(tool), repo)
            command = [self.mlx, "status", "--remote"] if tool == "mlx" else [self.dvc, "status", "-c", "-q"]
            for _ in range(self.reps):
                times[tool].append(self.timed(command, repo))
            shutil.rmtree(repo)
        self.record("remote check, 20,000 files pushed, S3 (moto)", times, "mlx < 1 s")

    @staticmethod
    def tree_bytes(path):
        total = 0
        for root, _, files in os.walk(path):
            for name in files:
                total += os.lstat(os.path.join(root, name)).st_size
        return total

    # MARK: - Pipelines (issue 4)

    def pipeline_repo(self, tool, stages_yaml, setup):
        """A committed repository with `setup(repo)` done, the pipeline written and run once."""
        repo = self.fresh_repo(tool)
        self.initialize(tool, repo)
        setup(tool, repo)
        name = "mlx.yaml" if tool == "mlx" else "dvc.yaml"
        with open(os.path.join(repo, name), "w") as out:
            out.write(stages_yaml if tool == "mlx" else Bench.to_dvc_yaml(stages_yaml))
        self.sh(["git", "add", "-A"], repo)
        self.sh(["git", "commit", "-qm", "pipeline"], repo)
        self.sh(self.run_command(tool), repo)
        self.sh(["git", "add", "-A"], repo)
        self.sh(["git", "commit", "-qm", "first run"], repo)
        return repo

    @staticmethod
    def to_dvc_yaml(text):
        """The same stages for DVC: without mlx's `kind` and `role` keys."""
        text = re.sub(r": \{kind: \w+\}", "", text)
        return "\n".join(line for line in text.splitlines() if "role:" not in line) + "\n"

    def run_command(self, tool):
        return [self.mlx, "run"] if tool == "mlx" else [self.dvc, "repro", "-q"]

    def bench_noop_run(self, label, stages_yaml, setup, target=None):
        times = {"mlx": [], "dvc": []}
        for tool in times:
            repo = self.pipeline_repo(tool, stages_yaml, setup)
            self.sh(self.run_command(tool), repo)  # warm
            for _ in range(self.reps):
                times[tool].append(self.timed(self.run_command(tool), repo))
            shutil.rmtree(repo)
        self.record(f"no-op pipeline run, {label}", times, target)

    def example_setup(self, tool, repo):
        example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "classifier")
        for name in os.listdir(example):
            source = os.path.join(example, name)
            target = os.path.join(repo, name)
            if os.path.isdir(source):
                shutil.copytree(source, target, dirs_exist_ok=True)  # .mlx/ exists after init
            elif name != "mlx.yaml":
                shutil.copyfile(source, target)
        self.sh(["python3", "src/export_data.py"], repo)
        if tool == "mlx":
            self.sh([self.mlx, "add", "-q", "data/raw.csv"], repo)
        else:
            self.sh([self.dvc, "add", "-q", "data/raw.csv"], repo)

    def files_setup(self, tool, repo):
        self.copy_data("files", repo)
        if tool == "mlx":
            self.sh([self.mlx, "add", "-q", "files"], repo)
        else:
            self.sh([self.dvc, "add", "-q", "files"], repo)

    @staticmethod
    def twenty_stages():
        lines = ["stages:"]
        for i in range(1, 21):
            lines += [f"  s{i:02d}:", f"    cmd: mkdir -p out && ls files | wc -l > out/s{i:02d}.txt",
                      "    deps: [files]", f"    outs: [out/s{i:02d}.txt]"]
        return "\n".join(lines) + "\n"

    def bench_runs_listing(self):
        """`mlx runs` at 100 and 1,000 recorded runs; `dvc exp show` at 100 experiments."""
        stage = "stages:\n  step:\n    cmd: echo $MLX_RUN_ID > out.txt\n    outs: [out.txt]\n    always_changed: true\n"
        repo = self.fresh_repo("mlx")
        self.initialize("mlx", repo)
        with open(os.path.join(repo, "mlx.yaml"), "w") as out:
            out.write(stage)
        self.sh(["git", "add", "-A"], repo)
        self.sh(["git", "commit", "-qm", "pipeline"], repo)
        listing = {}
        for count in (100, 1000):
            while len(self.sh(["git", "for-each-ref", "refs/mlx/runs"], repo).stdout.splitlines()) < count:
                self.sh([self.mlx, "run"], repo)
            listing[count] = [self.timed([self.mlx, "runs"], repo) for _ in range(self.reps)]
        shutil.rmtree(repo)

        dvc_times = []
        repo = self.fresh_repo("dvc")
        self.initialize("dvc", repo)
        with open(os.path.join(repo, "params.yaml"), "w") as out:
            out.write("step: 0\n")
        with open(os.path.join(repo, "dvc.yaml"), "w") as out:
            out.write("stages:\n  step:\n    cmd: cat params.yaml > out.txt\n    params: [step]\n    outs: [out.txt]\n")
        self.sh(["git", "add", "-A"], repo)
        self.sh(["git", "commit", "-qm", "pipeline"], repo)
        for i in range(100):
            self.sh([self.dvc, "exp", "run", "-q", "--set-param", f"step={i + 1}"], repo)
        dvc_times = [self.timed([self.dvc, "exp", "show", "--no-pager"], repo) for _ in range(self.reps)]
        shutil.rmtree(repo)
        self.record("list 100 runs (mlx runs / dvc exp show)", {"mlx": listing[100], "dvc": dvc_times})
        self.record("list 1,000 runs (mlx runs)", {"mlx": listing[1000]})

    # MARK: - Registry (issue 5)

    def promotable_versions(self, repo, artifact):
        """Versions of `artifact` whose registration passes `mlx audit`, none holding dev.

        With no policy, mlx's defaults still require a signature for production, and a version
        that held production unsigned does not count, so `mlx promote` refuses it."""
        report = json.loads(self.sh([self.mlx, "audit", "--json"], repo, check=False).stdout)
        holders = json.loads(self.sh([self.mlx, "registry", "--json"], repo).stdout)
        in_dev = {entry["stages"]["dev"]["version"] for entry in holders["artifacts"]
                  if entry["name"] == artifact and "dev" in entry["stages"]}
        versions = [entry["version"] for entry in report["entries"]
                    if entry["artifact"] == artifact and entry["event"] == "registration"
                    and entry["status"] == "ok" and entry["version"] not in in_dev]
        return sorted(versions, key=lambda v: tuple(int(p) for p in v.lstrip("v").split(".")))

    def bench_registry(self, count, gto):
        """Reads and one promotion at `count` tags, mlx and GTO on the same repository."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import registry_repo
        self.counter += 1
        repo = os.path.join(self.repos, f"registry-{count}-{self.counter}")
        shutil.rmtree(repo, ignore_errors=True)
        registry_repo.build(repo, count)
        self.sh(["git", "config", "user.name", "Bench"], repo)
        self.sh(["git", "config", "user.email", "bench@example.com"], repo)
        # mlx trusts a reference file's stat only once the file is 2 s old (docs/formats.md);
        # wait as any later read would, then build the caches as any first read does.
        time.sleep(2.1)
        self.sh([self.mlx, "registry"], repo)
        gto_reps = self.reps if count <= 1000 else 1
        label = f"{count:,} tags"
        operations = [
            ("registry show", [self.mlx, "registry"], [gto, "show"]),
            ("registry history", [self.mlx, "registry", "history"], [gto, "history"]),
            ("registry which", [self.mlx, "registry", "which", "model-1#production"],
             [gto, "show", "model-1#production", "--ref"]),
        ]
        for name, ours, theirs in operations:
            times = {"mlx": [self.timed(ours, repo) for _ in range(self.reps)],
                     "dvc": [self.timed(theirs, repo) for _ in range(gto_reps)]}
            self.record(f"{name}, {label} (DVC column: GTO)", times,
                        "mlx < 0.2 s" if count == 10000 else None)
        mlx_promote, gto_assign = [], []
        promotable = self.promotable_versions(repo, "model-3")
        for rep in range(self.reps if count <= 1000 else 1):
            mlx_promote.append(self.timed(
                [self.mlx, "promote", f"model-3@{promotable[rep]}", "--to", "dev"], repo))
            gto_assign.append(self.timed(
                [gto, "assign", "model-4", "--version", f"v0.0.{rep + 1}", "--stage", "dev", "--force"], repo))
        self.record(f"promote, {label} (DVC column: gto assign)", {"mlx": mlx_promote, "dvc": gto_assign})
        if count >= 10000:
            # Right after a promotion: one new, young tag file, looked up through libgit2.
            after = []
            promotable = self.promotable_versions(repo, "model-5")
            for rep in range(self.reps):
                self.sh([self.mlx, "promote", f"model-5@{promotable[rep]}", "--to", "dev"], repo)
                after.append(self.timed(operations[0][1], repo))
            self.record(f"registry show, {label}, right after a promotion", {"mlx": after}, "mlx < 0.2 s")
            # Cold, as the first read in a fresh clone: no caches under .git/mlx.

            def cold(command):
                shutil.rmtree(os.path.join(repo, ".git", "mlx"), ignore_errors=True)
                return self.timed(command, repo)
            self.record(f"registry show, {label}, cold (first read in a fresh clone)",
                        {"mlx": [cold(operations[0][1]) for _ in range(self.reps)]})
            time.sleep(2.1)
            self.sh([self.mlx, "registry"], repo)
            # fast-import and `git tag` leave one file per tag; clone and gc pack them into one.
            self.sh(["git", "pack-refs", "--all"], repo)
            time.sleep(2.1)
            self.sh([self.mlx, "registry"], repo)
            for name, ours, _ in operations:
                self.record(f"{name}, {label}, packed refs", {"mlx": [self.timed(ours, repo) for _ in range(self.reps)]},
                            "mlx < 0.2 s")
        shutil.rmtree(repo)

    # MARK: - Verified registry (issue 10)

    def bench_signed_registry(self, count=10000):
        """`mlx audit` and verified reads over `count` SSH-signed tags under a policy."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import signed_registry_repo
        self.counter += 1
        repo = os.path.join(self.repos, f"signed-registry-{count}-{self.counter}")
        shutil.rmtree(repo, ignore_errors=True)
        signed_registry_repo.build(repo, count)
        self.sh(["git", "config", "user.name", "Bench"], repo)
        self.sh(["git", "config", "user.email", "bench@example.com"], repo)
        time.sleep(2.1)  # reference files' stat is trusted once they are 2 s old
        label = f"{count:,} signed tags"

        def cold(command):
            shutil.rmtree(os.path.join(repo, ".git", "mlx"), ignore_errors=True)
            return self.timed(command, repo)
        audit = [self.mlx, "audit"]
        self.record(f"audit, {label}, cold (no caches, as in a fresh clone)",
                    {"mlx": [cold(audit) for _ in range(self.reps)]}, "mlx < 2 s")
        self.sh(audit, repo)
        self.record(f"audit, {label}, warm", {"mlx": [self.timed(audit, repo) for _ in range(self.reps)]}, "mlx < 2 s")
        reads = [
            ("registry show", [self.mlx, "registry"]),
            ("registry which", [self.mlx, "registry", "which", "model-1#production"]),
            ("registry history", [self.mlx, "registry", "history"]),
        ]
        for name, command in reads:
            self.record(f"{name}, {label}, verification on",
                        {"mlx": [self.timed(command, repo) for _ in range(self.reps)]}, "mlx < 0.2 s")
        # A promotion changes what the audit reads: the next read audits again (signatures,
        # commits' evidence still cached).
        after = []
        for rep in range(self.reps):
            self.sh([self.mlx, "promote", f"model-5@v0.0.{rep + 1}", "--to", "dev"], repo)
            after.append(self.timed(reads[0][1], repo))
        self.record(f"registry show, {label}, right after a promotion (audits again)", {"mlx": after})
        shutil.rmtree(repo)

    # MARK: - Lineage (issue 6)

    def bench_lineage(self, count=1000):
        """`mlx lineage` upstream and downstream on `count` commits, runs and registry tags."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import lineage_repo
        self.counter += 1
        repo = os.path.join(self.repos, f"lineage-{count}-{self.counter}")
        shutil.rmtree(repo, ignore_errors=True)
        lineage_repo.build(self.mlx, repo, count)
        label = f"{count:,} commits/runs/tags"
        upstream = [self.mlx, "lineage", "model#production", "--strict"]
        oldest = f"data/raw.csv@HEAD~{count - 1}"
        downstream = [self.mlx, "lineage", oldest, "--downstream"]
        caches = [os.path.join(repo, ".git", "mlx", name) for name in ("runs-cache", "registry-cache")]

        def cold(command):
            for cache in caches:
                if os.path.exists(cache):
                    os.remove(cache)
            return self.timed(command, repo)

        self.sh(upstream, repo)  # builds the run index and registry caches, as any first read does
        self.record(f"lineage upstream, {label}", {"mlx": [self.timed(upstream, repo) for _ in range(self.reps)]},
                    "mlx < 0.5 s")
        self.record(f"lineage downstream, {label}",
                    {"mlx": [self.timed(downstream, repo) for _ in range(self.reps)]}, "mlx < 0.5 s")
        self.record(f"lineage upstream, {label}, cold",
                    {"mlx": [cold(upstream) for _ in range(self.reps)]}, "mlx < 0.5 s")
        self.record(f"lineage downstream, {label}, cold",
                    {"mlx": [cold(downstream) for _ in range(self.reps)]}, "mlx < 0.5 s")
        shutil.rmtree(repo)

    # MARK: - Output

    @staticmethod
    def cell(value, unit):
        if value is None:
            return "-"
        if unit == "%":
            return f"{value:.1f}%"
        if unit == "MiB":
            return f"{value:,.0f} MiB"
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"

    def print_row(self, row):
        ratio = f"{row['ratio']:.3f}" if row.get("ratio") is not None else "-"
        cells = [self.cell(row[t], row["unit"]) for t in TOOLS]
        print(f"{row['operation']:<52} {cells[0]:>10} {cells[1]:>10} {cells[2]:>10} {ratio:>8}"
              f"  {row['target'] or ''}", flush=True)

    def markdown(self):
        lines = ["| operation | mlx | DVC | git-lfs | mlx/DVC | target |", "|---|---|---|---|---|---|"]
        for row in self.rows:
            ratio = f"{row['ratio']:.3f}" if row.get("ratio") is not None else "-"
            cells = [self.cell(row[t], row["unit"]) for t in TOOLS]
            lines.append(f"| {row['operation']} | {cells[0]} | {cells[1]} | {cells[2]} | {ratio} | "
                         f"{row['target'] or ''} |")
        return "\n".join(lines)


def version(args):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def machine(bench):
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    filesystem = subprocess.run(["df", "-T", bench.work], stdout=subprocess.PIPE, text=True
                                ).stdout.splitlines()[-1].split()[1]
    return "\n".join([
        f"- Date: {datetime.date.today().isoformat()}, {bench.reps} runs per tool "
        f"({max(bench.reps, 5)} for the 1 GiB add and checkout rows), median shown",
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory:.0f} GiB; "
        f"{platform.system()} {platform.release()}; file system {filesystem}",
        f"- mlx {version([bench.mlx, '--version'])} (release build); "
        f"DVC {version([bench.dvc, '--version'])} (default settings: copies into its cache); "
        f"{version(['git', 'lfs', 'version'])}; {version(['git', '--version'])}",
    ] + ([
        f"- Disk: `dd if=/dev/zero bs=1M count=1024 conv=fdatasync` writes 1 GiB durably in "
        f"{bench.disk_seconds:.2f} s ({GIB / bench.disk_seconds / 1e6:.0f} MB/s), median of "
        f"{bench.reps}, in this run"] if bench.disk_seconds else []))


def write_results(bench, path, block_name="bench"):
    begin, end = f"<!-- {block_name}:begin -->", f"<!-- {block_name}:end -->"
    block = f"{begin}\n{machine(bench)}\n\n{bench.markdown()}\n{end}"
    text = open(path).read() if os.path.exists(path) else f"# Benchmark results\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text += "\n" + block + "\n"
    with open(path, "w") as out:
        out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mlx", required=True)
    parser.add_argument("--dvc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--results", help="Markdown file to update with the table")
    parser.add_argument("--gto", default="gto", help="the gto program (pip install gto)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", action="append", default=[],
                        help="run only operations whose name contains this text")
    args = parser.parse_args()
    bench = Bench(args)
    shutil.rmtree(bench.repos, ignore_errors=True)

    def touch_one(tool, repo, rep):
        path = os.path.join(repo, "files", "part07", f"record{7 + 100 * rep:05d}.csv")
        with open(path, "a") as out:
            out.write("changed\n")

    def swap_csv(tool, repo, rep):
        source = "table-edited.csv" if rep % 2 == 0 else "table.csv"
        shutil.copyfile(os.path.join(bench.data, source), os.path.join(repo, "table.csv"))

    # Large-file rows vary most from run to run on a shared virtual machine, for every tool:
    # they take more runs so their medians hold still.
    large = max(args.reps, 5)
    scenarios = [
        ("init", bench.bench_init),
        ("disk", bench.bench_disk),
        ("add 1 GiB random",
         lambda: bench.bench_add("random.bin", "1 GiB random", "mlx/DVC <= 0.33", True, large)),
        ("add 1 GiB CSV",
         lambda: bench.bench_add("table.csv", "1 GiB CSV", "mlx/DVC <= 0.33", True, large)),
        ("add 20,000 files", lambda: bench.bench_add("files", "20,000 files of 4 KiB", "mlx/DVC <= 0.25")),
        ("status, nothing changed, 1 GiB random",
         lambda: bench.bench_status("random.bin", "1 GiB random", target="mlx/DVC <= 0.10")),
        ("status, nothing changed, 20,000 files",
         lambda: bench.bench_status("files", "20,000 files", target="mlx/DVC <= 0.10")),
        ("status after one change, 20,000 files",
         lambda: bench.bench_status("files", "20,000 files", change=touch_one)),
        ("status after one change, 1 GiB CSV",
         lambda: bench.bench_status("table.csv", "1 GiB CSV", change=swap_csv)),
        ("checkout 1 GiB random",
         lambda: bench.bench_checkout("random.bin", "1 GiB random", "mlx/DVC <= 0.50", reps=large)),
        ("checkout 1 GiB CSV",
         lambda: bench.bench_checkout("table.csv", "1 GiB CSV", "mlx/DVC <= 0.50", reps=large)),
        ("checkout 1 GiB CSV, cold",
         lambda: bench.bench_checkout("table.csv", "1 GiB CSV", cold=True) if os.geteuid() == 0 else None),
        ("checkout 20,000 files", lambda: bench.bench_checkout("files", "20,000 files")),
        ("store growth", bench.bench_growth),
        ("pipeline: no-op run, example",
         lambda: bench.bench_noop_run("example (4 stages)", open(os.path.join(
             os.path.dirname(os.path.abspath(__file__)), "..", "examples", "classifier", "mlx.yaml")).read(),
             bench.example_setup, "mlx/DVC <= 0.20")),
        ("pipeline: no-op run, 20 stages",
         lambda: bench.bench_noop_run("20 stages over 20,000 files", Bench.twenty_stages(),
                                      bench.files_setup, "mlx/DVC <= 0.20")),
        ("pipeline: runs listing", bench.bench_runs_listing),
        ("registry: 100 tags", lambda: bench.bench_registry(100, args.gto)),
        ("registry: 1,000 tags", lambda: bench.bench_registry(1000, args.gto)),
        ("registry: 10,000 tags", lambda: bench.bench_registry(10000, args.gto)),
        ("lineage: 1,000 commits, runs and tags", bench.bench_lineage),
        ("audit: 10,000 signed tags", lambda: bench.bench_signed_registry(10000)),
        ("remote: 20,000 files, directory",
         lambda: bench.bench_transfer("files", "20,000 files", "directory", "mlx/DVC <= 0.20",
                                      "mlx/DVC <= 0.20")),
        ("remote: 1 GiB random, directory",
         lambda: bench.bench_transfer("random.bin", "1 GiB random", "directory", "mlx/DVC <= 0.50",
                                      "mlx/DVC <= 0.75")),
        ("remote: 20,000 files, S3",
         lambda: bench.bench_transfer("files", "20,000 files", "s3", "mlx/DVC <= 0.20",
                                      "mlx/DVC <= 0.20")),
        ("remote: 1 GiB random, S3",
         lambda: bench.bench_transfer("random.bin", "1 GiB random", "s3", "mlx/DVC <= 0.50",
                                      "mlx/DVC <= 0.75")),
        ("remote: incremental push", bench.bench_incremental_push),
        ("remote: status", bench.bench_remote_status),
    ]
    # Groups a `--only` may name, each with a block of its own in RESULTS.md: every row of a
    # group comes from one run. `large` holds issue 12's rows (large files and the 20,000
    # files beside them); `remote` every push, pull and remote check.
    groups = {
        "large": lambda name: name.startswith(("add ", "status", "checkout", "store growth")),
        "remote": lambda name: name.startswith("remote"),
    }

    def selected(name):
        if name == "disk" or not args.only:
            return True
        return any(groups[word](name) if word in groups else word in name for word in args.only)

    print(f"{'operation':<52} {'mlx':>10} {'dvc':>10} {'git-lfs':>10} {'mlx/dvc':>8}  target")
    for name, run in scenarios:
        if selected(name):
            run()
    with open(os.path.join(bench.work, "results.json"), "w") as out:
        json.dump(bench.rows, out, indent=2)
    if args.results and (not args.only or (len(args.only) == 1 and args.only[0] in groups)):
        write_results(bench, args.results, args.only[0] if args.only else "bench")
        print(f"\nWrote {args.results}")
    if getattr(bench, "moto", None):
        bench.moto.terminate()
    shutil.rmtree(bench.repos, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
