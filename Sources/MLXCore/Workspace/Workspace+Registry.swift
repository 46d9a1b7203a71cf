import Foundation

/// What CI deploys for `NAME#STAGE`: the version, its commit, and the model's digest there.
public struct Deployment: Codable, Sendable, Equatable {
  public let artifact: String
  public let stage: String
  public let version: String
  public let commit: String
  public let tag: String
  public let path: String?
  /// The digest of the artifact's pointer at the commit (from the Git objects).
  public let digest: String?
  /// The run that produced it, from `mlx.lock` at the commit.
  public let run: String?
  /// Whether the assignment passed the audit (always true when a policy is enforced and
  /// `--all` was not given).
  public let verified: Bool
  /// Events of the artifact the read did not count.
  public let skipped: [SkippedEvent]
}

/// What `mlx registry` shows.
public struct RegistryView: Codable, Sendable {
  public let artifacts: [ArtifactState]
  /// Whether only events that pass the audit were counted (a policy on the trusted ref).
  public let verified: Bool
  public let skipped: [SkippedEvent]
}

/// What `mlx registry check-ref` found: the event a tag makes, and its audit.
public struct RefCheck: Encodable, Sendable {
  public let event: RegistryEvent
  public let audit: AuditEntry
  /// Whether a policy is enforced.
  public let enforced: Bool
  /// Whether the policy was read from a trusted ref (not HEAD, for want of one).
  public let policyTrusted: Bool
  /// Whether CI may act on the tag: it passes the audit under a trusted policy, or no policy
  /// is enforced and it is not a replay.
  public var trusted: Bool {
    enforced ? audit.passed && policyTrusted : audit.status != AuditStatus.replayed.rawValue
  }
  public var gto: GTOFormat.CheckRef { GTOFormat.checkRef(event) }
}

/// What `mlx registry history` shows.
public struct RegistryHistoryView: Codable, Sendable {
  public let events: [RegistryEvent]
  public let verified: Bool
  public let skipped: [SkippedEvent]
}

extension Workspace {
  // MARK: - Reading

  /// The current (or past, with `at`) state of every artifact, or of one. With a policy on
  /// the trusted ref only events that pass the audit count, unless `all`.
  public func registry(artifact: String? = nil, at time: Date? = nil, all: Bool = false) throws
    -> RegistryView
  {
    let reading = try registryReading()
    let view: RegistryViewCache.View
    if time == nil, !all, let cached = try currentView(reading) {
      view = cached
    } else {
      let (snapshot, skipped) = try reading.counted(all: all)
      view = RegistryViewCache.View(
        states: snapshot.artifacts.map { snapshot.state(of: $0, at: time) }, skipped: skipped)
    }
    let known = view.states.map(\.name)
    if let artifact, !known.contains(artifact) {
      throw RegistryError.unknownArtifact(artifact, known: known)
    }
    return RegistryView(
      artifacts: view.states.filter { state in artifact.map { state.name == $0 } ?? true },
      verified: reading.history.enforces && !all,
      skipped: view.skipped.filter { entry in artifact.map { entry.artifact == $0 } ?? true })
  }

  /// The registry's state now, over the events that count: from the view cache while nothing
  /// the audit reads changed, else computed (and cached, unless an event is dated in the
  /// future, whose failure lasts only until its time).
  private func currentView(_ reading: RegistryReading) throws -> RegistryViewCache.View? {
    let gitDirectory = repository.gitDirectory
    if let cached = RegistryViewCache.load(gitDirectory: gitDirectory, key: reading.outcomeKey) {
      return cached
    }
    let (snapshot, skipped) = try reading.counted(all: false)
    let view = RegistryViewCache.View(
      states: snapshot.artifacts.map { snapshot.state(of: $0) }, skipped: skipped)
    let horizon = Date().addingTimeInterval(RegistryAuditor.clockSkew)
    if try !reading.snapshot.events.contains(where: { $0.time > horizon }) {
      RegistryViewCache.save(view, key: reading.outcomeKey, gitDirectory: gitDirectory)
    }
    return view
  }

  /// Every counted event in chronological order (up to `at`), for all artifacts or one.
  public func registryHistory(artifact: String? = nil, at time: Date? = nil, all: Bool = false)
    throws
    -> RegistryHistoryView
  {
    let reading = try registryReading()
    let (snapshot, skipped) = try reading.counted(all: all)
    let events = snapshot.events.filter { event in
      (artifact.map { event.artifact == $0 } ?? true) && (time.map { event.time <= $0 } ?? true)
    }
    return RegistryHistoryView(
      events: events, verified: reading.history.enforces && !all,
      skipped: skipped.filter { entry in artifact.map { entry.artifact == $0 } ?? true })
  }

