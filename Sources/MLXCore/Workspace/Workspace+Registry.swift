import Foundation

extension Workspace {
  // MARK: - Reading

  /// The current (or past, with `at`) state of every artifact, or of one. With a policy on
  /// the trusted ref only events that pass the audit count, unless `all`.
  public func registry(artifact: String? = nil, at time: Date? = nil, all: Bool = false) throws
    -> RegistryView
  {
    let reading = try registryReading()
    let view: RegistryViewCache.View
    if time == nil, !all {
      view = try reading.currentView()
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
    let view = time == nil && !all && declared != nil ? try reading.currentView() : nil
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
    return try registryReading().check(tag: name)
  }

  /// The artifact's path: given, declared in the trusted policy (or GTO's `artifacts.yaml`),
  /// or, for an undeclared artifact, what its latest event claims (`Mlx-Path`).
  func artifactPath(_ artifact: String, reading: RegistryReading, given: String?) throws -> String?
  {
    if let given { return try repositoryPath(for: given) }
    return try reading.path(of: artifact)
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
