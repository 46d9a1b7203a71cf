import Foundation
import MLXTestSupport
import Testing

/// A repository with a two-stage shell pipeline (prepare -> train), raw data added by hand,
/// a trained model promoted to staging and production with Alice's SSH key.
private struct LineageFixture {
  let repo: TestRepository
  let keys: TemporaryDirectory
  var mallory: String { keys("mallory") }

  init() throws {
    repo = try TestRepository()
    keys = try TemporaryDirectory(prefix: "mlx-keys")
    for (name, email) in [("alice", "alice@example.com"), ("mallory", "mallory@example.com")] {
      let made = try ProcessRunner.run(
        ProcessRunner.which("ssh-keygen")!,
        ["-q", "-t", "ed25519", "-N", "", "-C", email, "-f", keys(name)],
        in: keys.path)
      guard made.succeeded else { throw TestFailure("ssh-keygen: \(made)") }
    }
    try repo.git("config", "user.name", "Alice")
    try repo.git("config", "user.email", "alice@example.com")
    try repo.git("config", "gpg.format", "ssh")
    try repo.git("config", "user.signingkey", keys("alice"))
    try repo.mlx("init")
    let alice = try keys.read("alice.pub").split(separator: " ").prefix(2).joined(separator: " ")
    try repo.write("alice@example.com namespaces=\"git\" \(alice)\n", to: ".mlx/allowed_signers")
    try repo.write(
      """
      version: 1
      artifacts:
        churn: {path: models/model.bin, type: model}
      stages:
        - name: staging
        - name: production
          after: staging
          signature: required
          signers: [alice@example.com]

      """, to: ".mlx/policy.yaml")
    try repo.write("train:\n  lr: 0.1\n", to: "params.yaml")
    // The model is random bytes (stored raw, uncompressed) behind a marker the tamper test finds.
    try repo.write(
      """
      mkdir -p models
      printf 'MLXMODELMARKER lr=%s ' "$MLX_PARAM_TRAIN_LR" > models/model.bin
      head -c 8192 /dev/urandom >> models/model.bin
      printf '{"accuracy": 0.95}' > metrics.json

      """, to: "train.sh")
    try repo.write(
      """
      stages:
        prepare:
          cmd: mkdir -p data/prepared && cp data/raw.csv data/prepared/clean.csv
          deps: [data/raw.csv]
          outs:
            - data/prepared: {kind: dataset}
        train:
          cmd: sh train.sh
          deps: [train.sh, data/prepared]
          params: [train.lr]
          outs:
            - models/model.bin: {kind: model}
          metrics: [metrics.json]
          role: train

      """, to: "mlx.yaml")
    try repo.write("id,label\n1,0\n2,1\n", to: "data/raw.csv")
    try repo.mlx("add", "data/raw.csv", "--kind", "dataset")
    try commit("pipeline and raw data")
  }

  /// Commits with an early date: the promotions below carry 2026 times, and the policy
  /// this commit brings must already be in force then.
  func commit(_ message: String) throws {
    try repo.commitAll(message)
  }

  /// Trains, commits, and promotes to staging then production.
  func trainAndPromote(at minute: Int = 0) throws {
    let run = try repo.mlx("train")
    guard run.succeeded else { throw TestFailure("train: \(run)") }
    try commit("train")
    for (offset, stage) in ["staging", "production"].enumerated() {
      let stamp = String(format: "2026-03-01T10:%02d:00Z", minute + offset)
      let promoted = try repo.mlx(
        "promote", "churn", "--to", stage, environment: ["GIT_COMMITTER_DATE": stamp])
      guard promoted.succeeded else { throw TestFailure("promote: \(promoted)") }
    }
  }

  func remove() {
    repo.remove()
    keys.remove()
  }

  func lineage(_ arguments: String...) throws -> (result: ProcessResult, graph: [String: Any]) {
    let result = try ProcessRunner.run(
      TestRepository.mlxExecutable, ["lineage"] + arguments + ["--json"], in: repo.path)
    let graph = (try? result.json()) ?? [:]
    return (result, graph)
  }

  static func nodes(_ graph: [String: Any]) -> [[String: Any]] {
    graph["nodes"] as? [[String: Any]] ?? []
  }

