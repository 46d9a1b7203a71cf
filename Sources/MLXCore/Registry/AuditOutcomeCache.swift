import Crypto
import Foundation

/// The events that failed the last audit, kept in `.git/mlx/audit-cache` under a digest of
/// everything the audit read, so registry reads with verification on skip the audit when
/// nothing it depends on changed.
///
/// The key covers the mlx version, the trusted ref (its name and tip), every commit where the
/// policy or allowed signers changed, Git's configured allowed-signers file, a shallow
/// clone's boundary (`.git/shallow`), every approval (reference and object) and every
/// registry tag (name and object). Every other input is
/// named by one of these ids: a tagged commit's `mlx.lock` and pointers, a tag's bytes and
/// signature. Any change gives another key and a full audit.
struct AuditOutcomeCache {
  /// A failing event, as reads report it.
  struct Failure: Equatable {
    var tag: String
    var artifact: String
    var status: String
    var problems: [String]
  }

  let key: String
  let failures: [Failure]

  private static let magic = "MLXAUD04"  // 04: data.validated re-checks the data

  static func path(gitDirectory: String) -> String { gitDirectory + "/mlx/audit-cache" }

  /// The digest of the audit's inputs.
  static func key(
    references: [RegistrySnapshot.Reference], history: PolicyHistory, approvals: [Approval],
    fallbackSigners: String?, shallow: String?
  ) -> String {
    var hasher = SHA256()
    func add(_ text: String) {
      hasher.update(data: Array(text.utf8))
      hasher.update(data: [0])
    }
    add("mlx \(MLXVersion.current)")
    add(history.trustedRef ?? "-")
    add(history.isTrusted ? "trusted" : "untrusted")
    add(history.tip ?? "-")
    for version in history.versions { add(version.commit ?? "-") }
    add(fallbackSigners ?? "-")
    // A shallow clone lacks commits the audit looks for; fetching them changes the outcome.
    add(shallow ?? "-")
    for approval in approvals { add(approval.reference + " " + approval.object) }
    add("tags")
    for reference in references { add(reference.reference + " " + reference.object.hex) }
    return hasher.finalize().map { String(($0 >> 4), radix: 16) + String($0 & 15, radix: 16) }
      .joined()
  }

  /// The failures recorded under `key`, or nil when the file holds another key (or none), or
  /// the outcome has expired: an event dated in the future fails only until its time comes.
  static func load(gitDirectory: String, key: String, now: Date = Date()) -> [Failure]? {
    guard let bytes = try? FileSystem.read(path(gitDirectory: gitDirectory)),
      var reader = BinaryReader(sealed: bytes, magic: magic), reader.string() == key,
      let expiry = reader.integer(Int64.self),
      expiry < 0 || Int64(now.timeIntervalSince1970) < expiry
    else { return nil }
    var failures: [Failure] = []
    while !reader.isAtEnd {
      guard let tag = reader.string(), let artifact = reader.string(), let status = reader.string(),
        let count = reader.integer(UInt32.self)
      else { return nil }
      var problems: [String] = []
      for _ in 0..<count {
        guard let problem = reader.string() else { return nil }
        problems.append(problem)
      }
      failures.append(Failure(tag: tag, artifact: artifact, status: status, problems: problems))
    }
    return failures
  }

  /// Records the failures of a full audit (atomically, without fsync: it can be rebuilt),
  /// valid until `expiry` when given.
  static func save(_ failures: [Failure], key: String, expiry: Date?, gitDirectory: String) {
    var writer = BinaryWriter(magic: magic)
    writer.string(key)
    writer.integer(expiry.map { Int64($0.timeIntervalSince1970) } ?? -1)
    for failure in failures {
      writer.string(failure.tag)
      writer.string(failure.artifact)
      writer.string(failure.status)
      writer.integer(UInt32(failure.problems.count))
      for problem in failure.problems { writer.string(problem) }
    }
    let path = path(gitDirectory: gitDirectory)
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    // Sealed: a cut file must not read as fewer failures.
    try? FileSystem.write(writer.sealed, atomicallyTo: path, durable: false)
  }
}

