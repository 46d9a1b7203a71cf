import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// A `.git` directory of its own for a cache test; the caches live in its `mlx/` folder.
private func withGitDirectory(_ body: (TemporaryDirectory, String) throws -> Void) throws {
  try withTemporaryDirectory { directory in try body(directory, directory(".git")) }
}

private func readCache(_ name: String, in directory: TemporaryDirectory) throws -> [UInt8] {
  try FileSystem.read(directory(".git/mlx/\(name)"))
}

private func writeCache(
  _ bytes: [UInt8], _ name: String, in directory: TemporaryDirectory
) throws {
  try directory.write(Data(bytes), to: ".git/mlx/\(name)")
}

@Suite struct RegistryCacheFormatTests {
  static let object = GitFixture.a.hex
  static let entry = RegistryCache.Entry(
    target: GitFixture.b.hex, targetType: "commit", name: "churn@v1.2.0",
    tagger: GitIdentity(name: "Ann Lee", email: "ann@example.com"), time: 1_767_225_600,
    offsetMinutes: -300, message: "Register churn v1.2.0\n\nMlx-Event: registration\n")

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXRGC02")
    for text in [
      object, GitFixture.b.hex, "commit", "churn@v1.2.0", "Ann Lee", "ann@example.com",
      "Register churn v1.2.0\n\nMlx-Event: registration\n",
    ] {
      bytes.string(text)
    }
    bytes.i64(1_767_225_600)
    bytes.i64(-300)
    return bytes.bytes
  }()

  @Test func encodesToTheDocumentedBytes() throws {
    #expect(RegistryCache.encode([Self.object: Self.entry]) == Self.documented)
    try withGitDirectory { directory, git throws in
      RegistryCache.save([Self.object: Self.entry], gitDirectory: git)
      #expect(try readCache("registry-cache", in: directory) == Self.documented)
    }
  }

  @Test func decodesTheDocumentedBytes() throws {
    #expect(RegistryCache.decode(Self.documented) == [Self.object: Self.entry])
    #expect(RegistryCache.decode(Array("MLXRGC02".utf8)) == [:])
    try withGitDirectory { directory, git throws in
      try writeCache(Self.documented, "registry-cache", in: directory)
      #expect(RegistryCache.load(gitDirectory: git).entries == [Self.object: Self.entry])
    }
  }

  /// Damage decodes as nil, and the file loads as an empty cache: tags are read again.
  @Test func damagedBytesAreIgnored() throws {
    let good = Self.documented
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 1),
      FormatFixture.flipping(good, at: 11),
    ]
    for bytes in damaged {
      #expect(RegistryCache.decode(bytes) == nil)
    }
    try withGitDirectory { directory, git throws in
      try writeCache(Array(good.dropLast()), "registry-cache", in: directory)
      #expect(RegistryCache.load(gitDirectory: git).entries.isEmpty)
    }
  }
}

@Suite struct SignatureCacheFormatTests {
  /// An Ed25519 key as OpenSSH writes it: `ssh-ed25519 ` and the base64 of the SSH blob
  /// (big-endian length-prefixed `ssh-ed25519` and the 32 key bytes).
  static let raw = FormatFixture.counting(from: 0x40)
  static let keyText: String = {
    var blob: [UInt8] = [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32]
    blob += raw
    return "ssh-ed25519 " + Data(blob).base64EncodedString()
  }()
  static let key = OpenSSHPublicKey(raw: raw)
  static let valid = SignatureVerdict(
    status: .valid, format: "ssh", fingerprint: "SHA256:fingerprint", key: key)
  static let invalid = SignatureVerdict(
    status: .invalid, format: "ssh", fingerprint: "SHA256:other",
    detail: "the signature does not match the tag's content")

