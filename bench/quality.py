#!/usr/bin/env python3
"""Times `mlx validate`, `mlx profile` and `mlx drift` beside pandera, Great Expectations, pandas
and evidently on the same 1 GiB CSV (bench/work/data/quality.csv: 12.1 million rows of ten
typed columns, checked against bench/quality.schema.yaml), in one run on one machine
(`make bench-quality`, and the end of `make bench`).

Every tool reads the whole file each run (mlx's profile cache is emptied between runs). Peak
memory is the largest resident set of the process (`/usr/bin/time`'s %M). The table
goes between the `quality` markers of bench/RESULTS.md.
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "quality.schema.yaml")
REFERENCE = os.path.join(HERE, "quality_reference.py")


class QualityBench:
    def __init__(self, args):
        self.mlx = os.path.abspath(args.mlx)
        self.work = os.path.abspath(args.work)
        self.data = os.path.join(self.work, "data")
        self.repo = os.path.join(self.work, "repos", "quality")
        self.python = args.python
        self.evidently_python = args.evidently_python
        self.reps = args.reps
        self.reference_reps = args.reference_reps
        self.rows = []
        self.env = dict(os.environ)
        self.env.update(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
                        GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
                        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")

    def measured(self, args, accept=(0,)):
        """Runs `args` under /usr/bin/time: (seconds, peak resident MiB)."""
        wrapped = ["/usr/bin/time", "-f", "MAXRSS %M"] + args
        start = time.perf_counter()
        result = subprocess.run(wrapped, cwd=self.repo, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        if result.returncode not in accept:
            raise RuntimeError(f"{' '.join(args)} exited {result.returncode}:\n"
                               f"{result.stdout}{result.stderr}")
        peak = [line for line in result.stderr.splitlines() if line.startswith("MAXRSS ")]
        return seconds, int(peak[-1].split()[1]) / 1024 if peak else None

    def setup(self):
        """A repository with the CSV and its 1%-edited copy committed one after the other."""
        shutil.rmtree(self.repo, ignore_errors=True)
        os.makedirs(self.repo)
        for args in (["git", "init", "-q", "-b", "main"], ["git", "config", "commit.gpgsign", "false"],
                     [self.mlx, "init", "-q"]):
            subprocess.run(args, cwd=self.repo, env=self.env, check=True)
        shutil.copyfile(SCHEMA, os.path.join(self.repo, "quality.schema.yaml"))
        for source in ("quality.csv", "quality-edited.csv"):
            target = os.path.join(self.repo, "quality.csv")
            if os.path.exists(target):
                os.unlink(target)
            os.link(os.path.join(self.data, source), target)
            for args in ([self.mlx, "add", "-q", "quality.csv"], ["git", "add", "-A"],
                         ["git", "commit", "-q", "-m", source]):
                subprocess.run(args, cwd=self.repo, env=self.env, check=True,
                               stdout=subprocess.DEVNULL)

    def forget_profiles(self):
        """Empties mlx's profile index so that `mlx profile` reads the whole file again."""
        for root, directories, _ in os.walk(os.path.join(self.repo, ".mlx")):
            for name in directories:
                if name == "profiles":
                    shutil.rmtree(os.path.join(root, name))

    def series(self, args, reps, before=None, accept=(0,)):
        times, peaks = [], []
        for _ in range(reps):
            if before:
                before()
            seconds, peak = self.measured(args, accept)
            times.append(seconds)
            peaks.append(peak or 0)
        return statistics.median(times), max(peaks), times

    def record(self, operation, tool, result, baseline=None, target=None):
        seconds, peak, runs = result
        row = {"operation": operation, "tool": tool, "seconds": seconds, "peak_mib": peak,
               "runs": runs, "target": target}
        if baseline:
            row["speedup"] = baseline / seconds if tool == "mlx" else None
        self.rows.append(row)
        print(f"{operation:<40} {tool:<28} {seconds:9.3f} s {peak:8.0f} MiB"
              + (f"  {row['speedup']:.1f}x" if row.get("speedup") else ""), flush=True)

    def bench(self):
        self.setup()
        edited = os.path.join(self.data, "quality-edited.csv")
        original = os.path.join(self.data, "quality.csv")
        reference = [self.python, REFERENCE]

        # validate and profile read the original CSV (the schema holds for it; the edited copy
        # breaks it on purpose), where it lies; drift compares the two committed versions.
        pandera = self.series(reference + ["pandera", SCHEMA, original], self.reference_reps)
        self.record("validate 1 GiB CSV", "pandera on pandas", pandera)
        great = self.series(reference + ["ge", SCHEMA, original], self.reference_reps)
        self.record("validate 1 GiB CSV", "Great Expectations", great)
        mlx = self.series([self.mlx, "validate", "-q", original, "--schema", SCHEMA], self.reps)
        self.record("validate 1 GiB CSV", "mlx", mlx, baseline=pandera[0],
                    target="≥ 20× pandera, peak < 256 MiB")

        describe = self.series(reference + ["describe", original], self.reference_reps)
        self.record("profile 1 GiB CSV", "pandas (read_csv, describe)", describe)
        mlx = self.series([self.mlx, "profile", original, "--json"], self.reps,
                          before=self.forget_profiles)
        self.record("profile 1 GiB CSV", "mlx", mlx, baseline=pandera[0],
                    target="≥ 20× pandera, peak < 256 MiB")

        # Both versions profiled once (the first run stores the profiles); then timed.
        drift = [self.mlx, "drift", "quality.csv@HEAD~1", "quality.csv@HEAD"]
        self.measured(drift, accept=(0, 1))
        mlx = self.series(drift, self.reps, accept=(0, 1))
        # evidently last: it runs for many minutes, and mlx's rows are all taken by then.
        if self.evidently_python:
            evidently = self.series([self.evidently_python, REFERENCE, "evidently", original, edited],
                                    self.reference_reps)
            self.record("drift, CSV and its 1%-edited copy", "evidently (DataDriftPreset)", evidently)
        self.record("drift, CSV and its 1%-edited copy", "mlx (both already profiled)", mlx,
                    target="< 0.5 s")

    def markdown(self):
        lines = ["| operation | tool | time (median) | peak memory | mlx speed-up over pandera "
                 "| target |", "|---|---|---|---|---|---|"]
        for row in self.rows:
            speedup = f"**{row['speedup']:.1f}×**" if row.get("speedup") else ""
            lines.append(f"| {row['operation']} | {row['tool']} | {row['seconds']:.3f} s | "
                         f"{row['peak_mib']:,.0f} MiB | {speedup} | {row['target'] or ''} |")
        return "\n".join(lines)


