import Foundation
import MLXTestSupport
import Testing

/// A repository with a tracked model, a policy with gates and signers, and Alice's SSH key
/// configured for signing; Mallory has a key of her own that the allowed signers do not list.
struct RegistryFixture {
  let repo: TestRepository
  let keys: TemporaryDirectory

  var alice: String { keys("alice") }
  var mallory: String { keys("mallory") }

  init(gates: [String] = ["accuracy >= 0.9"], productionSigners: [String] = ["alice@example.com"])
    throws
  {
    repo = try TestRepository()
    keys = try TemporaryDirectory(prefix: "mlx-keys")
    for (name, email) in [("alice", "alice@example.com"), ("mallory", "mallory@example.com")] {
      let result = try ProcessRunner.run(
        ProcessRunner.which("ssh-keygen")!,
        ["-q", "-t", "ed25519", "-N", "", "-C", email, "-f", keys(name)],
        in: keys.path)
      guard result.succeeded else { throw TestFailure("ssh-keygen failed: \(result)") }
    }
    try repo.git("config", "user.name", "Alice")
    try repo.git("config", "user.email", "alice@example.com")
    try repo.git("config", "gpg.format", "ssh")
    try repo.git("config", "user.signingkey", alice)
    try repo.mlx("init")
    let alicePublic = try keys.read("alice.pub").split(separator: " ").prefix(2).joined(
      separator: " ")
    try repo.write(
      "alice@example.com namespaces=\"git\" \(alicePublic)\n", to: ".mlx/allowed_signers")
    let gateList = gates.map { "\"\($0)\"" }.joined(separator: ", ")
    let productionGates = (gates + ["auc >= current.auc - 0.01"]).map { "\"\($0)\"" }.joined(
      separator: ", ")
    let signerList = productionSigners.joined(separator: ", ")
    try repo.write(
      """
      version: 1
      artifacts:
        churn:
          path: models/model.bin
          type: model
      stages:
        - name: dev
        - name: staging
          after: dev
          gates: [\(gateList)]
        - name: production
          after: staging
          signature: required
          signers: [\(signerList)]
          gates: [\(productionGates)]

      """, to: ".mlx/policy.yaml")
    try commitModel("weights v1", accuracy: 0.93, auc: 0.95)
  }

  /// Writes a model and an `mlx.lock` whose metrics the gates read, and commits them.
  func commitModel(_ content: String, accuracy: Double, auc: Double) throws {
    try repo.write(content, to: "models/model.bin")
    try repo.mlx("add", "models/model.bin", "--kind", "model")
    let digest = try repo.sha256sum("models/model.bin")
    let size = try repo.read("models/model.bin").utf8.count
    try repo.write(
      """
      version: 1
      stages:
        train:
          cmd: python train.py
          outs:
          - path: models/model.bin
            digest: \(digest)
            size: \(size)
          metrics:
            metrics.json:
              accuracy: \(accuracy)
              auc: \(auc)
          run: run-\(content.replacingOccurrences(of: " ", with: "-"))

      """, to: "mlx.lock")
    // An early date: some tests date their promotions in 2026, and the policy this commit
    // brings must be in force by then.
    try repo.commitAll(content)
  }

  func remove() {
    repo.remove()
    keys.remove()
  }

  func tags() throws -> [String] {
    try repo.git("tag", "-l").split(separator: "\n").map(String.init).sorted()
  }

  /// `git verify-tag` with the repository's allowed signers.
  func gitVerify(_ tag: String) throws -> ProcessResult {
    try repo.run("git", "-c", "gpg.ssh.allowedSignersFile=.mlx/allowed_signers", "verify-tag", tag)
  }
}

