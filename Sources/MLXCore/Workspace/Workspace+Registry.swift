import Foundation

/// What CI deploys for `NAME#STAGE`: the version, its commit, and the model's digest there.
public struct Deployment: Codable, Sendable, Equatable {
  public let artifact: String
  public let stage: String
  public let version: String
  public let commit: String
  public let tag: String
  public let path: String?
  public let digest: String?
  public let run: String?
}

/// What a commit records about an artifact: its pointer's digest, the run that produced it
/// (from `mlx.lock`), and the metrics recorded at that commit.
struct ArtifactEvidence: Sendable {
  var digest: ObjectID?
  var run: String?
  var metrics: [String: ParamValue] = [:]
}

extension Workspace {
  // MARK: - Policy

  /// `.mlx/policy.yaml`, or the default policy (any stage; production needs a signature).
  public func registryPolicy() throws -> RegistryPolicy {
    guard let text = try FileSystem.readTextIfPresent(absolute(RegistryPolicy.path)) else {
      return RegistryPolicy()
    }
    return try RegistryPolicy(parsing: text)
  }

  /// The allowed-signers file the policy names, or Git's `gpg.ssh.allowedSignersFile`.
  func allowedSigners(_ policy: RegistryPolicy) throws -> AllowedSigners {
    var path = absolute(policy.allowedSigners)
    if try FileStatus.of(path) == nil, let configured = try repository.configValue("gpg.ssh.allowedSignersFile") {
      path = configured.hasPrefix("/") ? configured : absolute(configured)
    }
    guard let text = try FileSystem.readTextIfPresent(path) else { return AllowedSigners() }
    return try AllowedSigners(parsing: text, path: display(String(path.dropFirst(root.count + 1))))
  }

  // MARK: - Reading

  func registrySnapshot() throws -> RegistrySnapshot { try RegistrySnapshot.read(repository) }

  /// The current (or past, with `at`) state of every artifact, or of one.
  public func registry(artifact: String? = nil, at time: Date? = nil) throws -> [ArtifactState] {
    let snapshot = try registrySnapshot()
    let names = artifact.map { [$0] } ?? snapshot.artifacts
    if let artifact, !snapshot.artifacts.contains(artifact) {
      throw RegistryError.unknownArtifact(artifact, known: snapshot.artifacts)
    }
    return names.map { snapshot.state(of: $0, at: time) }
  }

  /// Every event in chronological order (up to `at`), for all artifacts or one.
  public func registryHistory(artifact: String? = nil, at time: Date? = nil) throws -> [RegistryEvent] {
    try registrySnapshot().events.filter { event in
      (artifact.map { event.artifact == $0 } ?? true) && (time.map { event.time <= $0 } ?? true)
    }
  }

  /// The version in `stage` (now or at `time`), its commit and the model's digest there.
  public func which(artifact: String, stage: String, at time: Date? = nil) throws -> Deployment {
    let snapshot = try registrySnapshot()
    guard snapshot.artifacts.contains(artifact) else {
      throw RegistryError.unknownArtifact(artifact, known: snapshot.artifacts)
    }
    guard let holder = snapshot.state(of: artifact, at: time).stages[stage] else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    let event = snapshot.events.first { $0.tag == holder.tag }
    let path = try artifactPath(artifact, events: snapshot.events, given: nil)
    let evidence = try self.evidence(path: path, commit: holder.commit)
    return Deployment(
      artifact: artifact, stage: stage, version: holder.version, commit: holder.commit,
      tag: holder.tag, path: path,
      digest: evidence.digest?.description ?? event?.trailer("Mlx-Digest"),
      run: evidence.run ?? event?.trailer("Mlx-Run"))
  }

  /// The artifact's path: given, declared in the policy, or recorded by an earlier event.
  func artifactPath(_ artifact: String, events: [RegistryEvent], given: String?) throws -> String? {
    if let given { return try repositoryPath(for: given) }
    if let declared = try registryPolicy().artifacts[artifact] { return declared.path }
    return events.last { $0.artifact == artifact && $0.trailer("Mlx-Path") != nil }?.trailer("Mlx-Path")
  }

  /// What `commit` records about the artifact at `path`.
  func evidence(path: String?, commit: String) throws -> ArtifactEvidence {
    var evidence = ArtifactEvidence()
    guard let id = GitOID(hex: commit) else { return evidence }
    if let path, let bytes = try repository.file(path + PointerFile.suffix, inCommit: id),
      let pointer = try? PointerFile(parsing: String(decoding: bytes, as: UTF8.self), pointerPath: path)
    {
      evidence.digest = pointer.digest
    }
    if let bytes = try repository.file(LockFile.fileName, inCommit: id),
      let lock = try? LockFile(parsing: String(decoding: bytes, as: UTF8.self))
    {
      for name in lock.stages.keys.sorted() {
        let state = lock.stages[name]!
        if let path, state.outs.contains(where: { $0.path == path }) { evidence.run = state.run }
        for values in state.metrics.values { evidence.metrics.merge(values) { $1 } }
      }
    }
    return evidence
  }

  /// Parses `--at` times: ISO 8601, or a date (midnight UTC).
  public static func parseTime(_ text: String) throws -> Date {
    if let date = Timestamp.parse(text) { return date }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    throw RegistryError.unknownTime(text)
  }
}
