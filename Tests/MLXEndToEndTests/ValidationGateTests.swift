import Foundation
import MLXTestSupport
import Testing

/// The `data.validated == 1` gate: a model enters the stage only when the stage that trained
/// it validated its inputs, as the promoted commit records them.
@Suite struct ValidationGateTests {
  /// The registry fixture (a hand-written mlx.lock, no validation) with `data.validated == 1`
  /// gating staging, and a pipeline that trains the model from validated data.
  private func fixture() throws -> RegistryFixture {
    let fixture = try RegistryFixture(gates: ["data.validated == 1"], productionSigners: [])
    let repo = fixture.repo
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {unique: true}}\n", to: "s.yaml")
    try repo.write("id\n1\n2\n", to: "data/train.csv")
    try repo.write(
      """
      stages:
        train:
          cmd: mkdir -p models && cat data/train.csv > models/model.bin
          deps: [data/train.csv]
          validate: [data/train.csv]
          outs:
            - models/model.bin: {kind: model}

      """, to: "mlx.yaml")
    return fixture
  }

  private func head(_ repo: TestRepository) throws -> String {
    try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func promotionNeedsAValidatedTrainingRun() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status != 0, "\(refused)")
    #expect(
      refused.stdout.contains(
        "FAIL  gate data.validated == 1: data.validated = 0: stage 'train', which writes "
          + "models/model.bin, validates none of its inputs"), "\(refused)")
    #expect(try fixture.tags() == ["churn#dev#1", "churn@v0.0.1"])

    // Trained by mlx run from validated data, and committed: the gate passes.
    #expect(try repo.mlx("add", "data/train.csv", "--schema", "s.yaml").succeeded)
    let run = try repo.mlx("run")
    #expect(run.succeeded, "\(run)")
    try repo.commitAll("trained from validated data")
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let promoted = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promoted.succeeded, "\(promoted)")
    let tag = try repo.git("tag", "-l", "churn#staging#*").trimmingCharacters(in: .newlines)
    let message = try repo.git("cat-file", "-p", tag)
    #expect(
      message.contains(
        "Mlx-Gate: data.validated == 1: pass (data.validated = 1: stage 'train' validated data/train.csv)"
      ), "\(message)")
    #expect(try repo.mlx("audit").succeeded)
  }

  /// A metrics file cannot claim the computed metric.
  @Test func aRecordedMetricOfTheSameNameDoesNotCount() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    let lock = try repo.read("mlx.lock")
    try repo.write(
      lock.replacingOccurrences(
        of: "          auc:", with: "          data.validated: 1\n          auc:"),
      to: "mlx.lock")
    try repo.commitAll("claims validation")
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status != 0)
    #expect(
      refused.stdout.contains("FAIL  gate data.validated == 1: data.validated = 0"), "\(refused)")
  }

  @Test func theCommitMustHoldTheDataAndSchemaThatWereValidated() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("add", "data/train.csv", "--schema", "s.yaml").succeeded)
    #expect(try repo.mlx("run").succeeded)
    // The schema is loosened after the run and committed with it: the run did not check
    // the data against what the commit holds.
    try repo.write("fields:\n  - {name: id, type: integer}\n", to: "s.yaml")
    try repo.commitAll("schema changed after training")
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status != 0)
    #expect(
      refused.stdout.contains(
        "data/train.csv was not validated against the commit's s.yaml (it changed since)"),
      "\(refused)")
  }

  /// mlx.lock's record is a claim: a schema tightened by hand, its digest written into the
  /// lock so the record matches, fails the gate, because the data is checked again.
  @Test func aLockRecordTheDataDoesNotBearOutFailsTheGate() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("add", "data/train.csv", "--schema", "s.yaml").succeeded)
    #expect(try repo.mlx("run").succeeded)
    let before = try repo.sha256sum("s.yaml")
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {maximum: 1}}\n", to: "s.yaml")
    try repo.write(
      try repo.read("mlx.lock").replacingOccurrences(
        of: "schema_digest: \(before)", with: "schema_digest: \(try repo.sha256sum("s.yaml"))"),
      to: "mlx.lock")
    try repo.commitAll("a tighter schema, and a lock claiming the data was checked against it")
    #expect(try repo.mlx("validate", "data/train.csv").status == 1)
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status != 0, "\(refused)")
    #expect(
      refused.stdout.contains(
        "FAIL  gate data.validated == 1: data.validated = 0: data/train.csv does not match the "
          + "commit's s.yaml: id: maximum 1: 1 row, e.g. row 2 \"2\""), "\(refused)")

    // A clone without the data cannot check it: the gate is not passed, and says what to fetch.
    try repo.git(
      "tag", "-s", "-m",
      "Promote churn\n\nMlx-Artifact: churn\nMlx-Stage: staging\n"
        + "Mlx-Event: assignment", "churn#staging#2", try head(repo))
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let audit = try clone.mlx("audit")
    #expect(audit.status != 0)
    #expect(
      audit.stdout.contains("data/train.csv cannot be checked against s.yaml here: its content "),
      "\(audit)")
    let local = try repo.mlx("audit")
    #expect(local.stdout.contains("does not match the commit's s.yaml"), "\(local)")
  }

  @Test func auditFlagsAHandMadeTagOnAnUnvalidatedModel() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    // Signed by an allowed signer, with a message claiming the gate passed.
    try repo.git(
      "tag", "-s", "-m",
      "Promote churn\n\nMlx-Artifact: churn\nMlx-Stage: staging\nMlx-Event: assignment\n"
        + "Mlx-Gate: data.validated == 1: pass (data.validated = 1)",
      "churn#staging#2", try head(repo))
    let audit = try repo.mlx("audit", "--json")
    #expect(audit.status != 0, "\(audit)")
    let entries = try #require(try audit.json()["entries"] as? [[String: Any]])
    let entry = try #require(entries.first { $0["tag"] as? String == "churn#staging#2" })
    let checks = try #require(entry["checks"] as? [[String: Any]])
    let gate = try #require(
      checks.first { ($0["name"] as? String)?.contains("data.validated") == true })
    #expect(gate["passed"] as? Bool == false, "\(gate)")
    #expect(
      (gate["detail"] as? String)?.contains("validates none of its inputs") == true, "\(gate)")
  }
}