  static func entry(
    _ bytes: inout DocumentedBytes, _ object: String, _ status: String, _ fingerprint: String,
    _ detail: String, key: Int32
  ) {
    for text in [object, status, fingerprint, detail] { bytes.string(text) }
    bytes.i32(key)
  }

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXSIG02")
    bytes.u32(1)
    bytes.string(keyText)
    entry(&bytes, GitFixture.a.hex, "valid", "SHA256:fingerprint", "", key: 0)
    return bytes.bytes
  }()

  static func withInvalid(key: Int32 = -1, status: String = "invalid") -> [UInt8] {
    var bytes = DocumentedBytes()
    bytes.raw(documented)
    Self.entry(
      &bytes, GitFixture.b.hex, status, "SHA256:other",
      "the signature does not match the tag's content", key: key)
    return bytes.bytes
  }

  @Test func encodesToTheDocumentedBytes() throws {
    #expect(Self.key.openSSHText == Self.keyText)
    #expect(SignatureCache.encode([GitFixture.a.hex: Self.valid]) == Self.documented)
    var noKeys = DocumentedBytes(magic: "MLXSIG02")
    noKeys.u32(0)
    Self.entry(
      &noKeys, GitFixture.b.hex, "invalid", "SHA256:other",
      "the signature does not match the tag's content", key: -1)
    #expect(SignatureCache.encode([GitFixture.b.hex: Self.invalid]) == noKeys.bytes)
    try withGitDirectory { directory, git throws in
      var cache = SignatureCache.load(gitDirectory: git)
      cache.record(Self.valid, for: GitFixture.a.hex)
      cache.save(keeping: [GitFixture.a.hex])
      #expect(try readCache("signature-cache", in: directory) == Self.documented)
    }
  }

  @Test func decodesTheDocumentedBytes() throws {
    #expect(
      SignatureCache.decode(Self.withInvalid())
        == [GitFixture.a.hex: Self.valid, GitFixture.b.hex: Self.invalid])
    try withGitDirectory { directory, git throws in
      try writeCache(Self.documented, "signature-cache", in: directory)
      #expect(SignatureCache.load(gitDirectory: git).verdicts == [GitFixture.a.hex: Self.valid])
    }
  }

  @Test func damagedBytesAreIgnored() throws {
    let good = Self.documented
    let damaged: [[UInt8]] = [
      Array(good.prefix(11)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 0),
      // The key's text no longer parses.
      FormatFixture.flipping(good, at: 16),
      Self.withInvalid(key: 1),
      Self.withInvalid(key: -2),
      Self.withInvalid(status: "bogus"),
      // A valid signature must name its key.
      Self.withInvalid(key: -1, status: "valid"),
    ]
    for bytes in damaged {
      #expect(SignatureCache.decode(bytes) == nil)
    }
    try withGitDirectory { directory, git throws in
      try writeCache(Array(good.dropLast()), "signature-cache", in: directory)
      #expect(SignatureCache.load(gitDirectory: git).verdicts.isEmpty)
    }
  }
}

@Suite struct AuditCacheFormatTests {
  static let key = String(repeating: "5e", count: 32)
  static let expiry = Date(timeIntervalSince1970: 1_767_225_600)
  static let failures = [
    AuditOutcomeCache.Failure(
      tag: "churn@v1.2.0", artifact: "churn", status: "fail",
      problems: ["unsigned tag", "no approval"]),
    AuditOutcomeCache.Failure(tag: "churn#prod#1", artifact: "churn", status: "warn", problems: []),
  ]

  static func documented(expiry: Int64) -> [UInt8] {
    var bytes = DocumentedBytes(magic: "MLXAUD04")
    bytes.string(key)
    bytes.i64(expiry)
    for (tag, status, problems) in [
      ("churn@v1.2.0", "fail", ["unsigned tag", "no approval"]), ("churn#prod#1", "warn", []),
    ] {
      bytes.string(tag)
      bytes.string("churn")
      bytes.string(status)
      bytes.u32(UInt32(problems.count))
      for problem in problems { bytes.string(problem) }
    }
    bytes.sha256OfAllBefore()
    return bytes.bytes
  }

