import Foundation
import MLXTestSupport
import Testing

/// A pipeline of shell commands: `prepare` copies the input and appends a param, `train`
/// writes a model and metrics. Every command appends its stage name to `calls.log` (outside
/// the outputs), so tests can see which commands really ran.
private func pipelineRepository() throws -> TestRepository {
  let repo = try TestRepository()
  try repo.mlx("init")
  try repo.write("a,b\n1,2\n", to: "data/raw.csv")
  try repo.write("prepare:\n  suffix: one\ntrain:\n  lr: 0.1\n  epochs: 2\n", to: "params.yaml")
  try repo.write(
    """
    stages:
      prepare:
        cmd: mkdir -p data/prepared && cat data/raw.csv > data/prepared/all.csv && echo "$MLX_PARAM_PREPARE_SUFFIX" >> data/prepared/all.csv && echo prepare >> calls.log
        deps: [data/raw.csv]
        params: [prepare.suffix]
        outs: [data/prepared]
      train:
        cmd:
          - mkdir -p models metrics
          - echo "lr=$MLX_PARAM_TRAIN_LR epochs=$MLX_PARAM_TRAIN_EPOCHS" > models/model.bin && cat data/prepared/all.csv >> models/model.bin
          - |
            printf '{"accuracy": 0.9, "loss": {"final": %s}}\\n' "$MLX_PARAM_TRAIN_LR" > metrics/train.json
          - echo train >> calls.log
        deps: [data/prepared]
        params: [train]
        outs:
          - models/model.bin: {kind: model}
        metrics: [metrics/train.json]
        role: train
    """, to: "mlx.yaml")
  try repo.write("calls.log\n", to: ".gitignore")
  try repo.mlx("add", "data/raw.csv", "--kind", "dataset")
  try repo.git("add", "-A")
  try repo.git("commit", "-qm", "pipeline")
  return repo
}

private func calls(_ repo: TestRepository) throws -> [String] {
  guard repo.exists("calls.log") else { return [] }
  return try repo.read("calls.log").split(separator: "\n").map(String.init)
}

private func resetCalls(_ repo: TestRepository) throws {
  try repo.write("", to: "calls.log")
}

@Suite struct RunCommandTests {
  @Test func runsStagesInOrderThenSkipsThem() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    let first = try repo.mlx("run")
    #expect(first.succeeded, "\(first)")
    #expect(try calls(repo) == ["prepare", "train"])
    #expect(first.stdout.contains("Running 'prepare': never run"))
    #expect(try repo.read("models/model.bin").hasPrefix("lr=0.1 epochs=2"))
    #expect(try repo.read("models/model.bin.mlx").contains("kind: model"))
    #expect(try repo.read("models/.gitignore") == "/model.bin\n")
    let lock = try repo.read("mlx.lock")
    #expect(lock.contains("  train:\n    cmd: "))
    #expect(lock.contains("        accuracy: 0.9"))
    #expect(lock.contains(try repo.sha256sum("models/model.bin")))

