import Foundation
import MLXTestSupport
import Testing

/// What mlx reports must hold against someone with push access who is hostile: every fact
/// comes from Git objects, every event is judged by the policy, and mlx never writes what its
/// own audit rejects.
@Suite struct RegistryTrustTests {
  private func holder(_ repo: TestRepository, _ stage: String, all: Bool = false) throws -> String?
  {
    let result = try repo.mlx(
      ["registry", "which", "churn#\(stage)", "--json"] + (all ? ["--all"] : []))
    return result.succeeded ? try result.json()["version"] as? String : nil
  }

  private func auditStatus(_ repo: TestRepository) throws -> (exit: Int32, status: [String: String])
  {
    let result = try repo.mlx("audit", "--json")
    let entries = try result.json()["entries"] as? [[String: Any]] ?? []
    return (
      result.status,
      Dictionary(entries.map { ($0["tag"] as! String, $0["status"] as! String) }) { first, _ in
        first
      }
    )
  }

  private func object(_ repo: TestRepository, _ tag: String) throws -> String {
    try repo.git("rev-parse", "refs/tags/\(tag)").trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// v0.0.1 through production, then v0.0.2 through production: #1–#3 and #4–#6.
  private func twoReleases() throws -> RegistryFixture {
    let fixture = try RegistryFixture()
    for stage in ["dev", "staging", "production"] {
      let result = try fixture.repo.mlx("promote", "churn", "--to", stage)
      guard result.succeeded else { throw TestFailure("promote: \(result)") }
    }
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    for stage in ["dev", "staging", "production"] {
      let result = try fixture.repo.mlx("promote", "churn", "--to", stage)
      guard result.succeeded else { throw TestFailure("promote: \(result)") }
    }
    return fixture
  }

  @Test func aReplayedTagObjectChangesNothing() throws {
    let fixture = try twoReleases()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try holder(repo, "production") == "v0.0.2")
    // An older production tag's object under a new, higher counter: no key needed.
    try repo.git(
      "update-ref", "refs/tags/churn#production#11", try object(repo, "churn#production#3"))
    // A dev tag's object under a production name.
    try repo.git("update-ref", "refs/tags/churn#production#12", try object(repo, "churn#dev#4"))
    #expect(try holder(repo, "production") == "v0.0.2", "replayed tags never count")
    let which = try repo.mlx("registry", "which", "churn#production")
    #expect(which.stderr.contains("churn#production#11 (replayed)"), "\(which)")
    let (exit, status) = try auditStatus(repo)
    #expect(exit == 1)
    #expect(status["churn#production#11"] == "replayed")
    #expect(status["churn#production#12"] == "replayed")
    #expect(status["churn#production#6"] == "ok")
    let text = try repo.mlx("audit")
    #expect(
      text.stdout.contains(
        "the tag object was written as 'churn#production#3', not 'churn#production#11'"))
  }

  @Test func theVersionComesFromTheCommitNeverTheMessage() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    // A correctly signed tag on v0.0.1's commit whose message claims v0.1.1.
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.write(
      "Promote churn v0.1.1 to dev\n\nMlx-Artifact: churn\nMlx-Version: v0.1.1\nMlx-Stage: dev\n",
      to: "message.txt")
    try repo.git("tag", "-s", "-F", "message.txt", "churn#dev#2", head)
    let history =
      try repo.mlx("registry", "history", "--json", "--all").json()["events"] as? [[String: Any]]
      ?? []
    let claimed = history.first { $0["tag"] as? String == "churn#dev#2" }
    #expect(
      claimed?["version"] as? String == "v0.0.1", "GTO's rule: the version registered at the commit"
    )
    let (exit, status) = try auditStatus(repo)
    #expect(exit == 1)
    #expect(status["churn#dev#2"] == "mismatch")
    #expect(
      try repo.mlx("audit").stdout.contains(
        "Mlx-Version claims 'v0.1.1'; the Git objects say 'v0.0.1'"))
  }

  @Test func aHandSignedPromotionIsJudgedByThePolicyLikeMlxPromote() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    // Correctly signed by Alice with plain git, skipping staging.
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git("tag", "-s", "-m", "straight to production", "churn#production#2", head)
    #expect(
      try fixture.gitVerify("churn#production#2").succeeded, "git itself accepts the signature")
    let (exit, status) = try auditStatus(repo)
    #expect(exit == 1)
    #expect(status["churn#production#2"] == "order")
    #expect(try holder(repo, "production") == nil, "an event that fails the audit is not counted")
    #expect(
      try holder(repo, "production", all: true) == "v0.0.1", "--all counts everything, as GTO")
    // mlx promote refuses the same promotion.
    let promote = try repo.mlx("promote", "churn", "--to", "production")
    #expect(promote.status == 1)
    #expect(
      promote.stdout.contains("FAIL  stage order: v0.0.1 must be in staging before production"))
  }

  @Test func holdersSignedByKeysOutsideTheAllowedSignersAreNotCounted() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.run(
      "git", "-c", "user.signingkey=\(fixture.mallory)", "tag", "-s", "-m", "mine", "churn#dev#2",
      head)
    #expect(try holder(repo, "dev") == "v0.0.1")
    let which = try repo.mlx("registry", "which", "churn#dev")
    #expect(which.stderr.contains("churn#dev#2 (unauthorised)"), "\(which)")
    #expect(try auditStatus(repo).status["churn#dev#2"] == "unauthorised")
  }

  @Test func promoteNeverWritesWhatTheAuditRejects() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    // dev requires no signature, but a signature by a key the allowed signers do not list
    // would fail the audit.
    let result = try repo.mlx("promote", "churn", "--to", "dev", "--key", fixture.mallory)
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL  signer:"), "\(result)")
    #expect(result.stderr.contains("refused; no tag was written"))
    #expect(try fixture.tags().isEmpty)
  }

  @Test func rollbackWritesATagTheAuditAccepts() throws {
    let fixture = try twoReleases()
    defer { fixture.remove() }
    let repo = fixture.repo
    let rollback = try repo.mlx("rollback", "churn#production")
    #expect(rollback.succeeded, "\(rollback)")
    #expect(rollback.stdout.contains("production: v0.0.2 → v0.0.1"))
    #expect(try holder(repo, "production") == "v0.0.1")
    let message = try repo.git("cat-file", "-p", "churn#production#7")
    for trailer in [
      "Mlx-Digest: sha256:", "Mlx-Run: run-weights-v1", "Mlx-Metric: accuracy=0.93",
      "Mlx-Rollback-From: v0.0.2",
    ] {
      #expect(message.contains(trailer), "missing \(trailer)")
    }
    let (exit, status) = try auditStatus(repo)
    #expect(exit == 0, "\(status)")
    #expect(status["churn#production#7"] == "ok")
    let lineage = try repo.mlx("lineage", "churn#production", "--json")
    #expect(!lineage.stdout.contains("unauthorised-promotion"), "\(lineage)")
  }

  @Test func theRollbackRuleCanRequireTheGatesAgain() throws {
    let fixture = try twoReleases()
    defer { fixture.remove() }
    let repo = fixture.repo
    // v0.0.1's auc (0.95) is below v0.0.2's (0.97) minus 0.01: the relative gate fails.
    let policy = try repo.read(".mlx/policy.yaml")
    try repo.write(
      policy.replacingOccurrences(
        of: "    signature: required\n",
        with: "    signature: required\n    rollback: check-gates\n"), to: ".mlx/policy.yaml")
    try repo.git("commit", "-qam", "rollbacks re-check the gates")
    let refused = try repo.mlx("rollback", "churn", "--stage", "production")
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("FAIL  gate auc >= current.auc - 0.01"), "\(refused)")
    #expect(try holder(repo, "production") == "v0.0.2")
  }

  @Test func concurrentPromotionsNeverShareACounter() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("register", "churn").succeeded)
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    #expect(try repo.mlx("register", "churn").succeeded)
    let targets = ["churn@v0.0.1", "churn@v0.0.2"]
    nonisolated(unsafe) var results = [ProcessResult?](repeating: nil, count: 2)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let result = try? repo.mlx("promote", targets[index], "--to", "dev")
      lock.lock()
      results[index] = result
      lock.unlock()
    }
    for result in results {
      #expect(result?.succeeded == true, "\(String(describing: result))")
      #expect(result?.stderr.contains("tag already exists") == false)
    }
    let counters = try fixture.tags().filter { $0.contains("#") }.map {
      $0.split(separator: "#").last!
    }
    #expect(counters.sorted() == ["1", "2"], "each promotion took its own counter: \(counters)")
    #expect(try repo.mlx("audit").succeeded)
  }

  @Test func gitCommitterDateInGitsInternalFormIsHonoured() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    let result = try repo.mlx(
      "register", "churn", environment: ["GIT_COMMITTER_DATE": "@1767225600 +0530"])
    #expect(result.succeeded, "\(result)")
    let tagger = try repo.git(
      "for-each-ref", "--format=%(taggerdate:raw)", "refs/tags/churn@v0.0.1")
    #expect(tagger.trimmingCharacters(in: .whitespacesAndNewlines) == "1767225600 +0530")
    let bad = try repo.mlx(
      "register", "churn", "HEAD", environment: ["GIT_COMMITTER_DATE": "next tuesday"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("GIT_COMMITTER_DATE 'next tuesday' is not a date git accepts"))
  }

  @Test func thePolicyIsReadFromTheTrustedRefNeverFromThePromotedCommit() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    // A branch that weakens the policy (no gates, no stage order) and brings a weak model.
    try repo.git("switch", "-q", "-c", "weaken")
    try repo.write(
      "version: 1\nartifacts:\n  churn: {path: models/model.bin}\nstages: [dev, staging, production]\n",
      to: ".mlx/policy.yaml")
    try fixture.commitModel("weights bad", accuracy: 0.1, auc: 0.1)
    let promote = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promote.status == 1)
    #expect(
      promote.stdout.contains("FAIL  gate accuracy >= 0.9"), "main's policy judges: \(promote)")
    #expect(promote.stdout.contains("FAIL  stage order"))
    // The audit names the trusted ref and the commit whose policy judged each event.
    let auditRun = try repo.mlx("audit", "--json")
    let audit = try auditRun.json()
    #expect(audit["trusted_ref"] as? String == "refs/heads/main", "\(auditRun)")
    let mainPolicy = try repo.git("rev-list", "-1", "main", "--", ".mlx/policy.yaml")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let entries = audit["entries"] as? [[String: Any]] ?? []
    #expect(entries.allSatisfy { $0["policy_commit"] as? String == mainPolicy })
    let changes = audit["policy_changes"] as? [[String: Any]] ?? []
    #expect(changes.count == 1)
    #expect((changes.first?["author"] as? [String: String])?["email"] == "alice@example.com")
    #expect((changes.first?["signature"] as? [String: Any])?["status"] as? String == "unsigned")
    // Configured to trust the branch, the weaker policy applies.
    try repo.git("config", "mlx.trustedRef", "weaken")
    let weak = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(weak.succeeded, "\(weak)")
  }
}