  @Test func encodesToTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      AuditOutcomeCache.save(Self.failures, key: Self.key, expiry: Self.expiry, gitDirectory: git)
      #expect(try readCache("audit-cache", in: directory) == Self.documented(expiry: 1_767_225_600))
      AuditOutcomeCache.save(Self.failures, key: Self.key, expiry: nil, gitDirectory: git)
      #expect(try readCache("audit-cache", in: directory) == Self.documented(expiry: -1))
    }
  }

  @Test func decodesTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      let before = Date(timeIntervalSince1970: 1_767_225_599)
      try writeCache(Self.documented(expiry: 1_767_225_600), "audit-cache", in: directory)
      #expect(
        AuditOutcomeCache.load(gitDirectory: git, key: Self.key, now: before) == Self.failures)
      // Expired from the expiry's second on; under another key, nothing.
      #expect(AuditOutcomeCache.load(gitDirectory: git, key: Self.key, now: Self.expiry) == nil)
      #expect(AuditOutcomeCache.load(gitDirectory: git, key: "other", now: before) == nil)
      try writeCache(Self.documented(expiry: -1), "audit-cache", in: directory)
      #expect(
        AuditOutcomeCache.load(gitDirectory: git, key: Self.key, now: .distantFuture)
          == Self.failures)
    }
  }

  /// The failures have no count, so the file is sealed: cut between two failures (and
  /// re-sealed or not), it never reads as fewer failures.
  @Test func aFileCutBetweenFailuresIsNotReadAsFewerFailures() throws {
    let whole = Self.documented(expiry: -1)
    var last = DocumentedBytes()
    for text in ["churn#prod#1", "churn", "warn"] { last.string(text) }
    last.u32(0)
    let cut = Array(whole.dropLast(32 + last.bytes.count))
    try withGitDirectory { directory, git throws in
      try writeCache(cut, "audit-cache", in: directory)
      #expect(AuditOutcomeCache.load(gitDirectory: git, key: Self.key) == nil)
      try writeCache(cut + Array(whole.suffix(32)), "audit-cache", in: directory)
      #expect(AuditOutcomeCache.load(gitDirectory: git, key: Self.key) == nil)
    }
  }

  /// A problem may hold a newline; it comes back as written.
  @Test func problemsComeBackAsWritten() throws {
    let failure = AuditOutcomeCache.Failure(
      tag: "t", artifact: "a", status: "mismatch", problems: ["line one\nline two", ""])
    try withGitDirectory { _, git throws in
      AuditOutcomeCache.save([failure], key: Self.key, expiry: nil, gitDirectory: git)
      #expect(AuditOutcomeCache.load(gitDirectory: git, key: Self.key) == [failure])
    }
  }

  /// Damage loads as nil: the audit runs again.
  @Test func damagedBytesAreIgnored() throws {
    let good = Self.documented(expiry: -1)
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.prefix(8 + 4 + 64 + 4)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 4),
      FormatFixture.flipping(good, at: 20),
    ]
    try withGitDirectory { directory, git throws in
      for bytes in damaged {
        try writeCache(bytes, "audit-cache", in: directory)
        #expect(AuditOutcomeCache.load(gitDirectory: git, key: Self.key) == nil)
      }
    }
  }
}

