import Foundation

/// The registry writes: each drafts its tags, judged as `mlx audit` will, and publishes them
/// only when all pass.
extension RegistryWriter {
  // MARK: - Register

  /// Registers a version of the artifact at `commit`: `NAME@vX.Y.Z`.
  func register(at commit: String, version: String?, bump: SemanticVersion.Part?) throws
    -> RegistryReport
  {
    let registration = try plannedRegistration(at: commit, version: version, bump: bump)
    var report = RegistryReport(
      artifact: artifact, version: registration.description, commit: commit)
    report.notes += pathNote()
    if try reading.counted(all: false).snapshot.state(of: artifact).deprecated {
      report.notes.append(
        "\(artifact) was deprecated; this registration makes it active again, as in GTO")
    }
    try draft(
      .register(registration), commit: commit, summary: "Register \(artifact) \(registration)",
      trailers: try evidenceTrailers(at: commit))
    try publish(into: &report)
    return report
  }

  /// The version a registration at `commit` gets: `version`, or `bump` of the greatest one
  /// any tag ever named (v0.0.1 first).
  private func plannedRegistration(
    at commit: String, version: String?, bump: SemanticVersion.Part?
  ) throws -> SemanticVersion {
    if let existing = state.registered.first(where: { $0.value == commit })?.key {
      throw RegistryError.commitAlreadyRegistered(
        artifact: artifact, commit: commit, version: existing)
    }
    let snapshot = try reading.snapshot
    let taken = Set(
      (snapshot.events + snapshot.replayed)
        .filter {
          $0.artifact == artifact && ($0.kind == .registration || $0.kind == .deregistration)
        }
        .compactMap(\.version))
    if let version {
      guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
      guard !taken.contains(parsed.description) else {
        throw RegistryError.versionExists(artifact: artifact, version: parsed.description)
      }
      return parsed
    }
    // The next version follows the greatest that counts (passes the audit): a squatter's tag
    // cannot push version numbers out of range.
    var next =
      state.explicit.compactMap(SemanticVersion.init).max()?.bumped(bump ?? .patch)
      ?? SemanticVersion(major: 0, minor: 0, patch: 1)
    // A tag of that name that no event counts (one the audit rejects) is passed over too.
    while try taken.contains(next.description)
      || repository.resolveReference(
        "refs/tags/\(RegistryTagName(artifact: artifact, action: .register(next)))") != nil
    {
      next = next.bumped(.patch)
    }
    guard SemanticVersion(next.description) != nil else {
      throw RegistryError.versionTooLarge(next.description)
    }
    return next
  }

  // MARK: - Promote

  /// Assigns `stage` to a version (registering it first when needed). Every check the audit
  /// makes is made first — signature and signer, stage order, gates, approvals — and a
  /// promotion that would fail any writes nothing and reports every check.
  ///
  /// - Parameters:
  ///   - commit: the commit to register when no version is given.
  ///   - notes: notes for the report (the work tree's policy is not the one that judges).
  /// `checkCommit` sees the commit to promote before anything is written (a check the Git
  /// objects cannot answer, such as the content being on a remote).
  func promote(
    version: String?, to stage: String, commit resolveCommit: () throws -> String,
    notes: [String], checkCommit: (String) throws -> Void = { _ in }
  ) throws -> RegistryReport {
    let policy = self.policy.policy
    guard stage.utf8.count <= RegistryTagName.maximumNameLength else {
      throw RegistryError.nameTooLong(stage)
    }
    guard policy.rule(for: stage) != nil else {
      throw RegistryError.unknownStage(stage, known: policy.stages.map(\.name))
    }
    if try reading.counted(all: false).snapshot.state(of: artifact).deprecated {
      throw RegistryError.deprecated(artifact: artifact)
    }
    let commit: String
    let chosen: String
    if let version {
      (commit, chosen) = (try registeredCommit(of: version), version)
    } else {
      commit = try resolveCommit()
      if let existing = state.registered.first(where: { $0.value == commit })?.key {
        chosen = existing
      } else {
        let next = try plannedRegistration(at: commit, version: nil, bump: .patch)
        chosen = next.description
        try draft(
          .register(next), commit: commit, summary: "Register \(artifact) \(next)",
          trailers: try evidenceTrailers(at: commit))
      }
    }
    try checkCommit(commit)
    var report = RegistryReport(artifact: artifact, version: chosen, stage: stage, commit: commit)
    report.previous = state.holder(of: stage)?.version
    if report.previous == chosen {
      throw RegistryError.alreadyInStage(artifact: artifact, version: chosen, stage: stage)
    }
    report.notes += notes + pathNote()
    try draft(
      .assign(stage: stage), commit: commit, summary: "Promote \(artifact) \(chosen) to \(stage)",
      trailers: try evidenceTrailers(at: commit)
        + gateTrailers(stage: stage, commit: commit)
        + [("Mlx-Previous", report.previous ?? "none")])
    try publish(into: &report)
    return report
  }

  /// Gives `stage` back to the version that held it before the current holder, following
  /// the policy's rollback rule; the tag records digest, run and metrics like a promotion.
  func rollback(stage: String) throws -> RegistryReport {
    let state = self.state
    guard let current = state.holder(of: stage), let currentVersion = current.version else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    guard
      let earlier = state.assignments.last(where: { event in
        event.stage == stage && event.version != currentVersion
          && event.version.map { state.registered[$0] != nil || !state.explicit.contains($0) }
            == true
      }), let version = earlier.version
    else { throw RegistryError.noEarlierHolder(artifact: artifact, stage: stage) }
    var report = RegistryReport(
      artifact: artifact, version: version, stage: stage, commit: earlier.commit)
    report.previous = currentVersion
    try draft(
      .assign(stage: stage), commit: earlier.commit,
      summary: "Roll back \(artifact) in \(stage) from \(currentVersion) to \(version)",
      trailers: try evidenceTrailers(at: earlier.commit)
        + [("Mlx-Rollback-From", currentVersion), ("Mlx-Previous", currentVersion)])
    try publish(into: &report)
    return report
  }

  // MARK: - Unassign, deregister, deprecate

  /// Removes `stage` from the version holding it: `NAME#STAGE!#N`.
  func unassign(stage: String) throws -> RegistryReport {
    guard let holder = state.holder(of: stage), let version = holder.version else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    var report = RegistryReport(
      artifact: artifact, version: version, stage: stage, commit: holder.commit)
    report.previous = version
    try draft(
      .unassign(stage: stage), commit: holder.commit,
      summary: "Unassign \(stage) from \(artifact) \(version)",
      trailers: [])
    report.holderAfter = state.holder(of: stage)?.version
    try publish(into: &report)
    return report
  }

  /// Withdraws a registered version: `NAME@vX.Y.Z!`.
  func deregister(version: String) throws -> RegistryReport {
    guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
    let commit = try registeredCommit(of: parsed.description)
    var report = RegistryReport(artifact: artifact, version: parsed.description, commit: commit)
    try draft(
      .deregister(parsed), commit: commit, summary: "Deregister \(artifact) \(parsed)", trailers: []
    )
    try publish(into: &report)
    return report
  }

  /// Retires the artifact: `NAME@deprecated`, at `commit`.
  func deprecate(at commit: String) throws -> RegistryReport {
    guard try reading.snapshot.artifacts.contains(artifact) else {
      throw RegistryError.unknownArtifact(artifact, known: try reading.snapshot.artifacts)
    }
    var report = RegistryReport(artifact: artifact, commit: commit)
    try draft(.deprecate, commit: commit, summary: "Deprecate \(artifact)", trailers: [])
    try publish(into: &report)
    return report
  }
}