@Suite struct RegistryWriteTests {
  @Test func aPolicyCommittedInTheSecondOfAPromotionDoesNotJudgeIt() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    let second = "2026-05-01T12:00:00Z"
    #expect(
      try repo.mlx("register", "churn", environment: ["GIT_COMMITTER_DATE": "2026-05-01T11:00:00Z"])
        .succeeded)
    #expect(
      try repo.mlx("promote", "churn", "--to", "dev", environment: ["GIT_COMMITTER_DATE": second])
        .succeeded)
    // A stricter policy (a gate dev's version fails) committed in that same second.
    try repo.write(
      try repo.read(".mlx/policy.yaml").replacingOccurrences(
        of: "  - name: dev\n", with: "  - name: dev\n    gates: [\"accuracy >= 0.99\"]\n"),
      to: ".mlx/policy.yaml")
    try repo.commitAll("stricter dev", date: second)
    #expect(try repo.mlx("audit").succeeded, "the promotion was judged by the policy before")
    // A promotion made "at" that second is written after it, under the new policy.
    try fixture.commitModel("weights v2", accuracy: 0.995, auc: 0.99)
    let promoted = try repo.mlx(
      "promote", "churn", "--to", "dev", environment: ["GIT_COMMITTER_DATE": second])
    #expect(promoted.succeeded, "\(promoted)")
    #expect(promoted.stdout.contains("pass  gate accuracy >= 0.99"))
    #expect(try repo.mlx("audit").succeeded)
  }

  @Test func aCommitWhoseLockDoesNotParseFailsTheGatesSayingWhy() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    try repo.write("version: 1\nstages: [not, a, map\n", to: "mlx.lock")
    try repo.commitAll("broken lock")
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded, "dev has no gates")
    let refused = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("mlx.lock at commit"), "\(refused)")
    #expect(refused.stdout.contains("cannot be read, so its metrics are unknown"), "\(refused)")
    let lineage = try repo.mlx("lineage", "HEAD")
    #expect(lineage.stdout.contains("malformed-record"), "\(lineage)")
    // A pointer that does not parse at the registered commit is said so too.
    try repo.write(
      "version: 1\nkind: model\npath: model.bin\ndigest: nonsense\n", to: "models/model.bin.mlx")
    try repo.commitAll("broken pointer")
    #expect(try repo.mlx("register", "churn", "--version", "v0.9.0").succeeded)
    let version = try repo.mlx("lineage", "churn@v0.9.0")
    #expect(version.stdout.contains("models/model.bin.mlx at commit"), "\(version)")
    #expect(version.stdout.contains("malformed-record"), "\(version)")
    let downstream = try repo.mlx("lineage", "models/model.bin", "--downstream")
    #expect(downstream.status == 1)
    #expect(downstream.stderr.hasPrefix("Error: at HEAD, models/model.bin"), "\(downstream)")
  }

  @Test func wholeNumberMetricsMatchTheirClaimsEveryTime() throws {
    // `1.0` in mlx.lock, written into the tag as 1.0, read back from the evidence cache as 1.
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try fixture.commitModel("perfect weights", accuracy: 1.0, auc: 1.0)
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    for _ in 0..<2 {
      let audit = try repo.mlx("audit")
      #expect(audit.succeeded, "\(audit)")
      try repo.run("rm", "-f", ".git/mlx/audit-cache")
    }
  }

  @Test func writesExplainThemselvesAndRefuseWhatIsAlreadyDone() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let again = try repo.mlx("promote", "churn", "--to", "dev")
    #expect(again.status != 0)
    #expect(again.stderr.contains("churn v0.0.1 already holds dev; nothing to do"), "\(again)")
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let unassign = try repo.mlx("unassign", "churn%dev")
    #expect(unassign.stdout.contains("dev: v0.0.2 unassigned (dev now v0.0.1)"), "\(unassign)")
    let typo = try repo.mlx("registry", "which", "churn#prod")
    #expect(typo.stderr.contains("no stage 'prod'"), "\(typo)")
    // The work tree's policy is not the one that judges until it is committed.
    try repo.write(try repo.read(".mlx/policy.yaml") + "\n", to: ".mlx/policy.yaml")
    let note = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(
      note.stderr.contains("the work tree's .mlx/policy.yaml differs from refs/heads/main's"),
      "\(note)")
    let empty = try TestRepository()
    defer { empty.remove() }
    #expect(try empty.mlx("register", "net").stderr.contains("the repository has no commits yet"))
  }
}