/// What commits record about artifacts (pointer digest, run, metrics), kept in
/// `.git/mlx/evidence-cache` by commit id and path: a commit's content never changes, so an
/// entry never goes stale.
struct EvidenceCache {
  private(set) var entries: [String: ArtifactEvidence] = [:]
  private var added = false
  private let path: String

  // 03: `data.validated` re-checks the data against its schema (02 believed mlx.lock).
  private static let magic = "MLXEVD03"

  init(gitDirectory: String) {
    path = gitDirectory + "/mlx/evidence-cache"
    guard let bytes = try? FileSystem.read(path),
      var reader = BinaryReader(bytes, magic: Self.magic)
    else { return }
    var loaded: [String: ArtifactEvidence] = [:]
    while !reader.isAtEnd {
      guard let key = reader.string(), let digest = reader.string(), let run = reader.string(),
        digest.isEmpty || ObjectID(parsing: digest) != nil, let metrics = reader.string(),
        let values = try? JSONDecoder().decode([String: ParamValue].self, from: Data(metrics.utf8)),
        let computedText = reader.string(),
        let computed = try? JSONDecoder().decode(
          [String: ComputedMetric.Outcome].self, from: Data(computedText.utf8))
      else { return }
      loaded[key] = ArtifactEvidence(
        digest: ObjectID(parsing: digest), run: run.isEmpty ? nil : run, metrics: values,
        computed: computed)
    }
    entries = loaded
  }

  static func key(path: String?, commit: String) -> String { commit + "\u{0}" + (path ?? "") }

  mutating func record(_ evidence: ArtifactEvidence, for key: String) {
    entries[key] = evidence
    added = true
  }

  mutating func save() {
    guard added else { return }
    var writer = BinaryWriter(magic: Self.magic)
    for (key, evidence) in entries {
      writer.string(key)
      writer.string(evidence.digest?.description ?? "")
      writer.string(evidence.run ?? "")
      let metrics = (try? JSONEncoder().encode(evidence.metrics)).map {
        String(decoding: $0, as: UTF8.self)
      }
      writer.string(metrics ?? "{}")
      let sorted = JSONEncoder()
      sorted.outputFormatting = .sortedKeys
      let computed = (try? sorted.encode(evidence.computed)).map {
        String(decoding: $0, as: UTF8.self)
      }
      writer.string(computed ?? "{}")
    }
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    try? FileSystem.write(writer.bytes, atomicallyTo: path, durable: false)
    added = false
  }
}

/// What `mlx registry` shows by default — every artifact's state over the events that count,
/// and the events skipped — kept in `.git/mlx/registry-view-cache` under the audit's key, so a
/// read that finds nothing changed lists the tags and hashes their names, and reads no tag
/// object at all.
enum RegistryViewCache {
  struct View: Codable {
    var states: [ArtifactState]
    var skipped: [SkippedEvent]
  }

  private static let magic = "MLXVIW02"  // 02: data.validated re-checks the data

  static func path(gitDirectory: String) -> String { gitDirectory + "/mlx/registry-view-cache" }

  static func load(gitDirectory: String, key: String) -> View? {
    guard let bytes = try? FileSystem.read(path(gitDirectory: gitDirectory)),
      var reader = BinaryReader(bytes, magic: magic), reader.string() == key,
      let json = reader.string()
    else { return nil }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .secondsSince1970
    return try? decoder.decode(View.self, from: Data(json.utf8))
  }

  static func save(_ view: View, key: String, gitDirectory: String) {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .secondsSince1970
    guard let json = try? encoder.encode(view) else { return }
    var writer = BinaryWriter(magic: magic)
    writer.string(key)
    writer.string(String(decoding: json, as: UTF8.self))
    let path = path(gitDirectory: gitDirectory)
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    try? FileSystem.write(writer.bytes, atomicallyTo: path, durable: false)
  }
}
