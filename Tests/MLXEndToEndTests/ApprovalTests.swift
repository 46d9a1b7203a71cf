import Foundation
import MLXTestSupport
import Testing

/// Four eyes: a stage that requires approvals takes signed approvals from someone other than
/// the promoter, for the version's commit, made before the promotion.
@Suite struct ApprovalTests {
  /// The registry fixture, with Bob as a second allowed signer and production requiring one
  /// approval (from `approvers`, when given).
  private func fixture(approvers: [String] = []) throws -> RegistryFixture {
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    let repo = fixture.repo
    let made = try ProcessRunner.run(
      ProcessRunner.which("ssh-keygen")!,
      ["-q", "-t", "ed25519", "-N", "", "-C", "bob@example.com", "-f", fixture.keys("bob")],
      in: fixture.keys.path)
    guard made.succeeded else { throw TestFailure("ssh-keygen: \(made)") }
    let bob = try fixture.keys.read("bob.pub").split(separator: " ").prefix(2).joined(
      separator: " ")
    try repo.write(
      try repo.read(".mlx/allowed_signers") + "bob@example.com namespaces=\"git\" \(bob)\n",
      to: ".mlx/allowed_signers")
    let from = approvers.isEmpty ? "" : ", from: [\(approvers.joined(separator: ", "))]"
    try repo.write(
      try repo.read(".mlx/policy.yaml").replacingOccurrences(
        of: "    signature: required\n",
        with: "    signature: required\n    approvals: {required: 1\(from)}\n"),
      to: ".mlx/policy.yaml")
    try repo.commitAll("production needs an approval")
    for stage in ["dev", "staging"] {
      let result = try repo.mlx("promote", "churn", "--to", stage)
      guard result.succeeded else { throw TestFailure("promote: \(result)") }
    }
    return fixture
  }

  private func asBob(_ fixture: RegistryFixture, _ arguments: String...) throws -> ProcessResult {
    try fixture.repo.mlx(
      arguments + ["--key", fixture.keys("bob")],
      environment: ["GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"])
  }

  @Test func aPromotionWaitsForAnApprovalBySomeoneElse() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    let refused = try repo.mlx("promote", "churn", "--to", "production")
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("FAIL  approvals: 0 of 1 required"), "\(refused)")

    // Alice approving her own promotion does not count.
    #expect(try repo.mlx("approve", "churn@v0.0.1", "--stage", "production").succeeded)
    let own = try repo.mlx("promote", "churn", "--to", "production")
    #expect(own.status == 1)
    #expect(own.stdout.contains("the promoter cannot approve their own promotion"), "\(own)")

    let approved = try asBob(fixture, "approve", "churn@v0.0.1", "--stage", "production")
    #expect(approved.succeeded, "\(approved)")
    let pending = try repo.mlx("approvals")
    #expect(
      pending.stdout.contains(
        "churn     v0.0.1   production  2/1        alice@example.com, bob@example.com"),
      "\(pending)")
    #expect(pending.stdout.contains("ready"))

    let promoted = try repo.mlx("promote", "churn", "--to", "production")
    #expect(promoted.succeeded, "\(promoted)")
    #expect(promoted.stdout.contains("pass  approvals: 1 of 1 required (bob@example.com)"))
    #expect(try repo.mlx("audit").succeeded)
    #expect(try repo.mlx("approvals").stdout.contains("No pending approvals"))

    // Stock git verifies the approval; GTO never sees it (it is not under refs/tags/).
    let reference = try repo.git(
      "for-each-ref", "--format=%(refname) %(taggeremail)", "refs/mlx/approvals/"
    )
    .split(separator: "\n").first { $0.contains("bob@example.com") }.map {
      String($0.split(separator: " ")[0])
    }
    let verified = try repo.run(
      "git", "-c", "gpg.ssh.allowedSignersFile=.mlx/allowed_signers", "verify-tag",
      try #require(reference))
    #expect(verified.succeeded, "\(verified)")
    #expect(try repo.git("tag", "-l").contains("approval") == false)

    // Without the approval, the audit can no longer justify the promotion.
    try repo.git("update-ref", "-d", try #require(reference))
    let audit = try repo.mlx("audit", "--json")
    #expect(audit.status == 1)
    let entries = try audit.json()["entries"] as? [[String: Any]] ?? []
    #expect(
      entries.first { $0["tag"] as? String == "churn#production#3" }?["status"] as? String
        == "approvals")
  }

  @Test func anApprovalCountsOnlyForItsVersionAndFromTheListedApprovers() throws {
    let fixture = try fixture(approvers: ["bob@example.com"])
    defer { fixture.remove() }
    let repo = fixture.repo
    // Alice is not among the approvers: mlx writes nothing that would not count.
    let alice = try repo.mlx("approve", "churn@v0.0.1", "--stage", "production")
    #expect(alice.status != 0)
    #expect(
      alice.stderr.contains("alice@example.com is not among production's approvers"), "\(alice)")
    // Mallory's key cannot approve as Bob.
    let forged = try repo.mlx(
      "approve", "churn@v0.0.1", "--stage", "production", "--key", fixture.mallory,
      environment: ["GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"])
    #expect(forged.status != 0)
    #expect(forged.stderr.contains("is not allowed to sign as bob@example.com"), "\(forged)")
    #expect(try repo.git("for-each-ref", "refs/mlx/approvals/").isEmpty)

    // Bob approves v0.0.1; v0.0.2 is promoted: the approval is for another commit.
    #expect(try asBob(fixture, "approve", "churn@v0.0.1", "--stage", "production").succeeded)
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    for stage in ["dev", "staging"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    let other = try repo.mlx("promote", "churn", "--to", "production")
    #expect(other.status == 1)
    #expect(other.stdout.contains("FAIL  approvals: 0 of 1 required"), "\(other)")
    #expect(try repo.mlx("promote", "churn@v0.0.1", "--to", "production").succeeded)
  }

  @Test func anApprovalIsSharedWithPush() throws {
    let fixture = try fixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try withTemporaryDirectory { remote in
      _ = try ProcessRunner.run(
        ProcessRunner.which("git")!, ["init", "-q", "--bare", remote.path], in: remote.path)
      try repo.git("remote", "add", "origin", remote.path)
      let approved = try asBob(
        fixture, "approve", "churn@v0.0.1", "--stage", "production", "--push")
      #expect(approved.succeeded, "\(approved)")
      #expect(approved.stdout.contains("Pushed to origin"))
      let refs = try ProcessRunner.run(
        ProcessRunner.which("git")!, ["for-each-ref", "refs/mlx/approvals/"], in: remote.path)
      #expect(refs.stdout.contains("refs/mlx/approvals/"), "\(refs)")
    }
    // The audit report names the policy's changes, with their authors.
    let report = try repo.mlx("audit", "report")
    #expect(report.stdout.contains("Policy from refs/heads/main"), "\(report)")
    #expect(report.stdout.contains("policy change"))
  }
}
