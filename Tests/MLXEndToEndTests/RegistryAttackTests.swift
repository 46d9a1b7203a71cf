import Foundation
import MLXTestSupport
import Testing

/// Attacks by someone who can push tags and branches but holds no allowed key: none may
/// change what a signature-required stage holds, make the audit pass a bad event, make a good
/// one fail, or crash mlx.
@Suite struct RegistryAttackTests {
  /// v0.0.1 and then v0.0.2 through dev, staging and production (#1–#3, #4–#6), and a commit
  /// holding Mallory's weak model on branch `evil`.
  private func released() throws -> (RegistryFixture, evil: String, second: String) {
    let fixture = try RegistryFixture()
    let repo = fixture.repo
    for stage in ["dev", "staging", "production"] {
      let result = try repo.mlx("promote", "churn", "--to", stage)
      guard result.succeeded else { throw TestFailure("promote: \(result)") }
    }
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.97)
    for stage in ["dev", "staging", "production"] {
      let result = try repo.mlx("promote", "churn", "--to", stage)
      guard result.succeeded else { throw TestFailure("promote: \(result)") }
    }
    let second = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git("switch", "-q", "-c", "evil")
    try fixture.commitModel("weights evil", accuracy: 0.5, auc: 0.5)
    let evil = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git("switch", "-q", "main")
    return (fixture, evil, second)
  }

  /// A tag as Mallory makes it: unsigned, or signed with her key, at any date.
  private func malloryTag(
    _ fixture: RegistryFixture, _ name: String, _ commit: String, date: String? = nil,
    signed: Bool = false,
    message: String = "x"
  ) throws {
    var arguments = ["-c", "user.name=Mallory", "-c", "user.email=mallory@example.com"]
    if signed { arguments += ["-c", "user.signingkey=\(fixture.mallory)"] }
    arguments +=
      ["tag", signed ? "-s" : "-a"] + (signed ? [] : ["--no-sign"]) + ["-m", message, name, commit]
    try fixture.repo.git(arguments, environment: date.map { ["GIT_COMMITTER_DATE": $0] } ?? [:])
  }

  private func production(_ repo: TestRepository) throws -> [String: Any] {
    try repo.mlx("registry", "which", "churn#production", "--json").json()
  }

  private func status(_ repo: TestRepository, _ tag: String) throws -> String? {
    let entries = try repo.mlx("audit", "--json").json()["entries"] as? [[String: Any]] ?? []
    return entries.first { $0["tag"] as? String == tag }?["status"] as? String
  }

  @Test func aTagDatedBeforeThePolicyIsJudgedByTheFirstPolicy() throws {
    let (fixture, evil, _) = try released()
    defer { fixture.remove() }
    try malloryTag(fixture, "churn#production#0", evil, date: "1990-01-01T00:00:00Z")
    #expect(try production(fixture.repo)["version"] as? String == "v0.0.2")
    #expect(try status(fixture.repo, "churn#production#0") == "unsigned")
  }

  @Test func backdatedDeregistrationsAndReregistrationsNeedTheStagesSignature() throws {
    let (fixture, evil, second) = try released()
    defer { fixture.remove() }
    let repo = fixture.repo
    // Dated right after v0.0.2's registration, before it held any stage.
    let registered = try repo.git(
      "for-each-ref", "--format=%(taggerdate:raw)", "refs/tags/churn@v0.0.2"
    )
    .trimmingCharacters(in: .whitespacesAndNewlines)
    try malloryTag(fixture, "churn@v0.0.2!", second, date: registered)
    #expect(try production(repo)["version"] as? String == "v0.0.2")
    #expect(try status(repo, "churn@v0.0.2!") == "unsigned")
    try repo.git("tag", "-d", "churn@v0.0.2!")
    // A version name registered again at Mallory's commit: a version has one commit.
    try malloryTag(fixture, "churn@v0.0.1#20", evil)
    #expect(try status(repo, "churn@v0.0.1#20") == "unsigned", "the name it takes held production")
    #expect(try repo.mlx("audit").stdout.contains("v0.0.1 is registered at commit"))
    #expect(try production(repo)["commit"] as? String == second)
    // A second version at v0.0.2's commit, dated a second before Alice registered it.
    let before = "@\(Int(registered.split(separator: " ")[0])! - 1) +0000"
    try malloryTag(fixture, "churn@v9.9.9", second, date: before)
    #expect(try status(repo, "churn@v9.9.9") == "unsigned", "its commit held production")
    #expect(try status(repo, "churn@v0.0.2") == "ok")
    #expect(try status(repo, "churn#production#6") == "ok", "Alice's events still pass")
    #expect(try production(repo)["version"] as? String == "v0.0.2")
  }

  @Test func anUnsignedReregistrationCannotBringAVersionBack() throws {
    let (fixture, _, second) = try released()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("deregister", "churn@v0.0.2").succeeded)
    #expect(try production(repo)["version"] as? String == "v0.0.1")
    try malloryTag(fixture, "churn@v0.0.2#20", second, date: "2099-01-01T00:00:00Z")
    #expect(try production(repo)["version"] as? String == "v0.0.1")
    #expect(try status(repo, "churn@v0.0.2#20") == "unsigned")
  }

  @Test func unsignedTagsCannotMakeSignedOnesFailByCountersOrTimes() throws {
    let (fixture, evil, _) = try released()
    defer { fixture.remove() }
    let repo = fixture.repo
    // A low counter dated far in the future, and a copy of production#6's counter dated early.
    try malloryTag(fixture, "churn#dev#3", evil, date: "2099-01-01T00:00:00Z")
    try malloryTag(fixture, "churn#dev#6", evil, date: "2000-01-01T00:00:00Z")
    #expect(try production(repo)["version"] as? String == "v0.0.2")
    for tag in ["churn#production#3", "churn#production#6", "churn#staging#5"] {
      #expect(try status(repo, tag) == "ok", "\(tag)")
    }
    #expect(try status(repo, "churn#dev#3") != "ok")
    #expect(try status(repo, "churn#dev#6") == "counter")
  }

  @Test func aFailingTagCannotRedirectAnArtifactsPath() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.write("other", to: "models/legacy.bin")
    try repo.mlx("add", "models/legacy.bin")
    try repo.commitAll("legacy model")
    #expect(try repo.mlx("promote", "fraud", "--to", "dev", "--path", "models/model.bin").succeeded)
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try malloryTag(
      fixture, "fraud#production!#99", head, message: "x\n\nMlx-Path: models/legacy.bin")
    let which = try repo.mlx("registry", "which", "fraud#dev", "--json").json()
    #expect(which["path"] as? String == "models/model.bin")
  }

  @Test func hostileCountersAndDatesGetClearAnswers() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try malloryTag(fixture, "churn#dev#999999999999999999", head)
    let promote = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(promote.status != 0)
    #expect(promote.stderr.contains("claims a counter so large"), "\(promote)")
    try repo.git("tag", "-d", "churn#dev#999999999999999999")
    // A tagger time git accepts but no calendar holds.
    let object = try ProcessRunner.run(
      ProcessRunner.which("git")!, ["mktag"], in: repo.path,
      input:
        "object \(head)\ntype commit\ntag churn#dev#7\ntagger M <m@e.com> 9300000000000000 +0000\n\nx\n"
    )
    #expect(object.succeeded, "\(object)")
    try repo.git(
      "update-ref", "refs/tags/churn#dev#7",
      object.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    for command in [
      ["registry", "history"], ["audit"], ["audit", "report"],
      ["promote", "churn", "--to", "staging"],
    ] {
      let result = try repo.mlx(command)
      #expect(result.status != 4 && result.status < 128, "mlx \(command) must not crash: \(result)")
      #expect(!result.stderr.contains("Fatal error"), "\(result)")
    }
    // A tag whose object is a blob.
    let blob = try ProcessRunner.run(
      ProcessRunner.which("git")!, ["hash-object", "-w", "--stdin"], in: repo.path, input: "blob")
    let forged = try ProcessRunner.run(
      ProcessRunner.which("git")!, ["hash-object", "-t", "tag", "-w", "--stdin", "--literally"],
      in: repo.path,
      input:
        "object \(blob.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\ntype commit\ntag churn#dev#8\ntagger M <m@e.com> 1767225600 +0000\n\nx\n"
    )
    try repo.git(
      "update-ref", "refs/tags/churn#dev#8",
      forged.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    let audit = try repo.mlx("audit")
    #expect(audit.status == 1)
    #expect(audit.stdout.contains("which is no commit in this repository"), "\(audit)")
    #expect(try repo.mlx("registry", "which", "churn#dev").succeeded)
  }

  @Test func withoutATrustedBranchNothingIsReportedAsVerified() throws {
    let (fixture, evil, _) = try released()
    defer { fixture.remove() }
    let repo = fixture.repo
    // Mallory's branch lets her key sign anything, and she tags her model for production.
    try repo.git("switch", "-q", "evil")
    let mallory = try fixture.keys.read("mallory.pub").split(separator: " ").prefix(2).joined(
      separator: " ")
    try repo.write(
      "mallory@example.com namespaces=\"git\" \(mallory)\n", to: ".mlx/allowed_signers")
    try repo.write(
      "version: 1\nartifacts:\n  churn: {path: models/model.bin}\nstages: [dev, staging, production]\n",
      to: ".mlx/policy.yaml")
    try repo.commitAll("my rules")
    let weakened = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try malloryTag(fixture, "churn#production#7", weakened, signed: true)
    _ = evil
    // A CI clone: origin's branches as remote-tracking refs, the tag checked out, no main.
    try withTemporaryDirectory { directory in
      let git = ProcessRunner.which("git")!
      let ci = directory.path + "/ci"
      for arguments in [
        ["init", "-q", ci], ["-C", ci, "remote", "add", "origin", repo.path],
        [
          "-C", ci, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*",
          "+refs/tags/*:refs/tags/*",
        ],
        ["-C", ci, "checkout", "-q", "churn#production#7"],
      ] {
        let result = try ProcessRunner.run(git, arguments, in: directory.path)
        guard result.succeeded else { throw TestFailure("git \(arguments): \(result)") }
      }
      let mlx = TestRepository.mlxExecutable
      // No origin/HEAD, no local branch: a remote-tracking `main` could be anyone's push, so
      // nothing is trusted, and HEAD's policy judges nothing that counts.
      let untrusted = try ProcessRunner.run(
        mlx, ["registry", "check-ref", "churn#production#7"], in: ci)
      #expect(untrusted.status == 1, "\(untrusted)")
      let verified = try ProcessRunner.run(
        mlx, ["registry", "which", "churn#production", "--json", "--all"], in: ci)
      #expect(try verified.json()["verified"] as? Bool == false)
      let audit = try ProcessRunner.run(mlx, ["audit"], in: ci)
      #expect(audit.status == 1)
      #expect(audit.stdout.contains("no trusted ref"), "\(audit)")
      let promote = try ProcessRunner.run(mlx, ["promote", "churn", "--to", "dev"], in: ci)
      #expect(promote.stderr.contains("no trusted ref"), "\(promote)")
      // Told which branch is the default (as `git clone` records it), origin/main judges.
      _ = try ProcessRunner.run(
        git, ["-C", ci, "remote", "set-head", "origin", "main"], in: directory.path)
      let check = try ProcessRunner.run(
        mlx, ["registry", "check-ref", "churn#production#7"], in: ci)
      #expect(check.status == 1, "origin/main's policy judges: \(check)")
      let which = try ProcessRunner.run(
        mlx, ["registry", "which", "churn#production", "--json"], in: ci)
      #expect(try which.json()["version"] as? String == "v0.0.2")
      #expect(try which.json()["verified"] as? Bool == true)
    }
  }

  @Test func aLightweightRegistryTagIsNothingCIMayActOn() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.git("tag", "churn#production#5")
    let check = try repo.mlx("registry", "check-ref", "churn#production#5")
    #expect(check.status == 1)
    #expect(check.stderr.contains("no annotated tag of that name"), "\(check)")
  }

  @Test func anAmbiguousTrustedRefIsRefused() throws {
    let fixture = try RegistryFixture(gates: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
    try repo.git("branch", "origin/main")
    try repo.git("config", "mlx.trustedRef", "origin/main")
    let result = try repo.mlx("registry")
    #expect(result.status != 0)
    #expect(
      result.stderr.contains("could be refs/heads/origin/main or refs/remotes/origin/main"),
      "\(result)")
  }

  @Test func tagsDatedInTheFutureNeitherCountNorHoldWritesBack() throws {
    let (fixture, evil, _) = try released()
    defer { fixture.remove() }
    let repo = fixture.repo
    try malloryTag(fixture, "churn#staging", evil, date: "2099-01-01T00:00:00Z")
    #expect(try status(repo, "churn#staging") != "ok")
    #expect(try repo.mlx("audit").stdout.contains("in the future"))
    let which = try repo.mlx("registry", "which", "churn#staging", "--json").json()
    #expect(which["version"] as? String == "v0.0.2")
    try fixture.commitModel("weights v3", accuracy: 0.96, auc: 0.98)
    let promote = try repo.mlx("promote", "churn", "--to", "dev")
    #expect(promote.succeeded, "a future-dated tag holds no write back: \(promote)")
  }
}
