import Foundation
import MLXTestSupport
import Testing

/// The `drift.psi <= 0.2` gate: a model enters the stage only when the data it was trained on
/// (the CSV its training stage read, in `mlx.lock` at its commit) has not drifted from the data
/// the stage's current holder was trained on.
@Suite struct DriftGateTests {
  /// A pipeline training `model.txt` from `data.csv`, and a policy gating staging on drift.
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    #expect(try repo.mlx("init").succeeded)
    try repo.write(
      """
      version: 1
      artifacts:
        churn: {path: model.txt, type: model}
      stages:
        - name: staging
          gates: ["drift.psi <= 0.2", "drift.ks < 0.5"]

      """, to: ".mlx/policy.yaml")
    try repo.write(
      "stages:\n  train:\n    cmd: cp data.csv model.txt\n    deps: [data.csv]\n"
        + "    outs: [model.txt]\n", to: "mlx.yaml")
    return repo
  }

  /// Writes the training data, trains on it and commits.
  private func train(_ repo: TestRepository, seed: UInt64, shift: Double = 0) throws {
    try repo.write(DriftCommandTests.table(rows: 700, seed: seed, shift: shift), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    let run = try repo.mlx("run")
    #expect(run.succeeded, "\(run)")
    try repo.commitAll("trained on seed \(seed)")
  }

  private func digest(_ repo: TestRepository) throws -> String {
    String(try repo.sha256sum("data.csv").dropFirst("sha256:".count).prefix(8))
  }

  @Test func promotesWhenTheDataDidNotDriftAndRefusesWhenItDid() throws {
    let repo = try repository()
    defer { repo.remove() }
    try train(repo, seed: 9)
    let first = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(first.succeeded, "\(first)")
    #expect(
      first.stdout.contains(
        "pass  gate drift.psi <= 0.2: no version holds the stage; nothing to compare"), "\(first)")
    let held = try digest(repo)

    // Same distribution, another sample: promoted, the gate's value in the output and the tag.
    try train(repo, seed: 10)
    let second = try repo.mlx("promote", "churn", "--to", "staging", "--json")
    #expect(second.succeeded, "\(second)")
    let checks = try #require(try second.json()["checks"] as? [[String: Any]])
    let gate = try #require(checks.first { $0["name"] as? String == "gate drift.psi <= 0.2" })
    #expect(gate["passed"] as? Bool == true, "\(gate)")
    let detail = try #require(gate["detail"] as? String)
    let trained = try digest(repo)
    let sides = "data.csv \(trained) vs the holder v0.0.1's data.csv \(held))"
    #expect(detail.hasPrefix("drift.psi = ") && detail.hasSuffix(sides), "\(detail)")
    let tag = try repo.git("cat-file", "-p", "churn#staging#2")
    #expect(tag.contains("Mlx-Gate: drift.psi <= 0.2: pass (\(detail))"), "\(tag)")
    #expect(tag.contains("Mlx-Gate: drift.ks < 0.5: pass (drift.ks = "), "\(tag)")

    // Incomes shifted by a standard deviation: refused, naming the gate, column and value.
    try train(repo, seed: 11, shift: 1)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status == 1, "\(refused)")
    let failures = refused.stdout.split(separator: "\n").filter { $0.contains("FAIL") }
    #expect(failures.count == 1, "\(refused)")
    let line = String(try #require(failures.first))
    #expect(line.hasPrefix("  FAIL  gate drift.psi <= 0.2: drift.psi = "), "\(line)")
    #expect(
      line.hasSuffix(
        " (income; data.csv \(try digest(repo)) vs the holder v0.0.2's data.csv"
          + " \(trained))"), "\(line)")
    let value = try #require(Double(line.split(separator: " ")[7]))
    #expect(value > 0.2, "\(line)")
    // The value is `mlx drift`'s largest PSI between the two commits' training data.
    let drift = try repo.mlx("drift", "data.csv@HEAD~1", "data.csv@HEAD", "--json")
    let columns = try #require(try drift.json()["columns"] as? [[String: Any]])
    let largest = try #require(columns.compactMap { $0["psi"] as? Double }.max())
    #expect(String(format: "%.4g", largest) == String(line.split(separator: " ")[7]), "\(line)")
    #expect(try repo.git("tag", "-l", "churn#staging#*") == "churn#staging#1\nchurn#staging#2\n")
    #expect(try repo.mlx("audit").succeeded)
  }

  /// Columns the judging policy's `drift:` key ignores are left out of the gate.
  @Test func ignoredColumnsDoNotCount() throws {
    let repo = try repository()
    defer { repo.remove() }
    let policy = try repo.read(".mlx/policy.yaml")
    try repo.write(
      policy + "drift:\n  columns:\n    income: {ignore: true}\n", to: ".mlx/policy.yaml")
    try train(repo, seed: 9)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    try train(repo, seed: 11, shift: 1)
    let promoted = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promoted.succeeded, "\(promoted)")
    #expect(promoted.stdout.contains("pass  gate drift.psi <= 0.2: drift.psi = "), "\(promoted)")
    #expect(!promoted.stdout.contains("(income;"), "\(promoted)")
    #expect(try repo.mlx("audit").succeeded)
  }

  /// A side whose training data `mlx.lock` does not name fails the gate, naming the side.
  @Test func aHolderWithoutTrainingDataFailsTheGateNamingIt() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write(
      "stages:\n  train:\n    cmd: echo v1 > model.txt\n    outs: [model.txt]\n", to: "mlx.yaml")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("a model trained on nothing tracked")
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    try repo.write(
      "stages:\n  train:\n    cmd: cp data.csv model.txt\n    deps: [data.csv]\n"
        + "    outs: [model.txt]\n", to: "mlx.yaml")
    try train(repo, seed: 9)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status == 1, "\(refused)")
    #expect(
      refused.stdout.contains(
        "FAIL  gate drift.psi <= 0.2: drift.psi: the holder v0.0.1 (commit "), "\(refused)")
    #expect(
      refused.stdout.contains(
        "): no stage of its mlx.lock writing model.txt, or upstream of it, reads a CSV or TSV file"),
      "\(refused)")
  }

  /// A promotion tag made with stock git skips the gate; the audit recomputes it.
  @Test func auditRecomputesTheGateOfAHandMadeTag() throws {
    let repo = try repository()
    defer { repo.remove() }
    try train(repo, seed: 9)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    try train(repo, seed: 12, shift: 1.5)
    try repo.git(
      "tag", "-a", "-m",
      "Promote churn\n\nMlx-Artifact: churn\nMlx-Stage: staging\nMlx-Event: assignment\n"
        + "Mlx-Gate: drift.psi <= 0.2: pass (drift.psi = 0)",
      "churn#staging#2", "HEAD")
    let audit = try repo.mlx("audit")
    #expect(audit.status == 1, "\(audit)")
    #expect(audit.stdout.contains("FAIL churn#staging#2"), "\(audit)")
    #expect(audit.stdout.contains("[gates]"), "\(audit)")
    #expect(
      audit.stdout.contains("gate drift.psi <= 0.2: drift.psi = ")
        && audit.stdout.contains(" (income; data.csv "), "\(audit)")
  }

  /// A commit whose mlx.lock names the holder's data while the commit holds drifted data (the
  /// lock edited by hand): the gate compares what the commit holds, and fails.
  @Test func aLockThatLiesAboutTheTrainingDataFailsTheGate() throws {
    let repo = try repository()
    defer { repo.remove() }
    try train(repo, seed: 9)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    let lock = try repo.read("mlx.lock")
    let held = try repo.sha256sum("data.csv")
    try train(repo, seed: 12, shift: 1.5)
    let drifted = try repo.sha256sum("data.csv")
    try repo.write(
      try repo.read("mlx.lock").replacingOccurrences(of: drifted, with: held), to: "mlx.lock")
    #expect(try repo.read("mlx.lock") != lock)
    try repo.commitAll("lock names the holder's data")
    let promote = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promote.status == 1, "\(promote)")
    #expect(
      promote.stdout.contains(
        "mlx.lock says the stage read data.csv \(held.prefix(19)), the commit holds "
          + "\(drifted.prefix(19))"),
      "\(promote)")
  }

  /// Emptying the stage first does not skip the gate: it compares with the last holder.
  @Test func unassigningTheHolderFirstDoesNotSkipTheGate() throws {
    let repo = try repository()
    defer { repo.remove() }
    try train(repo, seed: 9)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    #expect(try repo.mlx("unassign", "churn#staging").succeeded)
    try train(repo, seed: 12, shift: 1.5)
    let promote = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promote.status == 1, "\(promote)")
    #expect(promote.stdout.contains("FAIL  gate drift.psi <= 0.2: drift.psi = "), "\(promote)")
  }

  /// A clone without the training data cannot judge the gate: not passed, and says what to
  /// fetch; once fetched, it passes.
  @Test func aCloneWithoutTheDataSaysTheGateCannotBeVerified() throws {
    let repo = try repository()
    defer { repo.remove() }
    let remote = try TemporaryDirectory(prefix: "mlx-remote")
    defer { remote.remove() }
    #expect(try repo.mlx("remote", "add", "--default", "store", remote.path).succeeded)
    try repo.commitAll("remote")
    try train(repo, seed: 9)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    try train(repo, seed: 10)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    #expect(try repo.mlx("audit").succeeded)

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let audit = try clone.mlx("audit")
    #expect(audit.status == 1, "\(audit)")
    #expect(audit.stdout.contains("FAIL churn#staging#2"), "\(audit)")
    #expect(audit.stdout.contains("[unverifiable]"), "\(audit)")
    #expect(!audit.stdout.contains("ok   churn#staging#2"), "\(audit)")
    #expect(
      audit.stdout.contains(
        "drift.psi cannot be verified here: the candidate's training data "
          + "data.csv sha256:"), "\(audit)")
    #expect(
      audit.stdout.contains(
        "is not in the local store, nor its profile; fetch it with `mlx fetch --rev "),
      "\(audit)")
    // Both sides are named, so one fetch brings what the gate needs.
    #expect(
      audit.stdout.contains("; the holder v0.0.1's training data data.csv sha256:"), "\(audit)")

    // Not remembered: once the data is here, the same audit passes.
    #expect(try repo.mlx("push", "--all-commits").succeeded)
    let fetched = try clone.mlx("fetch", "--all-commits")
    #expect(fetched.succeeded, "\(fetched)")
    let again = try clone.mlx("audit")
    #expect(again.succeeded, "\(again)")
  }
}