@Suite struct EvidenceCacheFormatTests {
  static let key = EvidenceCache.key(path: "models/churn", commit: GitFixture.c.hex)
  static let evidence = ArtifactEvidence(
    digest: FormatFixture.objectID(PackFixture.hello), run: "20261122-101500-3f2a9c1e",
    metrics: ["accuracy": .double(0.25)],
    computed: ["data.validated": .init(value: 1, detail: "stage 'train' validated d.csv")])

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXEVD03")
    bytes.string(GitFixture.c.hex + "\u{0}models/churn")
    bytes.string("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    bytes.string("20261122-101500-3f2a9c1e")
    bytes.string(#"{"accuracy":0.25}"#)
    bytes.string(#"{"data.validated":{"detail":"stage 'train' validated d.csv","value":1}}"#)
    return bytes.bytes
  }()

  /// An entry for a commit without the artifact: empty digest and run, no metrics.
  static let empty: [UInt8] = {
    var bytes = DocumentedBytes()
    for text in [GitFixture.d.hex + "\u{0}", "", "", "{}", "{}"] { bytes.string(text) }
    return bytes.bytes
  }()

  @Test func encodesToTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      var cache = EvidenceCache(gitDirectory: git)
      cache.record(Self.evidence, for: Self.key)
      cache.save()
      #expect(try readCache("evidence-cache", in: directory) == Self.documented)
      var other = EvidenceCache(gitDirectory: directory("other"))
      other.record(ArtifactEvidence(), for: EvidenceCache.key(path: nil, commit: GitFixture.d.hex))
      other.save()
      #expect(
        try FileSystem.read(directory("other/mlx/evidence-cache"))
          == Array("MLXEVD03".utf8) + Self.empty)
    }
  }

  @Test func decodesTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      try writeCache(Self.documented + Self.empty, "evidence-cache", in: directory)
      #expect(
        EvidenceCache(gitDirectory: git).entries
          == [Self.key: Self.evidence, GitFixture.d.hex + "\u{0}": ArtifactEvidence()])
    }
  }

  /// Damage anywhere loads as an empty cache: the commits are read again.
  @Test func damagedBytesAreIgnored() throws {
    let good = Self.documented + Self.empty
    var badJSON = DocumentedBytes(magic: "MLXEVD03")
    for text in [Self.key, "", "", "{}", "{"] { badJSON.string(text) }
    var badDigest = DocumentedBytes(magic: "MLXEVD03")
    for text in [Self.key, "sha256:2cf2", "", "{}", "{}"] { badDigest.string(text) }
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 0),
      badJSON.bytes,
      badDigest.bytes,
    ]
    try withGitDirectory { directory, git throws in
      for bytes in damaged {
        try writeCache(bytes, "evidence-cache", in: directory)
        #expect(EvidenceCache(gitDirectory: git).entries.isEmpty)
      }
    }
  }
}

@Suite struct RegistryViewCacheFormatTests {
  static let key = String(repeating: "5e", count: 32)
  static let failure = AuditOutcomeCache.Failure(
    tag: "churn@v1.2.0", artifact: "churn", status: "fail", problems: ["unsigned tag"])
  static let json =
    #"{"states":[],"skipped":[{"tag":"churn@v1.2.0","artifact":"churn","status":"fail","#
    + #""problems":["unsigned tag"]}]}"#

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXVIW02")
    bytes.string(key)
    bytes.string(json)
    return bytes.bytes
  }()

  /// The JSON is written by `JSONEncoder` without sorted keys, so the order of the keys of a
  /// JSON object varies between processes: everything else is compared byte for byte, the JSON
  /// as a value.
  @Test func encodesToTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      let view = RegistryViewCache.View(states: [], skipped: [SkippedEvent(Self.failure)])
      RegistryViewCache.save(view, key: Self.key, gitDirectory: git)
      let bytes = try readCache("registry-view-cache", in: directory)
      var header = DocumentedBytes(magic: "MLXVIW02")
      header.string(Self.key)
      header.u32(UInt32(Self.json.utf8.count))
      #expect(Array(bytes.prefix(header.bytes.count)) == header.bytes)
      #expect(bytes.count == header.bytes.count + Self.json.utf8.count)
      let json = Data(bytes.dropFirst(header.bytes.count))
      let written = try JSONSerialization.jsonObject(with: json) as? NSDictionary
      let documented = try JSONSerialization.jsonObject(with: Data(Self.json.utf8)) as? NSDictionary
      #expect(written != nil && written == documented)
    }
  }

  @Test func decodesTheDocumentedBytes() throws {
    try withGitDirectory { directory, git throws in
      try writeCache(Self.documented, "registry-view-cache", in: directory)
      let view = try #require(RegistryViewCache.load(gitDirectory: git, key: Self.key))
      #expect(view.states.isEmpty)
      #expect(view.skipped == [SkippedEvent(Self.failure)])
      #expect(RegistryViewCache.load(gitDirectory: git, key: "other") == nil)
      // Nothing is read after the JSON: bytes there are not noticed.
      try writeCache(Self.documented + [0], "registry-view-cache", in: directory)
      #expect(RegistryViewCache.load(gitDirectory: git, key: Self.key) != nil)
    }
  }

  @Test func damagedBytesAreIgnored() throws {
    let good = Self.documented
    var badJSON = DocumentedBytes(magic: "MLXVIW02")
    badJSON.string(Self.key)
    badJSON.string(#"{"states":[]}"#)
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.dropLast()),
      FormatFixture.flipping(good, at: 0),
      FormatFixture.flipping(good, at: good.count - 2),
      badJSON.bytes,
    ]
    try withGitDirectory { directory, git throws in
      for bytes in damaged {
        try writeCache(bytes, "registry-view-cache", in: directory)
        #expect(RegistryViewCache.load(gitDirectory: git, key: Self.key) == nil)
      }
    }
  }
}