  static func breaks(_ graph: [String: Any]) -> [String] {
    (graph["breaks"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "" }
  }

  static func field(_ node: [String: Any], _ name: String) -> String? {
    (node["fields"] as? [[String: String]])?.first { $0["name"] == name }?["value"]
  }
}

@Suite struct LineageCommandTests {
  @Test func productionModelLineageHoldsEveryInputWithItsDigest() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.succeeded, "\(result)")
    #expect(LineageFixture.breaks(graph).isEmpty)
    let nodes = LineageFixture.nodes(graph)
    func digest(of path: String) -> String? {
      nodes.first { LineageFixture.field($0, "path") == path && $0["kind"] as? String != "version" }
        .flatMap { LineageFixture.field($0, "digest") }
    }
    #expect(digest(of: "models/model.bin") == (try repo.sha256sum("models/model.bin")))
    #expect(digest(of: "data/raw.csv") == (try repo.sha256sum("data/raw.csv")))
    #expect(digest(of: "train.sh") == (try repo.sha256sum("train.sh")))
    #expect(digest(of: "data/prepared") != nil)
    let runs = nodes.filter { $0["kind"] as? String == "run" }
    #expect(runs.count == 2, "prepare and train")
    #expect(runs.allSatisfy { LineageFixture.field($0, "code")?.hasSuffix("(clean)") == true })
    let params = nodes.first { $0["kind"] as? String == "params" }
    #expect(params.flatMap { LineageFixture.field($0, "params.yaml: train.lr") } == "0.1")
    let events = nodes.filter { $0["kind"] as? String == "event" }.compactMap {
      $0["title"] as? String
    }
    #expect(Set(events) == ["churn@v0.0.1", "churn#staging#1", "churn#production#2"])
    let raw = nodes.first { LineageFixture.field($0, "path") == "data/raw.csv" }
    #expect(raw.flatMap { LineageFixture.field($0, "origin") } == "added by hand with mlx add")

