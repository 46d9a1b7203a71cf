import Foundation
import MLXTestSupport
import Testing

/// A two-stage pipeline a new user iterates on: `train` writes a model and metrics from
/// `train.C`, `evaluate` reads the model and writes its own metrics. Nothing is committed.
private func iterationRepository() throws -> TestRepository {
  let repo = try TestRepository()
  try repo.mlx("init")
  try repo.write("# regularisation\ntrain:\n  C: 1.0  # inverse strength\n", to: "params.yaml")
  try repo.write(
    """
    mkdir -p models metrics
    echo "C=$MLX_PARAM_TRAIN_C" > models/model.bin
    printf '{"accuracy": %s}\\n' "$MLX_PARAM_TRAIN_C" > metrics/train.json
    echo train >> calls.log
    """, to: "train.sh")
  try repo.write(
    """
    mkdir -p metrics
    printf '{"size": %s}\\n' "$(wc -c < models/model.bin)" > metrics/eval.json
    echo evaluate >> calls.log
    """, to: "evaluate.sh")
  try repo.write(
    """
    stages:
      train:
        cmd: sh train.sh
        deps: [train.sh]
        params: [train.C]
        outs:
          - models/model.bin: {kind: model}
        metrics: [metrics/train.json]
        role: train
      evaluate:
        cmd: sh evaluate.sh
        deps: [evaluate.sh, models/model.bin]
        metrics: [metrics/eval.json]
        role: eval
    """, to: "mlx.yaml")
  try repo.write("calls.log\n", to: ".gitignore")
  return repo
}

private func setC(_ value: String, in repo: TestRepository) throws {
  try repo.write("# regularisation\ntrain:\n  C: \(value)  # inverse strength\n", to: "params.yaml")
}

@Suite struct HonestRunTests {
  /// The metrics and outputs mlx writes are recorded by the run, so iterating on them
  /// between commits never makes a later run dirty.
  @Test func iteratingBetweenCommitsKeepsRunsClean() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("first results")
    try setC("2.0", in: repo)
    #expect(try repo.mlx("run").succeeded)
    try setC("3.0", in: repo)
    let third = try repo.mlx("run", "--json")
    #expect(third.succeeded, "\(third)")
    let runID = try #require(try third.json()["run_id"] as? String)
    let record = try repo.git("show", "refs/mlx/runs/\(runID):run.json")
    #expect(record.contains("\"dirty\" : false"), "\(record)")
    try repo.commitAll("C=3.0")