    try resetCalls(repo)
    let second = try repo.mlx("train")
    #expect(second.succeeded)
    #expect(try calls(repo).isEmpty)
    #expect(second.stdout.contains("Skipping 'train': up to date"))
    #expect(second.stdout.contains("Everything is up to date"))
  }

  @Test func rerunsOnEachKindOfChange() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("run").succeeded)

    // A dependency: prepare reruns, and train because its input changed.
    try resetCalls(repo)
    try repo.write("a,b\n1,3\n", to: "data/raw.csv")
    try repo.mlx("add", "data/raw.csv")
    let dep = try repo.mlx("run")
    #expect(dep.stdout.contains("Running 'prepare': dependency data/raw.csv changed"))
    #expect(try calls(repo) == ["prepare", "train"])

    // A param: only the stage that reads it.
    try resetCalls(repo)
    try repo.write("prepare:\n  suffix: one\ntrain:\n  lr: 0.2\n  epochs: 2\n", to: "params.yaml")
    let param = try repo.mlx("run")
    #expect(param.stdout.contains("Running 'train': param train.lr changed: 0.1 -> 0.2"))
    #expect(try calls(repo) == ["train"])

    // The command.
    try resetCalls(repo)
    let spec = try repo.read("mlx.yaml").replacingOccurrences(
      of: "echo prepare >>", with: "echo 'prepare' >>")
    try repo.write(spec, to: "mlx.yaml")
    let command = try repo.mlx("run", "prepare")
    #expect(command.stdout.contains("Running 'prepare': command changed"))
    #expect(try calls(repo) == ["prepare"])

    // A deleted output comes back from the store without running anything.
    try resetCalls(repo)
    try repo.run("rm", "models/model.bin")
    let restored = try repo.mlx("run")
    #expect(
      restored.stdout.contains("output models/model.bin is missing; restoring it from the store"))
    #expect(try calls(repo).isEmpty)
    #expect(repo.exists("models/model.bin"))
  }

  @Test func restoresFromTheRunCacheWhenAParamComesBack() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("run").succeeded)
    let original = try repo.read("models/model.bin")
    try repo.write("prepare:\n  suffix: one\ntrain:\n  lr: 0.5\n  epochs: 2\n", to: "params.yaml")
    #expect(try repo.mlx("run").succeeded)
    #expect(try repo.read("models/model.bin").hasPrefix("lr=0.5"))

    try resetCalls(repo)
    try repo.write("prepare:\n  suffix: one\ntrain:\n  lr: 0.1\n  epochs: 2\n", to: "params.yaml")
    let back = try repo.mlx("run")
    #expect(back.succeeded, "\(back)")
    #expect(try calls(repo).isEmpty, "the command ran again")
    #expect(back.stdout.contains("restored from the run cache"))
    #expect(try repo.read("models/model.bin") == original)
    #expect(try repo.read("metrics/train.json").contains("0.1"))
    #expect(try repo.read("mlx.lock").contains("lr: 0.1"))
  }

  @Test func overridesAParamByWritingItIntoTheParamsFile() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    let result = try repo.mlx("run", "-S", "train.lr=0.7", "--json")
    #expect(result.succeeded, "\(result)")
    #expect(try repo.read("models/model.bin").hasPrefix("lr=0.7"))
    #expect(
      try repo.read("params.yaml") == "prepare:\n  suffix: one\ntrain:\n  lr: 0.7\n  epochs: 2\n")
    let runID = try #require(try result.json()["run_id"] as? String)
    let record = try repo.git("show", "refs/mlx/runs/\(runID):run.json")
    #expect(record.contains("\"train.lr\" : 0.7"))
    #expect(record.contains("\"train.lr=0.7\""))
    // The file now holds the value, so the next plain run has nothing to do.
    let plain = try repo.mlx("run")
    #expect(plain.stdout.contains("Skipping 'train': up to date"), "\(plain)")
  }

  /// With --json, standard output is the JSON alone: what a stage command prints goes to
  /// standard error.
  @Test func jsonOutputIsNotMixedWithWhatStagesPrint() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(
      "stages:\n  noisy:\n    cmd: echo TRAINING-NOISE && echo done > out.txt\n    outs: [out.txt]\n",
      to: "mlx.yaml")
    try repo.commitAll("pipeline")
    let result = try repo.mlx("run", "--json")
    #expect(result.succeeded, "\(result)")
    #expect(try result.json()["run_id"] is String, "\(result)")
    #expect(result.stdout.hasPrefix("{"), "\(result)")
    #expect(result.stderr.contains("TRAINING-NOISE"), "\(result)")
  }

  @Test func aFailingStageStopsThePipelineAndRecordsNothingForIt() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("run", "prepare").succeeded)
    let preparedLock = try repo.read("mlx.lock")
    let spec = try repo.read("mlx.yaml").replacingOccurrences(
      of: "- echo train >> calls.log", with: "- exit 3")
    try repo.write(spec, to: "mlx.yaml")
    try repo.write("prepare:\n  suffix: two\ntrain:\n  lr: 0.1\n  epochs: 2\n", to: "params.yaml")
    let result = try repo.mlx("run")
    #expect(result.status == 3)
    #expect(
      result.stderr.contains("stage 'train' failed with exit code 3; nothing was recorded for it"))
    let lock = try repo.read("mlx.lock")
    #expect(!lock.contains("  train:"))
    #expect(lock != preparedLock, "prepare's new outputs are recorded")
    #expect(try repo.read("data/prepared/all.csv").hasSuffix("two\n"))
    #expect(!repo.exists("models/model.bin.mlx"))
    let newest = try #require(try repo.mlx("runs", "--json").json()["runs"] as? [[String: Any]])
      .first
    let id = try #require(newest?["id"] as? String)
    let record = try repo.git("show", "refs/mlx/runs/\(id):run.json")
    #expect(record.contains("\"exit_status\" : 3"))
    #expect(record.contains("\"status\" : \"failed\""))
  }

  @Test func keepGoingRunsIndependentStages() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(
      "stages:\n  broken: {cmd: exit 1, outs: [a]}\n  after: {cmd: cp a b, deps: [a], outs: [b]}\n  other: {cmd: echo ok > c, outs: [c]}\n",
      to: "mlx.yaml")
    let result = try repo.mlx("run", "--keep-going", "--json")
    #expect(result.status == 1)
    let stages = try #require(try result.json()["stages"] as? [[String: Any]])
    let statuses = Dictionary(
      uniqueKeysWithValues: stages.map { ($0["name"] as! String, $0["status"] as! String) })
    #expect(statuses == ["broken": "failed", "after": "blocked", "other": "ran"])
    #expect(repo.exists("c.mlx"))
  }

  /// Ctrl-C (SIGINT) or a kill (SIGTERM) of `mlx run` stops the stage command and everything
  /// it started. Each case sleeps a different time so `pgrep` tells them apart.
  @Test(arguments: [(SIGINT, Int32(130), 37), (SIGTERM, Int32(143), 41)])
  func aStoppedRunStopsTheCommandsProcessGroup(signal: Int32, status: Int32, seconds: Int) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(
      "stages:\n  slow:\n    cmd: (sleep \(seconds); touch late) & touch started; sleep \(seconds); touch done\n    outs: [done]\n",
      to: "mlx.yaml")
    let process = try repo.launchMLX("run")
    // Wait (bounded) until the command has started, then stop mlx.
    for _ in 0..<500 where !repo.exists("started") { usleep(10_000) }
    #expect(repo.exists("started"))
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    #expect(process.terminationStatus == status)
    #expect(!repo.exists("done"))
    let lock = repo.exists("mlx.lock") ? try repo.read("mlx.lock") : ""
    #expect(!lock.contains("slow"))
    // The background child was in the same process group and got the signal too (a process
    // may take a moment to go once signalled: wait, bounded).
    // Under a loaded CI machine that moment can stretch: allow up to 10 s before failing,
    // and name what is left (state, parent, group) so a failure can be told apart.
    // `-x`: the whole command line is `sleep N`, so `sleep 300` elsewhere on the machine
    // (another user's shell) is not taken for a survivor.
    var survivors = try repo.run("pgrep", "-x", "-f", "sleep \(seconds)")
    for _ in 0..<1000 where survivors.succeeded {
      usleep(10_000)
      survivors = try repo.run("pgrep", "-x", "-f", "sleep \(seconds)")
    }
    let described =
      survivors.succeeded
      ? try repo.run(
        "ps", "-o", "pid,ppid,pgid,stat,args", "-p",
        survivors.stdout.split(separator: "\n").joined(separator: ",")
      ).stdout : ""
    #expect(!survivors.succeeded, "left running: \(described)")
  }

  @Test func forceAlwaysChangedAndFrozenOverrideTheUpToDateCheck() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("run").succeeded)
    try resetCalls(repo)
    let forced = try repo.mlx("run", "train", "--force")
    #expect(forced.stdout.contains("Running 'train': forced"))
    #expect(try calls(repo) == ["train"], "only the named stage is forced")

    var spec = try repo.read("mlx.yaml")
    spec = spec.replacingOccurrences(
      of: "    role: train", with: "    role: train\n    always_changed: true")
    spec = spec.replacingOccurrences(
      of: "    params: [prepare.suffix]", with: "    params: [prepare.suffix]\n    frozen: true")
    try repo.write(spec, to: "mlx.yaml")
    try repo.write("a,b\n9,9\n", to: "data/raw.csv")
    try repo.mlx("add", "data/raw.csv")
    try resetCalls(repo)
    let result = try repo.mlx("run")
    #expect(result.stdout.contains("Skipping 'prepare': frozen"))
    #expect(result.stdout.contains("Running 'train': always changed"))
    #expect(try calls(repo) == ["train"])
  }

  @Test func wdirAndEnvShapeTheCommand() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("hello\n", to: "sub/in.txt")
    try repo.write(
      "stages:\n  s:\n    wdir: sub\n    cmd: echo \"$GREETING $MLX_STAGE\" > out.txt && cat in.txt >> out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n    env: {GREETING: hi}\n",
      to: "mlx.yaml")
    let result = try repo.mlx("run")
    #expect(result.succeeded, "\(result)")
    #expect(try repo.read("sub/out.txt") == "hi s\nhello\n")
    #expect(try repo.read("mlx.lock").contains("path: sub/in.txt"))
    #expect(repo.exists("sub/out.txt.mlx"))
  }

  @Test func dryRunExplainsAndChangesNothing() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    let result = try repo.mlx("run", "--dry-run")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("Would run 'prepare': never run"))
    #expect(result.stdout.contains("Would run 'train': never run"))
    #expect(!repo.exists("mlx.lock"))
    #expect(!repo.exists("models"))
    #expect(try repo.git("for-each-ref", "refs/mlx/runs").isEmpty)
  }

  @Test func trainAndEvalSelectStagesByRole() throws {
    let repo = try pipelineRepository()
    defer { repo.remove() }
    let spec =
      try repo.read("mlx.yaml") + "\n" + """
          evaluate:
            cmd: |
              mkdir -p metrics && echo '{"auc": 0.8}' > metrics/eval.json && echo evaluate >> calls.log
            deps: [models/model.bin]
            metrics: [metrics/eval.json]
            role: eval

        """
    try repo.write(spec, to: "mlx.yaml")
    #expect(try repo.mlx("train").succeeded)
    #expect(try calls(repo) == ["prepare", "train"])
    let eval = try repo.mlx("eval")
    #expect(eval.succeeded)
    #expect(try calls(repo) == ["prepare", "train", "evaluate"])
    #expect(eval.stdout.contains("Metrics metrics/eval.json: auc=0.8"))
  }

  // MARK: - Errors in mlx.yaml

  @Test func schemaErrorsNameTheStageKeyAndLine() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("stages:\n  train:\n    cmd: echo\n    outputs: [m]\n", to: "mlx.yaml")
    let unknown = try repo.mlx("run")
    #expect(unknown.status == 1)
    #expect(unknown.errorLines.count == 1)
    #expect(unknown.stderr.contains("mlx.yaml:4: stage 'train': unknown key 'outputs'"))

    try repo.write(
      "stages:\n  a: {cmd: x, deps: [b.out], outs: [a.out]}\n  b: {cmd: y, deps: [a.out], outs: [b.out]}\n",
      to: "mlx.yaml")
    let cycle = try repo.mlx("run")
    #expect(cycle.stderr.contains("cycle: a -> b -> a"))

    try repo.write("stages:\n  a: {cmd: x, outs: [m]}\n  b: {cmd: y, outs: [m]}\n", to: "mlx.yaml")
    #expect(try repo.mlx("run").stderr.contains("stages 'a' and 'b' both write m"))

    try repo.write("stages:\n  a: {cmd: x, deps: [missing.csv], outs: [m]}\n", to: "mlx.yaml")
    let missing = try repo.mlx("run")
    #expect(missing.status == 1)
    #expect(
      missing.stderr.contains(
        "stage 'a': dependency missing.csv does not exist and no stage writes it"))

    try repo.write("stages:\n  a: {cmd: x, params: [nope.key], outs: [m]}\n", to: "mlx.yaml")
    try repo.write("other: 1\n", to: "params.yaml")
    #expect(try repo.mlx("run").stderr.contains("param 'nope.key' is not in params.yaml"))

    try repo.run("rm", "mlx.yaml")
    #expect(try repo.mlx("run").stderr.contains("mlx.yaml does not exist"))
    #expect(try repo.mlx("train", "--dry-run").status == 1)
  }

  @Test func aCommandThatForgetsAnOutputIsAnError() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("stages:\n  a: {cmd: 'true', outs: [never-written]}\n", to: "mlx.yaml")
    let result = try repo.mlx("run")
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("stage 'a': the command succeeded but did not write never-written"))
  }
}