    let text = try repo.mlx("lineage", "churn%production")
    #expect(text.stdout.contains("Lineage verified"))
    #expect(text.stdout.contains("produced by: ✓ run"))
  }

  // MARK: - Tamper suite

  @Test func changedModelBytesInTheStoreAreDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let packs = fixture.repo.directory(".mlx/cache/packs")
    var flipped = false
    for name in try FileManager.default.contentsOfDirectory(atPath: packs)
    where name.hasSuffix(".pack") {
      var data = try Data(contentsOf: URL(fileURLWithPath: "\(packs)/\(name)"))
      guard let range = data.range(of: Data("MLXMODELMARKER".utf8)) else { continue }
      data[range.upperBound + 20] ^= 0xFF
      try fixture.repo.run("chmod", "u+w", "\(packs)/\(name)")
      try data.write(to: URL(fileURLWithPath: "\(packs)/\(name)"))
      flipped = true
    }
    #expect(flipped)
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("corrupt-object"))
  }

  @Test func anEditedPointerIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let rawDigest = try repo.sha256sum("data/raw.csv")
    let pointer = try repo.read("models/model.bin.mlx")
    let edited = pointer.replacingOccurrences(
      of: try repo.sha256sum("models/model.bin"), with: rawDigest)
    try repo.write(edited, to: "models/model.bin.mlx")
    try fixture.commit("swap the model's pointer")
    let (result, graph) = try fixture.lineage("models/model.bin", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("unproduced-artifact"))
  }

  @Test func anEditedLockFileIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let lock = try repo.read("mlx.lock")
    let model = try repo.sha256sum("models/model.bin")
    let forged = "sha256:" + String(repeating: "a", count: 64)
    try repo.write(lock.replacingOccurrences(of: model, with: forged), to: "mlx.lock")
    try fixture.commit("edit the lock")
    let (result, graph) = try fixture.lineage("models/model.bin", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("lock-mismatch"), "\(graph["breaks"] ?? "")")
  }

  @Test func aDeletedRunRecordIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    for line in try repo.git("for-each-ref", "--format=%(refname)", "refs/mlx/runs").split(
      separator: "\n")
    {
      try repo.git("update-ref", "-d", String(line))
    }
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("missing-run"))
  }

  @Test func anUnsignedProductionTagIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let head = try repo.git("rev-parse", "churn@v0.0.1^{commit}").trimmingCharacters(
      in: .whitespacesAndNewlines)
    try repo.run(
      "git", "-c", "tag.gpgSign=false", "tag", "-a", "-m", "sneaky", "churn#production#9", head)
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("unsigned-promotion"))
  }

  @Test func aTagSignedWithAnUnlistedKeyIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let head = try repo.git("rev-parse", "churn@v0.0.1^{commit}").trimmingCharacters(
      in: .whitespacesAndNewlines)
    try repo.run(
      "git", "-c", "user.signingkey=\(fixture.mallory)", "tag", "-s", "-m", "forged",
      "churn#production#9", head)
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("unauthorised-promotion"))
  }

  @Test func aDirtyTreeRunIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.write("# changed, not committed\n", to: "notes.txt")
    try repo.git("add", "notes.txt")
    try repo.mlx("train")
    try fixture.commit("train on a dirty tree")
    let (result, graph) = try fixture.lineage("models/model.bin", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph).contains("dirty-run"))
  }

  @Test func editParamsAndDataThenTrainThenCommitIsVerified() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.write("train:\n  lr: 0.3\n", to: "params.yaml")
    try repo.write("id,label\n1,1\n2,0\n3,1\n", to: "data/raw.csv")
    try repo.mlx("add", "data/raw.csv")
    try fixture.trainAndPromote()
    let (result, graph) = try fixture.lineage("churn#production", "--strict")
    #expect(result.succeeded, "\(graph["breaks"] ?? "")")
    let raw = LineageFixture.nodes(graph).first {
      LineageFixture.field($0, "path") == "data/raw.csv"
    }
    #expect(
      raw.flatMap { LineageFixture.field($0, "digest") } == (try repo.sha256sum("data/raw.csv")))
  }

  @Test func codeThatRanButWasNeverCommittedIsDetected() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    let original = try repo.read("train.sh")
    try repo.write(original + "echo tweaked >> models/model.bin\n", to: "train.sh")
    try repo.mlx("train")
    try repo.write(original, to: "train.sh")
    try fixture.commit("results of a tweak nobody committed")
    let (result, graph) = try fixture.lineage("models/model.bin", "--strict")
    #expect(result.status == 1)
    #expect(LineageFixture.breaks(graph) == ["input-mismatch"], "\(graph["breaks"] ?? "")")
  }

  // MARK: - Downstream, time travel, formats

  @Test func downstreamFindsEveryModelTrainedOnADatasetAcrossBranches() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try fixture.trainAndPromote()
    try repo.git("checkout", "-q", "-b", "experiment")
    try repo.write("train:\n  lr: 0.5\n", to: "params.yaml")
    try repo.mlx("train")
    try fixture.commit("faster learning rate")
    #expect(try repo.mlx("register", "churn").succeeded)
    try repo.git("checkout", "-q", "main")
    try repo.mlx("checkout", "--force")

    let (result, graph) = try fixture.lineage("data/raw.csv", "--downstream")
    #expect(result.succeeded, "\(result)")
    let versions = LineageFixture.nodes(graph).filter { $0["kind"] as? String == "version" }
      .compactMap { $0["title"] as? String }
    #expect(Set(versions) == ["churn@v0.0.1", "churn@v0.0.2"])
    let events = LineageFixture.nodes(graph).filter { $0["kind"] as? String == "event" }.compactMap
    { $0["title"] as? String }
    #expect(events.contains("churn#production#2"))

    // The walk ends with a summary: runs, stages, and each version with its stages.
    let summary = try #require(graph["summary"] as? [String: Any])
    #expect(summary["runs"] as? Int == 2, "\(summary)")
    let summarised = try #require(summary["versions"] as? [[String: Any]])
    #expect(summarised.compactMap { $0["name"] as? String } == ["churn@v0.0.1", "churn@v0.0.2"])
    #expect(summarised.first?["stages"] as? [String] == ["production", "staging"], "\(summarised)")
    let text = try repo.mlx("lineage", "data/raw.csv", "--downstream")
    #expect(text.stdout.contains("Used by 2 runs (stages "), "\(text)")
    #expect(text.stdout.contains("2 registered versions"), "\(text)")
    #expect(text.stdout.contains("  churn@v0.0.1  production, staging"), "\(text)")
    #expect(text.stdout.contains("  churn@v0.0.2  -"), "\(text)")
  }

  @Test func atAnswersForTheVersionThatHeldTheStageThen() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    for (index, lr) in ["0.1", "0.2", "0.3"].enumerated() {
      try repo.write("train:\n  lr: \(lr)\n", to: "params.yaml")
      try fixture.trainAndPromote(at: index * 10)
    }
    for (index, version) in ["v0.0.1", "v0.0.2", "v0.0.3"].enumerated() {
      let at = String(format: "2026-03-01T10:%02d:30Z", index * 10 + 1)
      let (result, graph) = try fixture.lineage("churn#production", "--at", at)
      #expect(result.succeeded, "\(result)")
      #expect(graph["root"] as? String == "version:churn@\(version)", "at \(at)")
    }
  }

  @Test func dotAndMermaidDescribeTheSameGraph() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let dot = try fixture.repo.mlx("lineage", "churn#production", "--format", "dot")
    #expect(dot.stdout.hasPrefix("digraph lineage {"))
    #expect(dot.stdout.contains("-> ") && dot.stdout.contains("produced by"))
    let mermaid = try fixture.repo.mlx("lineage", "churn#production", "--format", "mermaid")
    #expect(mermaid.stdout.hasPrefix("flowchart LR"))
    #expect(mermaid.stdout.contains("-->|produced by|"))
  }

  @Test func slsaProvenanceValidatesAgainstTheSchemas() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let result = try repo.mlx(
      "lineage", "churn#production", "--format", "slsa", "--output", "provenance.json")
    #expect(result.succeeded, "\(result)")
    try repo.write(ProvenanceSchemas.statement, to: "statement.schema.json")
    try repo.write(ProvenanceSchemas.provenance, to: "provenance.schema.json")
    let check = try ProcessRunner.run(
      "/bin/sh", ["-c", "python3 -c \"\(ProvenanceSchemas.validator)\""], in: repo.path)
    #expect(check.succeeded, "\(check)")
    let statement = try #require(
      try JSONSerialization.jsonObject(with: Data(repo.read("provenance.json").utf8))
        as? [String: Any])
    let subject = try #require((statement["subject"] as? [[String: Any]])?.first)
    #expect(
      (subject["digest"] as? [String: String])?["sha256"]
        == String(try repo.sha256sum("models/model.bin").dropFirst(7)))
    let dependencies =
      ((statement["predicate"] as? [String: Any])?["buildDefinition"] as? [String: Any])?[
        "resolvedDependencies"] as? [[String: Any]] ?? []
    let names = Set(dependencies.compactMap { $0["name"] as? String })
    #expect(names.isSuperset(of: ["source", "data/prepared", "data/raw.csv", "train.sh"]))
  }

  @Test func signedProvenanceIsADSSEEnvelopeAnIndependentVerifierAccepts() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let signed = try repo.mlx(
      "lineage", "churn#production", "--format", "slsa", "--sign", "--output", "envelope.json")
    #expect(signed.succeeded, "\(signed)")
    let verified = try repo.mlx(
      "verify-provenance", "envelope.json", "--artifact", "models/model.bin")
    #expect(verified.succeeded, "\(verified)")
    #expect(verified.stdout.contains("signed by alice@example.com"))

    // securesystemslib, with the key's default keyid, checks the same envelope.
    let script = """
      import base64, json, struct, sys
      from securesystemslib.dsse import Envelope
      from securesystemslib.signer import SSlibKey
      from securesystemslib.signer._utils import compute_default_keyid
      blob = base64.b64decode(open(sys.argv[2]).read().split()[1])
      size = struct.unpack('>I', blob[:4])[0]
      rest = blob[4 + size:]
      raw = rest[4:4 + struct.unpack('>I', rest[:4])[0]]
      keyval = {'public': raw.hex()}
      key = SSlibKey(compute_default_keyid('ed25519', 'ed25519', keyval), 'ed25519', 'ed25519', keyval)
      envelope = Envelope.from_dict(json.load(open(sys.argv[1])))
      envelope.verify([key], 1)
      statement = json.loads(envelope.pae().split(b' ', 4)[4])
      assert statement['_type'] == 'https://in-toto.io/Statement/v1', statement['_type']
      print('verified', statement['subject'][0]['name'])
      """
    try repo.write(script, to: "verify.py")
    let independent = try repo.run(
      "python3", "verify.py", "envelope.json", fixture.keys("alice.pub"))
    #expect(independent.succeeded, "\(independent)")
    #expect(independent.stdout.contains("verified models/model.bin"))

    // An edited payload, or a signature by a key the allowed signers do not list, fails.
    var envelope = try #require(
      try JSONSerialization.jsonObject(with: Data(repo.read("envelope.json").utf8))
        as? [String: Any])
    let payload = String(
      decoding: Data(base64Encoded: envelope["payload"] as! String)!, as: UTF8.self)
    envelope["payload"] = Data(
      payload.replacingOccurrences(of: "models/model.bin", with: "models/other.bin").utf8
    ).base64EncodedString()
    try repo.write(Data(try JSONSerialization.data(withJSONObject: envelope)), to: "edited.json")
    let edited = try repo.mlx("verify-provenance", "edited.json")
    #expect(edited.status == 1)
    #expect(edited.stdout.contains("no signature by a key in the allowed signers"))
    #expect(
      try repo.run("python3", "verify.py", "edited.json", fixture.keys("alice.pub")).status != 0)
    let mallory = try repo.mlx(
      "lineage", "churn#production", "--format", "slsa", "--sign", "--key", fixture.mallory,
      "--output", "mallory.json")
    #expect(mallory.succeeded)
    #expect(mallory.stderr.contains("the signing key is not in the trusted ref's allowed signers"))
    #expect(try repo.mlx("verify-provenance", "mallory.json").status == 1)
    #expect(
      try repo.mlx("verify-provenance", "envelope.json", "--artifact", "train.sh").stdout.contains(
        "is none of the statement's subjects"))
    // Downstream, with only the envelope and the allowed signers: no repository needed.
    try withTemporaryDirectory { outside in
      try outside.write(try repo.read("envelope.json"), to: "envelope.json")
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable,
        [
          "verify-provenance", "envelope.json", "--allowed-signers",
          repo.directory(".mlx/allowed_signers"),
        ], in: outside.path)
      #expect(result.succeeded, "\(result)")
    }
  }

  @Test func auditReportShowsPromotionsAndLineageAsHTML() throws {
    let fixture = try LineageFixture()
    defer { fixture.remove() }
    try fixture.trainAndPromote()
    let repo = fixture.repo
    let result = try repo.mlx("audit", "report", "--html", "audit.html")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("lineage of v0.0.1: complete"))
    let page = try repo.read("audit.html")
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    #expect(page.contains("churn#production#2") && page.contains("No problems found."))
    let json = try repo.mlx("audit", "report", "--json").json()
    #expect((json["artifacts"] as? [[String: Any]])?.first?["name"] as? String == "churn")
    // A report that cannot be written is mlx's own one-line error naming the path given.
    let unwritable = try repo.mlx("audit", "report", "--html", "no/such/dir/audit.html")
    #expect(unwritable.status == 1)
    #expect(unwritable.stderr == "Error: no/such/dir/audit.html: no such file or directory\n")
    let lineage = try repo.mlx("lineage", "churn@v0.0.1", "--output", "no/such/dir/l.txt")
    #expect(lineage.stderr == "Error: no/such/dir/l.txt: no such file or directory\n")
    // The format follows the output's name.
    #expect(try repo.mlx("lineage", "churn@v0.0.1", "--output", "l.json").succeeded)
    #expect(try repo.read("l.json").hasPrefix("{"))
    #expect(try repo.mlx("lineage", "churn@v0.0.1", "--output", "l.dot").succeeded)
    #expect(try repo.read("l.dot").hasPrefix("digraph"))
    let svg = try repo.mlx("lineage", "churn@v0.0.1", "--output", "l.svg")
    if ProcessRunner.which("dot") == nil {
      #expect(svg.status == 1, "a missing tool is an error, not a usage error: \(svg)")
      #expect(svg.stderr.hasPrefix("Error: rendering l.svg needs Graphviz's dot"))
      #expect(!svg.stderr.contains("Usage"))
    } else {
      #expect(svg.succeeded, "\(svg)")
      #expect(try repo.read("l.svg").contains("<svg"))
    }
  }
}