  /// The version in `stage` (now or at `time`), its commit and the model's digest there, as
  /// the Git objects record them.
  public func which(artifact: String, stage: String, at time: Date? = nil, all: Bool = false) throws
    -> Deployment
  {
    let reading = try registryReading()
    let policy = reading.history.current.policy
    let declared = reading.auditor.declaredPath(artifact, policy)
    // Now, over what counts, for a declared artifact: the view cache answers.
    let view = time == nil && !all && declared != nil ? try currentView(reading) : nil
    let state: ArtifactState
    let skipped: [SkippedEvent]
    var snapshot: RegistrySnapshot?
    if let view {
      guard let found = view.states.first(where: { $0.name == artifact }) else {
        throw RegistryError.unknownArtifact(artifact, known: view.states.map(\.name))
      }
      (state, skipped) = (found, view.skipped)
    } else {
      let counted = try reading.counted(all: all)
      guard counted.snapshot.artifacts.contains(artifact) else {
        throw RegistryError.unknownArtifact(artifact, known: counted.snapshot.artifacts)
      }
      (state, skipped, snapshot) = (
        counted.snapshot.state(of: artifact, at: time), counted.skipped, counted.snapshot
      )
    }
    guard let holder = state.stages[stage] else {
      if policy.rule(for: stage) == nil {
        throw RegistryError.unknownStage(stage, known: policy.stages.map(\.name))
      }
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    // An undeclared artifact's path is what the holder's own tag says, not what any later
    // event of an open stage claims.
    let claimed = snapshot?.events.first { $0.tag == holder.tag }?.trailer("Mlx-Path").flatMap {
      RelativePath.isSafe($0) ? $0 : nil
    }
    let path = try declared ?? claimed ?? artifactPath(artifact, reading: reading, given: nil)
    let evidence = try repository.artifactEvidence(path: path, commit: holder.commit)
    let passed = try reading.history.isTrusted && reading.passes(holder.tag)
    return Deployment(
      artifact: artifact, stage: stage, version: holder.version, commit: holder.commit,
      tag: holder.tag, path: path, digest: evidence.digest?.description, run: evidence.run,
      verified: passed, skipped: skipped.filter { $0.artifact == artifact })
  }

  // MARK: - GTO's shapes and CI hook

  /// `gto show --json`'s shape, over the events a read counts.
  public func registryInGTOShape(all: Bool = false) throws -> [String: GTOFormat.Artifact] {
    GTOFormat.show(try registryReading().counted(all: all).snapshot)
  }

  /// `gto history --json`'s shape, over the events a read counts.
  public func historyInGTOShape(artifact: String? = nil, all: Bool = false) throws -> [GTOFormat
    .Event]
  {
    let events = try registryReading().counted(all: all).snapshot.events
    return GTOFormat.history(
      events.filter { event in artifact.map { event.artifact == $0 } ?? true })
  }

  /// What one tag is, as GTO's `check-ref` answers it, with its audit: nil when it is not a
  /// registry tag.
  public func checkRef(_ reference: String) throws -> RefCheck? {
    let name = reference.hasPrefix("refs/tags/") ? String(reference.dropFirst(10)) : reference
    let reading = try registryReading()
    let entries = try reading.audit().entries
    let snapshot = try reading.snapshot
    guard let event = (snapshot.events + snapshot.replayed).first(where: { $0.tag == name }),
      let entry = entries.first(where: { $0.tag == name })
    else {
      // A registry name with no annotated tag behind it (a lightweight tag, or none): under a
      // policy CI must not act on it.
      if RegistryTagName(parsing: name) != nil, reading.history.enforces {
        throw RegistryError.notAnEvent(name)
      }
      return nil
    }
    var resolved = event
    resolved.version = entry.version
    return RefCheck(
      event: resolved, audit: entry, enforced: reading.history.enforces,
      policyTrusted: reading.history.isTrusted)
  }

  /// The artifact's path: given, declared in the trusted policy (or GTO's `artifacts.yaml`),
  /// or, for an undeclared artifact, what its latest event claims (`Mlx-Path`).
  func artifactPath(_ artifact: String, reading: RegistryReading, given: String?) throws -> String?
  {
    if let given { return try repositoryPath(for: given) }
    if let declared = reading.auditor.declaredPath(artifact, reading.history.current.policy) {
      return declared
    }
    // Only events that count may say where the artifact is.
    return try reading.counted(all: false).snapshot.events
      .last { $0.artifact == artifact && $0.trailer("Mlx-Path") != nil }?
      .trailer("Mlx-Path").flatMap { RelativePath.isSafe($0) ? $0 : nil }
  }

  /// The digest the pointer of `path` records at `commit`; nil when there is no valid one.
  func pointerDigest(path: String, commit: String) throws -> ObjectID? {
    try repository.pointerDigest(path: path, commit: commit)
  }

  /// Parses `--at` times: ISO 8601, or a date (midnight UTC).
  public static func parseTime(_ text: String) throws -> Date {
    if let date = Timestamp.parse(text) { return date }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    for format in [
      "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
    ] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    throw RegistryError.unknownTime(text)
  }
}
