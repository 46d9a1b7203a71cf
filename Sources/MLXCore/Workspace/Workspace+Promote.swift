import Foundation

/// Options shared by the commands that write registry tags.
public struct RegistryWriteOptions: Sendable {
  /// A signing key file overriding `user.signingkey`.
  public var key: String?
  /// A remote (name or URL) to push the new tags to.
  public var push: String?
  /// The artifact's path, for an artifact not declared in `.mlx/policy.yaml`.
  public var path: String?
  public init() {}
}

/// One check of a promotion, as the report shows it.
public struct PromotionCheck: Codable, Sendable, Equatable {
  public let name: String
  public let passed: Bool
  public let detail: String
}

/// What a registry command did.
public struct RegistryReport: Codable, Sendable {
  public var artifact: String
  public var version: String?
  public var stage: String?
  public var commit: String?
  /// Tags written, in order (none when refused).
  public var tags: [String] = []
  /// Every check made, passed or not: the same checks `mlx audit` makes.
  public var checks: [PromotionCheck] = []
  public var accepted = true
  public var signed = false
  public var pushedTo: String?
  /// The version that held the stage before.
  public var previous: String?
  /// Notes for the user (a registration that reactivates a deprecated artifact).
  public var notes: [String] = []
  /// For an unassignment: the version holding the stage afterwards, if any.
  public var holderAfter: String?
}

extension Workspace {
  // MARK: - Register

  /// Registers a version of `artifact` at `revision` (default HEAD): `NAME@vX.Y.Z`.
  public func register(
    _ artifact: String, revision: String?, version: String?, bump: SemanticVersion.Part?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    let commit = try resolveCommit(revision)
    let registration = try plannedRegistration(writer, at: commit, version: version, bump: bump)
    var report = RegistryReport(
      artifact: artifact, version: registration.description, commit: commit)
    report.notes += writer.pathNote()
    if try writer.reading.counted(all: false).snapshot.state(of: artifact).deprecated {
      report.notes.append(
        "\(artifact) was deprecated; this registration makes it active again, as in GTO")
    }
    try writer.draft(
      .register(registration), commit: commit, summary: "Register \(artifact) \(registration)",
      trailers: try writer.evidenceTrailers(at: commit))
    try writer.publish(into: &report)
    return report
  }

  /// The version a registration at `commit` gets: `version`, or `bump` of the greatest one
  /// any tag ever named (v0.0.1 first).
  private func plannedRegistration(
    _ writer: RegistryWriter, at commit: String, version: String?, bump: SemanticVersion.Part?
  ) throws -> SemanticVersion {
    if let existing = writer.state.registered.first(where: { $0.value == commit })?.key {
      throw RegistryError.commitAlreadyRegistered(
        artifact: writer.artifact, commit: commit, version: existing)
    }
    let snapshot = try writer.reading.snapshot
    let taken = Set(
      (snapshot.events + snapshot.replayed)
        .filter {
          $0.artifact == writer.artifact && ($0.kind == .registration || $0.kind == .deregistration)
        }
        .compactMap(\.version))
    if let version {
      guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
      guard !taken.contains(parsed.description) else {
        throw RegistryError.versionExists(artifact: writer.artifact, version: parsed.description)
      }
      return parsed
    }
    // The next version follows the greatest that counts (passes the audit): a squatter's tag
    // cannot push version numbers out of range.
    guard let greatest = writer.state.explicit.compactMap(SemanticVersion.init).max() else {
      return SemanticVersion(major: 0, minor: 0, patch: 1)
    }
    var next = greatest.bumped(bump ?? .patch)
    while taken.contains(next.description) { next = next.bumped(.patch) }
    guard SemanticVersion(next.description) != nil else {
      throw RegistryError.versionTooLarge(next.description)
    }
    return next
  }

  // MARK: - Promote