/// JSON Schemas for the in-toto Statement v1 (spec/v1/statement.md, resource_descriptor.md,
/// digest_set.md) and the SLSA Provenance v1 predicate (spec/v1.0/provenance.md), written
/// from the specifications, and a validator run with Python's jsonschema.
enum ProvenanceSchemas {
  static let statement = """
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "required": ["_type", "subject", "predicateType", "predicate"],
      "properties": {
        "_type": {"const": "https://in-toto.io/Statement/v1"},
        "subject": {"type": "array", "minItems": 1,
          "items": {"allOf": [{"$ref": "#/$defs/resource"}, {"required": ["digest"]}]}},
        "predicateType": {"type": "string", "minLength": 1},
        "predicate": {"type": "object"}
      },
      "additionalProperties": false,
      "$defs": {
        "digestSet": {"type": "object", "minProperties": 1,
          "patternProperties": {
            "^(sha224|sha256|sha384|sha512|sha512_224|sha512_256|sha3_224|sha3_256|sha3_384|sha3_512|shake128|shake256|blake2b|blake2s|ripemd160|sm3|gost|sha1|md5|gitCommit|gitTree|gitBlob|gitTag|dirHash)$": {"type": "string", "pattern": "^[a-f0-9]+$"}
          },
          "additionalProperties": false},
        "resource": {"type": "object",
          "properties": {
            "name": {"type": "string"}, "uri": {"type": "string"}, "digest": {"$ref": "#/$defs/digestSet"},
            "content": {"type": "string"}, "downloadLocation": {"type": "string"},
            "mediaType": {"type": "string"}, "annotations": {"type": "object"}
          },
          "additionalProperties": false,
          "anyOf": [{"required": ["uri"]}, {"required": ["digest"]}, {"required": ["content"]}]}
      }
    }
    """