@Suite struct RegistryCommandTests {
  @Test func promotesThroughStagesWithSignedTagsGitAccepts() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    for stage in ["dev", "staging", "production"] {
      let result = try repo.mlx("promote", "churn", "--to", stage)
      #expect(result.succeeded, "\(result)")
    }
    #expect(
      try fixture.tags() == [
        "churn#dev#1", "churn#production#3", "churn#staging#2", "churn@v0.0.1",
      ])
    for tag in try fixture.tags() {
      let verified = try fixture.gitVerify(tag)
      #expect(verified.succeeded, "\(tag): \(verified)")
      #expect(verified.stderr.contains("Good \"git\" signature for alice@example.com"))
    }
    let message = try repo.git("cat-file", "-p", "churn#production#3")
    for trailer in [
      "Mlx-Artifact: churn", "Mlx-Version: v0.0.1", "Mlx-Stage: production",
      "Mlx-Digest: \(try repo.sha256sum("models/model.bin"))", "Mlx-Run: run-weights-v1",
      "Mlx-Metric: accuracy=0.93", "Mlx-Gate: accuracy >= 0.9: pass (accuracy = 0.93)",
      "Mlx-Gate: auc >= current.auc - 0.01: pass (no version holds the stage; nothing to compare)",
      "Mlx-Previous: none",
    ] {
      #expect(message.contains(trailer), "missing \(trailer)")
    }
    let which = try repo.mlx("registry", "which", "churn%production", "--json").json()
    #expect(which["version"] as? String == "v0.0.1")
    #expect(which["digest"] as? String == (try repo.sha256sum("models/model.bin")))
    #expect(try repo.mlx("audit").succeeded)
  }

  @Test func sshKeygenVerifiesTheSignatureByItself() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("register", "churn", "--version", "v1.0.0").succeeded)
    let object = try repo.git("cat-file", "tag", "churn@v1.0.0")
    let start = try #require(object.range(of: "-----BEGIN SSH SIGNATURE-----"))
    try repo.write(String(object[..<start.lowerBound]), to: "payload")
    try repo.write(String(object[start.lowerBound...]), to: "payload.sig")
    let result = try ProcessRunner.run(
      "/bin/sh",
      [
        "-c",
        "ssh-keygen -Y verify -f .mlx/allowed_signers -I alice@example.com -n git -s payload.sig < payload",
      ],
      in: repo.path)
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("Good \"git\" signature for alice@example.com"))
  }

  @Test func aFailedGateWritesNothingAndReportsEveryCheck() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try fixture.commitModel("weights v2", accuracy: 0.5, auc: 0.6)
    let before = try fixture.tags()
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    let afterDev = try fixture.tags()
    let result = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL  gate accuracy >= 0.9: accuracy = 0.5"))
    #expect(result.stdout.contains("pass  stage order"))
    #expect(result.stderr.contains("refused; no tag was written"))
    #expect(try fixture.tags() == afterDev)
    #expect(afterDev.count == before.count + 2)
  }

  @Test func readsSeeEveryWayGitChangesTags() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    func history() throws -> [String] {
      let events =
        try repo.mlx("registry", "history", "--json").json()["events"] as? [[String: Any]] ?? []
      return events.compactMap { $0["tag"] as? String }
    }
    for stage in ["dev", "staging"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    #expect(try history() == ["churn@v0.0.1", "churn#dev#1", "churn#staging#2"])
    // Deleted with git.
    try repo.git("tag", "-d", "churn#staging#2")
    #expect(try history() == ["churn@v0.0.1", "churn#dev#1"])
    // Created with git (an annotated tag, as GTO writes).
    try repo.run(
      "git", "-c", "tag.gpgSign=false", "tag", "-a", "-m", "again", "churn#staging#3", "HEAD")
    #expect(try history().last == "churn#staging#3")
    // Packed into packed-refs, as clone and gc leave them.
    try repo.git("pack-refs", "--all")
    #expect(try history() == ["churn@v0.0.1", "churn#dev#1", "churn#staging#3"])
    // A loose reference rewritten in place to point at another tag object.
    try repo.run(
      "git", "-c", "tag.gpgSign=false", "tag", "-a", "-m", "moved", "churn#dev#4", "HEAD")
    let other = try repo.git("rev-parse", "refs/tags/churn#staging#3").trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(try history().contains("churn#dev#4"))
    let file = FileHandle(forWritingAtPath: repo.directory(".git/refs/tags/churn#dev#4"))!
    try file.truncate(atOffset: 0)
    try file.write(contentsOf: Data((other + "\n").utf8))
    try file.close()
    // The reference now names the staging tag's object, whose own header says
    // churn#staging#3: a replayed tag, which no read counts and the audit reports.
    let history = try repo.mlx("registry", "history", "--json")
    let events = try history.json()["events"] as? [[String: Any]] ?? []
    #expect(!events.contains { $0["tag"] as? String == "churn#dev#4" })
    #expect(history.stderr.contains("churn#dev#4 (replayed)"), "\(history)")
    let audit = try repo.mlx("audit", "--json").json()["entries"] as? [[String: Any]] ?? []
    #expect(
      audit.first { $0["tag"] as? String == "churn#dev#4" }?["status"] as? String == "replayed")
  }

  @Test func theTaggerIsTheCommitterGitWouldName() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    let ci = ["GIT_COMMITTER_NAME": "Release Bot", "GIT_COMMITTER_EMAIL": "bot@example.com"]
    // The bot's e-mail is not among the allowed signers for Alice's key: the audit would
    // reject the tag, so mlx does not write it.
    let refused = try repo.mlx("register", "churn", environment: ci)
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("not allowed to sign as bot@example.com"), "\(refused)")
    #expect(try fixture.tags().isEmpty)
    // Once the allowed signers let the key sign as the bot, the bot is the tagger.
    let alicePublic = try fixture.keys.read("alice.pub").split(separator: " ").prefix(2).joined(
      separator: " ")
    try repo.write(
      try repo.read(".mlx/allowed_signers") + "bot@example.com namespaces=\"git\" \(alicePublic)\n",
      to: ".mlx/allowed_signers")
    try repo.commitAll("let the release bot sign")
    #expect(try repo.mlx("register", "churn", environment: ci).succeeded)
    let tagger = try repo.git(
      "for-each-ref", "--format=%(taggername) %(taggeremail)", "refs/tags/churn@v0.0.1")
    #expect(
      tagger.trimmingCharacters(in: .whitespacesAndNewlines) == "Release Bot <bot@example.com>")
    #expect(try repo.mlx("audit").succeeded)
  }

  @Test func skippingAStageIsRefused() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let result = try fixture.repo.mlx("promote", "churn", "--to", "staging")
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL  stage order: v0.0.1 must be in dev before staging"))
    #expect(try fixture.tags().isEmpty)
  }

  @Test func anUnauthorisedSignerWritesNothing() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    let before = try fixture.tags()
    let result = try repo.mlx("promote", "churn", "--to", "production", "--key", fixture.mallory)
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL  signer:"))
    #expect(result.stdout.contains("is not allowed to sign as alice@example.com"))
    #expect(try fixture.tags() == before)

    // No key at all is refused too, for a stage that requires a signature.
    try repo.git("config", "--unset", "user.signingkey")
    let unsigned = try repo.mlx("promote", "churn", "--to", "production")
    #expect(unsigned.status == 1)
    #expect(unsigned.stdout.contains("FAIL  signature: production requires a signed tag"))
    #expect(try fixture.tags() == before)
  }

  @Test func relativeGatesCompareWithTheCurrentHolder() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    for stage in ["dev", "staging", "production"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.90)
    for stage in ["dev", "staging"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    let result = try repo.mlx("promote", "churn", "--to", "production")
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("FAIL  gate auc >= current.auc - 0.01: auc = 0.9, current.auc = 0.95"))
  }

  @Test func auditReportsForgedUnsignedAndEditedTags() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    for stage in ["dev", "staging", "production"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    #expect(try repo.mlx("audit").succeeded)
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)

    // 1. Forged: Mallory signs a production tag, claiming to be Alice.
    try repo.run(
      "git", "-c", "user.signingkey=\(fixture.mallory)", "tag", "-s", "-m", "promote",
      "churn#production#10", head)
    // 2. Unsigned production tag.
    try repo.git("tag", "-a", "-m", "promote", "churn#production#11", head)
    // 3. Edited: the message of a signed tag is changed, its signature kept.
    let original = try repo.git("cat-file", "tag", "churn#staging#2")
    let edited = original.replacingOccurrences(
      of: "Promote churn v0.0.1 to staging",
      with: "Promote churn v0.0.1 to staging (approved by the CTO)")
    let mktag = try ProcessRunner.run(
      ProcessRunner.which("git")!, ["mktag"], in: repo.path, input: edited)
    #expect(mktag.succeeded, "\(mktag)")
    try repo.git(
      "tag", "-f", "churn#staging#2", mktag.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

    let result = try repo.mlx("audit", "--json")
    #expect(result.status == 1)
    let entries = try #require(try result.json()["entries"] as? [[String: Any]])
    let status = Dictionary(
      uniqueKeysWithValues: entries.map { ($0["tag"] as! String, $0["status"] as! String) })
    #expect(status["churn#production#10"] == "unauthorised")
    #expect(status["churn#production#11"] == "unsigned")
    #expect(status["churn#staging#2"] == "invalid")
    // With the staging tag altered, nothing shows v0.0.1 held staging: the production tag
    // that followed it is out of order now.
    #expect(status["churn#production#3"] == "order")
    #expect(status["churn@v0.0.1"] == "ok")
    let text = try repo.mlx("audit")
    #expect(text.stdout.contains("FAIL churn#production#11"))
    #expect(text.stdout.contains("the tag was altered after signing"))
  }

  @Test func rollbackUnassignDeregisterAndDeprecate() throws {
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    for stage in ["dev", "staging", "production"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.96)
    for stage in ["dev", "staging", "production"] {
      #expect(try repo.mlx("promote", "churn", "--to", stage).succeeded)
    }
    func holder(_ stage: String) throws -> String? {
      let result = try repo.mlx("registry", "which", "churn#\(stage)", "--json")
      return result.succeeded ? try result.json()["version"] as? String : nil
    }
    #expect(try holder("production") == "v0.0.2")
    let rollback = try repo.mlx("rollback", "churn", "--stage", "production")
    #expect(rollback.succeeded, "\(rollback)")
    #expect(try holder("production") == "v0.0.1")
    #expect(
      try repo.git("cat-file", "-p", "churn#production#7").contains("Mlx-Rollback-From: v0.0.2"))

    #expect(try repo.mlx("unassign", "churn#dev").succeeded)
    #expect(
      try holder("dev") == "v0.0.1",
      "unassigning v0.0.2 leaves v0.0.1's assignment, as GTO reads it")
    #expect(try repo.mlx("deregister", "churn@v0.0.2").succeeded)
    #expect(try fixture.tags().contains("churn@v0.0.2!"))
    let latest = try repo.mlx("registry", "--json").json()["artifacts"] as? [[String: Any]]
    #expect(latest?.first?["latest"] as? String == "v0.0.1")
    #expect(try repo.mlx("deprecate", "churn").succeeded)
    let after = try repo.mlx("promote", "churn", "--to", "dev")
    #expect(after.status == 1)
    #expect(after.stderr.contains("churn is deprecated"))
  }

  @Test func historyAnswersWhatHeldAStageAtAPastTime() throws {
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    // Tags carry times in seconds; commit three promotions with spaced tagger times.
    var times: [String] = []
    for (index, content) in ["w1", "w2", "w3"].enumerated() {
      if index > 0 { try fixture.commitModel(content, accuracy: 0.95, auc: 0.96) }
      let stamp = "2026-01-0\(index + 1)T12:00:00Z"
      #expect(
        try repo.mlx("promote", "churn", "--to", "dev", environment: ["GIT_COMMITTER_DATE": stamp])
          .succeeded)
      times.append(stamp)
    }
    for (index, expected) in ["v0.0.1", "v0.0.2", "v0.0.3"].enumerated() {
      let at = "2026-01-0\(index + 1)T18:00:00Z"
      let which = try repo.mlx("registry", "which", "churn#dev", "--at", at, "--json")
      #expect(try which.json()["version"] as? String == expected, "at \(at): \(which)")
    }
    let early = try repo.mlx("registry", "which", "churn#dev", "--at", "2025-12-31")
    #expect(early.status == 1)
    let history = try repo.mlx("registry", "history", "churn", "--at", "2026-01-02T18:00:00Z")
    #expect(history.stdout.contains("churn dev=v0.0.2"))
  }

  @Test func pushesTheNewTagThroughLibgit2() throws {
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    try withTemporaryDirectory { remote in
      #expect(
        try ProcessRunner.run(
          ProcessRunner.which("git")!, ["init", "-q", "--bare", remote.path], in: remote.path
        ).succeeded)
      try repo.git("remote", "add", "origin", remote.path)
      let result = try repo.mlx("promote", "churn", "--to", "dev", "--push")
      #expect(result.succeeded, "\(result)")
      #expect(result.stdout.contains("Pushed to origin"))
      let tags = try ProcessRunner.run(ProcessRunner.which("git")!, ["tag", "-l"], in: remote.path)
      #expect(tags.stdout.contains("churn#dev#1") && tags.stdout.contains("churn@v0.0.1"))
    }
  }

  @Test func gtoReadsAnMlxRegistryTheSameWay() throws {
    let gto = try #require(ProcessRunner.which("gto"), "GTO is not installed: pip install gto")
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    // GTO orders events by tagger time, in whole seconds; give each event its own minute so
    // both tools see the same order (mlx itself orders stage events by their counters).
    var minute = 0
    func mlx(_ arguments: String...) throws -> ProcessResult {
      minute += 1
      let stamp = String(format: "2026-02-01T10:%02d:00Z", minute)
      return try ProcessRunner.run(
        TestRepository.mlxExecutable, arguments, in: repo.path,
        environment: ["GIT_COMMITTER_DATE": stamp])
    }
    for stage in ["dev", "staging", "production"] {
      #expect(try mlx("promote", "churn", "--to", stage).succeeded)
    }
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.96)
    #expect(try mlx("promote", "churn", "--to", "dev").succeeded)
    #expect(
      try mlx("register", "churn", "--bump", "minor").status != 0, "HEAD is registered already")
    #expect(try mlx("unassign", "churn%staging").succeeded)
    #expect(try mlx("register", "other", "--path", "models/model.bin").succeeded)

    let mlxStates = try #require(
      try repo.mlx("registry", "--json").json()["artifacts"] as? [[String: Any]])
    let show = try ProcessRunner.run(gto, ["show", "--json"], in: repo.path)
    #expect(show.succeeded, "\(show)")
    let gtoStates = try #require(
      try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: [String: Any]])
    #expect(Set(gtoStates.keys) == Set(mlxStates.map { $0["name"] as! String }))
    for state in mlxStates {
      let name = state["name"] as! String
      let theirs = try #require(gtoStates[name])
      #expect(theirs["version"] as? String == state["latest"] as? String, "\(name)")
      let stages = (state["stages"] as? [String: [String: Any]] ?? [:]).mapValues {
        $0["version"] as! String
      }
      #expect(theirs["stage"] as? [String: String] ?? [:] == stages, "\(name)")
    }

    let history = try ProcessRunner.run(gto, ["history", "--json"], in: repo.path)
    #expect(history.succeeded, "\(history)")
    let gtoEvents = try #require(
      try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    let mlxEvents = try #require(
      try repo.mlx("registry", "history", "--json").json()["events"] as? [[String: Any]])
    func key(_ event: [String: Any], tagField: String, kindField: String) -> String {
      [
        event[tagField], event[kindField], event["artifact"], event["version"], event["stage"],
        event["commit"],
      ]
      .map { value in value == nil || value is NSNull ? "-" : "\(value!)" }.joined(separator: "|")
    }
    let theirs = Set(gtoEvents.map { key($0, tagField: "ref", kindField: "event") })
    let ours = Set(mlxEvents.map { key($0, tagField: "tag", kindField: "kind") })
    #expect(theirs == ours)
  }
}