@Suite struct RegistryCIHookTests {
  @Test func checkRefTellsCIWhetherToActOnATag() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let good = try repo.mlx("registry", "check-ref", "refs/tags/churn#dev#1")
    #expect(good.succeeded, "\(good)")
    #expect(good.stdout.contains("churn#dev#1: assignment of dev, churn v0.0.1"))
    #expect(try repo.mlx("registry", "check-ref", "churn#dev#1", "--stage").stdout == "dev\n")
    #expect(
      try repo.mlx("registry", "check-ref", "churn#dev#1", "--event").stdout == "assignment\n")
    // A hand-made production tag that skips staging: CI must not deploy it.
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git("tag", "-s", "-m", "ship it", "churn#production#2", head)
    let bad = try repo.mlx("registry", "check-ref", "churn#production#2")
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("audit: FAIL [order]"), "\(bad)")
    // Not a registry tag: nothing to do, as with GTO.
    try repo.git("tag", "-a", "-m", "release", "v1.0")
    let other = try repo.mlx("registry", "check-ref", "v1.0")
    #expect(other.succeeded && other.stdout.isEmpty)
  }

  @Test func gtoArtifactsYamlDeclaresPathsWithoutAPolicy() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("weights", to: "models/net.bin")
    try repo.mlx("add", "models/net.bin")
    try repo.write(
      "net:\n  type: model\n  path: models/net.bin\n  description: the net\n", to: "artifacts.yaml")
    try repo.commitAll("model and artifacts.yaml")
    #expect(try repo.mlx("register", "net").succeeded)
    let which = try repo.mlx("registry", "which", "net#dev")
    #expect(which.status != 0, "no stage yet")
    #expect(try repo.mlx("promote", "net", "--to", "dev").succeeded)
    let deployment = try repo.mlx("registry", "which", "net#dev", "--json").json()
    #expect(deployment["path"] as? String == "models/net.bin")
    #expect(deployment["digest"] as? String == (try repo.sha256sum("models/net.bin")))
  }

  @Test func aPushTheRemoteRefusesIsAClearError() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try withTemporaryDirectory { remote in
      _ = try ProcessRunner.run(
        ProcessRunner.which("git")!, ["init", "-q", "--bare", remote.path], in: remote.path)
      try repo.git("remote", "add", "origin", remote.path)
      // The remote already has a different churn@v0.0.1.
      try repo.git("tag", "-a", "-m", "someone else's", "churn@v0.0.1")
      try repo.git("push", "-q", "origin", "refs/tags/churn@v0.0.1")
      try repo.git("tag", "-d", "churn@v0.0.1")
      try repo.write("the remote refuses what it has", to: "note.txt")
      try repo.commitAll("another commit")
      let result = try repo.mlx("register", "churn", "--version", "v0.0.1", "--push")
      #expect(result.status != 0)
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains("origin refused them"), "\(result)")
      #expect(result.stderr.contains("git fetch --tags"))
    }
  }
}