  static let provenance = """
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "required": ["buildDefinition", "runDetails"],
      "additionalProperties": false,
      "properties": {
        "buildDefinition": {"type": "object", "required": ["buildType", "externalParameters"],
          "additionalProperties": false,
          "properties": {
            "buildType": {"type": "string", "minLength": 1},
            "externalParameters": {"type": "object"},
            "internalParameters": {"type": "object"},
            "resolvedDependencies": {"type": "array", "items": {"$ref": "statement.schema.json#/$defs/resource"}}
          }},
        "runDetails": {"type": "object", "required": ["builder"], "additionalProperties": false,
          "properties": {
            "builder": {"type": "object", "required": ["id"], "additionalProperties": false,
              "properties": {
                "id": {"type": "string", "minLength": 1},
                "version": {"type": "object", "additionalProperties": {"type": "string"}},
                "builderDependencies": {"type": "array", "items": {"$ref": "statement.schema.json#/$defs/resource"}}
              }},
            "metadata": {"type": "object", "additionalProperties": false,
              "properties": {
                "invocationId": {"type": "string"},
                "startedOn": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?Z$"},
                "finishedOn": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?Z$"}
              }},
            "byproducts": {"type": "array", "items": {"$ref": "statement.schema.json#/$defs/resource"}}
          }}
      }
    }
    """

  /// Validates provenance.json against both schemas; exits non-zero with the error.
  static let validator = """
    import json, jsonschema, referencing
    statement = json.load(open('statement.schema.json'))
    provenance = json.load(open('provenance.schema.json'))
    registry = referencing.Registry().with_resource('statement.schema.json', referencing.Resource.from_contents(statement))
    document = json.load(open('provenance.json'))
    jsonschema.Draft202012Validator(statement).validate(document)
    assert document['predicateType'] == 'https://slsa.dev/provenance/v1'
    jsonschema.Draft202012Validator(provenance, registry=registry).validate(document['predicate'])
    """
}