@Suite struct PolicyCacheFormatTests {
  static let points = [
    PolicyPoints.Point(
      commit: GitFixture.a, time: 1_767_225_600, policy: GitFixture.b,
      signersPath: ".mlx/allowed_signers", signers: GitFixture.c),
    PolicyPoints.Point(
      commit: GitFixture.d, time: -1, policy: nil, signersPath: ".mlx/allowed_signers",
      signers: nil),
  ]

  static func point(
    _ bytes: inout DocumentedBytes, _ commit: String, _ time: Int64, _ policy: String,
    _ signers: String
  ) {
    bytes.string(commit)
    bytes.i64(time)
    bytes.string(policy)
    bytes.string(".mlx/allowed_signers")
    bytes.string(signers)
  }

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXPOL02")
    bytes.string(GitFixture.d.hex)
    point(&bytes, GitFixture.a.hex, 1_767_225_600, GitFixture.b.hex, GitFixture.c.hex)
    point(&bytes, GitFixture.d.hex, -1, "", "")
    bytes.sha256OfAllBefore()
    return bytes.bytes
  }()

  @Test func encodesToTheDocumentedBytes() {
    #expect(PolicyPoints.encode(tip: GitFixture.d, points: Self.points) == Self.documented)
  }

  @Test func decodesTheDocumentedBytes() throws {
    let decoded = try #require(PolicyPoints.decode(Self.documented))
    #expect(decoded.tip == GitFixture.d)
    #expect(decoded.points == Self.points)
  }

  /// Damage decodes as nil; the trusted ref's history is then walked again. A policy or
  /// allowed-signers id that is not an object id is damage, never "no policy".
  @Test func damagedBytesDecodeAsNil() {
    GitFixture.initializeLibgit2()
    let good = Self.documented
    var badPolicy = DocumentedBytes(magic: "MLXPOL02")
    badPolicy.string(GitFixture.d.hex)
    Self.point(&badPolicy, GitFixture.a.hex, 0, "not an object id", "")
    badPolicy.sha256OfAllBefore()
    var badSigners = DocumentedBytes(magic: "MLXPOL02")
    badSigners.string(GitFixture.d.hex)
    Self.point(&badSigners, GitFixture.a.hex, 0, "", String(repeating: "z", count: 40))
    badSigners.sha256OfAllBefore()
    // Cut after the first point and sealed again by hand: still whole, so it reads; cut and
    // not sealed again: absent.
    var firstOnly = DocumentedBytes(magic: "MLXPOL02")
    firstOnly.string(GitFixture.d.hex)
    Self.point(&firstOnly, GitFixture.a.hex, 1_767_225_600, GitFixture.b.hex, GitFixture.c.hex)
    let cut = firstOnly.bytes
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.prefix(8 + 4 + 39)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 0),
      // A tip digit that is not hex.
      FormatFixture.flipping(good, at: 12),
      badPolicy.bytes,
      badSigners.bytes,
      cut,
      cut + Array(good.suffix(32)),
    ]
    for bytes in damaged {
      #expect(PolicyPoints.decode(bytes) == nil)
    }
  }
}