def version(args):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True).stdout.strip().splitlines()[-1]
    except (OSError, IndexError):
        return "unknown"


def write_results(bench, path):
    begin, end = "<!-- quality:begin -->", "<!-- quality:end -->"
    versions = version([bench.python, "-c", "import pandas, pandera, great_expectations as g; "
                        "print(f'pandas {pandas.__version__}, pandera {pandera.__version__}, "
                        "Great Expectations {g.__version__}')"])
    if bench.evidently_python:
        versions += "; " + version([bench.evidently_python, "-c", "import evidently, pandas; "
                                    "print(f'evidently {evidently.__version__} "
                                    "(on pandas {pandas.__version__})')"])
    header = (f"- Date: {datetime.date.today().isoformat()}; mlx {version([bench.mlx, '--version'])} "
              f"(release build), {bench.reps} runs; the Python tools {bench.reference_reps} "
              f"run(s) each, median shown\n- {versions}\n- Data: bench/work/data/quality.csv "
              f"(1 GiB, 12.1 million rows, ten typed columns) and its 1%-edited copy; schema "
              f"bench/quality.schema.yaml")
    block = f"{begin}\n{header}\n\n{bench.markdown()}\n{end}"
    text = open(path).read()
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text += "\n## Data quality\n\n" + block + "\n"
    with open(path, "w") as out:
        out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mlx", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--python", required=True, help="Python with pandas, pandera and GE")
    parser.add_argument("--evidently-python", help="Python with evidently (pandas < 3)")
    parser.add_argument("--results")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--reference-reps", type=int, default=1)
    args = parser.parse_args()
    bench = QualityBench(args)
    print(f"{'operation':<40} {'tool':<28} {'time':>11} {'peak':>12}")
    bench.bench()
    with open(os.path.join(bench.work, "quality.json"), "w") as out:
        json.dump(bench.rows, out, indent=2)
    if args.results:
        write_results(bench, args.results)
        print(f"\nWrote {args.results}")
    shutil.rmtree(bench.repo, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