  /// Assigns `stage` to a version (registering it first when needed). Every check the audit
  /// makes is made first — signature and signer, stage order, gates, approvals — and a
  /// promotion that would fail any writes nothing and reports every check.
  public func promote(
    _ artifact: String, version: String?, to stage: String, revision: String?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    let policy = writer.policy.policy
    guard policy.rule(for: stage) != nil else {
      throw RegistryError.unknownStage(stage, known: policy.stages.map(\.name))
    }
    if try writer.reading.counted(all: false).snapshot.state(of: artifact).deprecated {
      throw RegistryError.deprecated(artifact: artifact)
    }
    let commit: String
    let chosen: String
    if let version {
      (commit, chosen) = (try writer.registeredCommit(of: version), version)
    } else {
      commit = try resolveCommit(revision)
      if let existing = writer.state.registered.first(where: { $0.value == commit })?.key {
        chosen = existing
      } else {
        let next = try plannedRegistration(writer, at: commit, version: nil, bump: .patch)
        chosen = next.description
        try writer.draft(
          .register(next), commit: commit, summary: "Register \(artifact) \(next)",
          trailers: try writer.evidenceTrailers(at: commit))
      }
    }
    var report = RegistryReport(artifact: artifact, version: chosen, stage: stage, commit: commit)
    report.previous = writer.state.holder(of: stage)?.version
    if report.previous == chosen {
      throw RegistryError.alreadyInStage(artifact: artifact, version: chosen, stage: stage)
    }
    report.notes += try workTreePolicyNote(writer) + writer.pathNote()
    try writer.draft(
      .assign(stage: stage), commit: commit, summary: "Promote \(artifact) \(chosen) to \(stage)",
      trailers: try writer.evidenceTrailers(at: commit)
        + writer.gateTrailers(stage: stage, commit: commit)
        + [("Mlx-Previous", report.previous ?? "none")])
    try writer.publish(into: &report)
    return report
  }

  /// Gives `stage` back to the version that held it before the current holder, following
  /// the policy's rollback rule; the tag records digest, run and metrics like a promotion.
  public func rollback(_ artifact: String, stage: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    let state = writer.state
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
    try writer.draft(
      .assign(stage: stage), commit: earlier.commit,
      summary: "Roll back \(artifact) in \(stage) from \(currentVersion) to \(version)",
      trailers: try writer.evidenceTrailers(at: earlier.commit)
        + [("Mlx-Rollback-From", currentVersion), ("Mlx-Previous", currentVersion)])
    try writer.publish(into: &report)
    return report
  }

  // MARK: - Unassign, deregister, deprecate

  /// Removes `stage` from the version holding it: `NAME#STAGE!#N`.
  public func unassign(_ artifact: String, stage: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    guard let holder = writer.state.holder(of: stage), let version = holder.version else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    var report = RegistryReport(
      artifact: artifact, version: version, stage: stage, commit: holder.commit)
    report.previous = version
    try writer.draft(
      .unassign(stage: stage), commit: holder.commit,
      summary: "Unassign \(stage) from \(artifact) \(version)",
      trailers: [])
    report.holderAfter = writer.state.holder(of: stage)?.version
    try writer.publish(into: &report)
    return report
  }

  /// Withdraws a registered version: `NAME@vX.Y.Z!`.
  public func deregister(_ artifact: String, version: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
    let commit = try writer.registeredCommit(of: parsed.description)
    var report = RegistryReport(artifact: artifact, version: parsed.description, commit: commit)
    try writer.draft(
      .deregister(parsed), commit: commit, summary: "Deregister \(artifact) \(parsed)", trailers: []
    )
    try writer.publish(into: &report)
    return report
  }

  /// Retires the artifact: `NAME@deprecated`, at HEAD.
  public func deprecate(_ artifact: String, options: RegistryWriteOptions) throws -> RegistryReport
  {
    let writer = try RegistryWriter(workspace: self, artifact: artifact, options: options)
    guard try writer.reading.snapshot.artifacts.contains(artifact) else {
      throw RegistryError.unknownArtifact(artifact, known: try writer.reading.snapshot.artifacts)
    }
    let commit = try resolveCommit(nil)
    var report = RegistryReport(artifact: artifact, commit: commit)
    try writer.draft(.deprecate, commit: commit, summary: "Deprecate \(artifact)", trailers: [])
    try writer.publish(into: &report)
    return report
  }

  func resolveCommit(_ revision: String?) throws -> String {
    if revision == nil, try repository.headCommit() == nil { throw WorkspaceError.noCommits }
    do {
      return try repository.commit(revision ?? "HEAD").hex
    } catch {
      throw WorkspaceError.unknownRevision(revision: revision ?? "HEAD")
    }
  }

  /// A note when the work tree's policy is not the one that judges: mlx reads the policy
  /// from the trusted ref only.
  func workTreePolicyNote(_ writer: RegistryWriter) throws -> [String] {
    let history = writer.reading.history
    let local = try FileSystem.readTextIfPresent(absolute(RegistryPolicy.path)).map {
      Array($0.utf8)
    }
    var trusted: [UInt8]?
    if let tip = history.tip.flatMap(GitOID.init(hex:)) {
      trusted = try repository.file(RegistryPolicy.path, inCommit: tip)
    }
    guard local != trusted else { return [] }
    let reference = history.trustedRef ?? "HEAD"
    return [
      local == nil
        ? "there is no .mlx/policy.yaml in the work tree, but \(reference) has one: it judges this promotion"
        : "the work tree's .mlx/policy.yaml differs from \(reference)'s, which judges this promotion: commit "
          + "the change there for it to apply"
    ]
  }
}