    let lineage = try repo.mlx("lineage", "--strict", "models/model.bin")
    #expect(lineage.succeeded, "\(lineage)")
    #expect(!lineage.stdout.contains("dirty"))
  }

  /// A helper no stage lists is still code the run does not record: that stays dirty.
  @Test func anUnlistedHelperStillMakesTheRunDirty() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.write("x\n", to: "helper.sh")
    try repo.commitAll("pipeline")
    try repo.write("y\n", to: "helper.sh")
    let run = try repo.mlx("run", "--json")
    let runID = try #require(try run.json()["run_id"] as? String)
    let record = try repo.git("show", "refs/mlx/runs/\(runID):run.json")
    #expect(record.contains("\"dirty\" : true"))
    #expect(record.contains("helper.sh"))
  }

  /// A run made before the first commit says so instead of calling its code clean.
  @Test func aRunBeforeTheFirstCommitSaysSo() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("first commit, after the run")
    let lineage = try repo.mlx("lineage", "models/model.bin")
    #expect(lineage.succeeded, "\(lineage)")
    #expect(lineage.stdout.contains("code none (run before the first commit)"), "\(lineage)")
    #expect(!lineage.stdout.contains("none (clean)"))
    #expect(lineage.stdout.contains("made before the first commit"))
  }

  /// Restoring from the run cache writes `mlx.lock` exactly as the run that produced the
  /// outputs did: values keep their spelling.
  @Test func theLockIsByteStableAcrossARunCacheRoundTrip() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)
    let lock = try repo.read("mlx.lock")
    #expect(lock.contains("        train.C: 1.0\n"))
    #expect(lock.contains("        accuracy: 1.0\n"))

    try setC("2.0", in: repo)
    #expect(try repo.mlx("run").succeeded)
    try setC("1.0", in: repo)
    let back = try repo.mlx("run")
    #expect(back.stdout.contains("restored from the run cache"), "\(back)")
    #expect(try repo.read("mlx.lock") == lock)
  }

  /// A dry run plans each stage as the real run then does it: a stage reading what an
  /// earlier stage would run or restore follows it.
  @Test func aDryRunPropagatesChangesDownstream() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)

    func plan(_ arguments: String...) throws -> [String] {
      let result = try repo.mlx(["run"] + arguments)
      #expect(result.succeeded, "\(result)")
      return result.stdout.split(separator: "\n").compactMap { line -> String? in
        for (verb, same) in [
          ("Would run", "Running"), ("Would restore", "Restoring"), ("Skipping", "Skipping"),
          ("Running", "Running"), ("Restoring", "Restoring"),
        ] where line.hasPrefix(verb + " ") {
          return same + " " + (line.split(separator: "'").dropFirst().first.map(String.init) ?? "")
        }
        return nil
      }
    }
    try setC("2.0", in: repo)
    let dry = try plan("--dry-run")
    #expect(dry == ["Running train", "Running evaluate"])
    #expect(try plan() == dry)

    try setC("1.0", in: repo)
    let dryBack = try plan("--dry-run")
    #expect(dryBack == ["Restoring train", "Restoring evaluate"])
    #expect(try plan() == dryBack)
  }

  /// `-S` writes the value into the params file (as `dvc exp run -S` does), so the file,
  /// `mlx params diff`, the lock, the outputs and lineage all agree.
  @Test func anOverrideIsWrittenIntoTheParamsFile() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("first results")

    let eval = try repo.mlx("eval", "-S", "train.C=0.001")
    #expect(eval.succeeded, "\(eval)")
    #expect(
      try repo.read("params.yaml") == "# regularisation\ntrain:\n  C: 0.001  # inverse strength\n")
    #expect(try repo.read("models/model.bin") == "C=0.001\n")
    #expect(try repo.read("mlx.lock").contains("        train.C: 0.001\n"))
    let diff = try repo.mlx("params", "diff")
    #expect(diff.stdout.contains("train.C"), "\(diff)")
    #expect(diff.stdout.contains("0.001"), "\(diff)")
    try repo.commitAll("C=0.001")
    let lineage = try repo.mlx("lineage", "--strict", "models/model.bin")
    #expect(lineage.succeeded, "\(lineage)")
    // The next plain run has nothing to do: the file already says 0.001.
    #expect(try repo.mlx("run").stdout.contains("Skipping 'train': up to date"))
  }

  /// An override naming a params file or key that does not exist is a one-line error, and
  /// nothing runs (a dry run checks it too).
  @Test(arguments: [
    (["-S", "missing.yaml:C=1"], "params file missing.yaml does not exist"),
    (["-S", "train.c=0.5"], "params.yaml has no key 'train.c'"),
    (["--dry-run", "-S", "missing.yaml:C=1"], "params file missing.yaml does not exist"),
  ])
  func anOverrideOfSomethingMissingIsAnError(arguments: [String], message: String) throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    let run = try repo.mlx(["run"] + arguments)
    #expect(run.status != 0)
    #expect(run.errorLines.count == 1, "\(run)")
    #expect(run.stderr.contains(message), "\(run)")
    #expect(!repo.exists("calls.log"))
    #expect(!repo.exists("mlx.lock"))
    #expect(try repo.read("params.yaml").contains("C: 1.0"))
  }

  /// A commit whose params file says one thing while its outputs came from a run that read
  /// another is a lineage break.
  @Test func lineageReportsACommitWhoseParamsDisagreeWithItsRun() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("results")
    #expect(try repo.mlx("lineage", "--strict", "models/model.bin").succeeded)

    try setC("9.0", in: repo)
    try repo.commitAll("params edited, pipeline not run")
    let lineage = try repo.mlx("lineage", "--strict", "models/model.bin")
    #expect(lineage.status == 1, "\(lineage)")
    #expect(lineage.stdout.contains("params-mismatch"), "\(lineage)")
    // (Run records are JSON, which writes the run's 1.0 as 1.)
    #expect(lineage.stdout.contains("read params.yaml train.C = 1 but commit"), "\(lineage)")
    #expect(lineage.stdout.contains("records 9.0"), "\(lineage)")
    // With -q, CI gets the exit status and one line.
    let quiet = try repo.mlx("lineage", "--strict", "-q", "models/model.bin")
    #expect(quiet.status == 1 && quiet.stdout.isEmpty, "\(quiet)")
    #expect(
      quiet.errorLines == [
        "Error: the lineage of models/model.bin has 1 break; run without -q to see them"
      ], "\(quiet)")
  }

  /// A run that fails before any stage command starts (its params file does not parse)
  /// records nothing: a run record says what ran.
  @Test func aRunThatStartsNoCommandLeavesNoRunRecord() throws {
    let repo = try iterationRepository()
    defer { repo.remove() }
    try repo.commitAll("pipeline")
    try repo.write("train: [C\n", to: "params.yaml")
    let failed = try repo.mlx("run")
    #expect(failed.status == 1, "\(failed)")
    #expect(failed.errorLines.count == 1, "\(failed)")
    #expect(!failed.stdout.contains("Recorded run"), "\(failed)")
    #expect(try repo.git("for-each-ref", "refs/mlx/runs/").isEmpty)
  }
}
