import Foundation

extension Workspace {
  // MARK: - Registry writes (each in RegistryWriter+Events.swift)

  /// Registers a version of `artifact` at `revision` (default HEAD): `NAME@vX.Y.Z`.
  public func register(
    _ artifact: String, revision: String?, version: String?, bump: SemanticVersion.Part?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    let writer = try registryWriter(artifact, options: options)
    return try writer.register(at: try resolveCommit(revision), version: version, bump: bump)
  }

  /// Assigns `stage` to a version (registering `revision` first when no version is given).
  /// Every check the audit makes is made first, and a promotion that would fail any writes
  /// nothing and reports every check.
  public func promote(
    _ artifact: String, version: String?, to stage: String, revision: String?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    let writer = try registryWriter(artifact, options: options)
    let requiresRemote = writer.policy.policy.rule(for: stage)?.requiresContentOnRemote ?? false
    return try writer.promote(
      version: version, to: stage, commit: { try self.resolveCommit(revision) },
      notes: try workTreePolicyNote(writer),
      checkCommit: { commit in
        if requiresRemote {
          try self.checkPushed(artifact, at: commit, writer: writer, stage: stage)
        }
      })
  }

  /// For a stage whose policy says `remote: required`: the artifact's content at `commit`
  /// must be on the default remote, checked from its listing and indexes.
  private func checkPushed(
    _ artifact: String, at commit: String, writer: RegistryWriter, stage: String
  ) throws {
    guard let path = try artifactPath(artifact, reading: writer.reading, given: nil),
      let digest = try repository.artifactEvidence(path: path, commit: commit).digest
    else { return }
    let remote = try openRemote(nil)
    guard try remote.catalog().contains(digest) else {
      throw RemoteError.notPushed(
        path: path, commit: String(commit.prefix(7)), remote: remote.spec.name, stage: stage)
    }
  }

  /// Gives `stage` back to the version that held it before the current holder.
  public func rollback(_ artifact: String, stage: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    try registryWriter(artifact, options: options).rollback(stage: stage)
  }

  /// Removes `stage` from the version holding it: `NAME#STAGE!#N`.
  public func unassign(_ artifact: String, stage: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    try registryWriter(artifact, options: options).unassign(stage: stage)
  }

  /// Withdraws a registered version: `NAME@vX.Y.Z!`.
  public func deregister(_ artifact: String, version: String, options: RegistryWriteOptions) throws
    -> RegistryReport
  {
    try registryWriter(artifact, options: options).deregister(version: version)
  }

  /// Retires the artifact: `NAME@deprecated`, at HEAD.
  public func deprecate(_ artifact: String, options: RegistryWriteOptions) throws -> RegistryReport
  {
    let writer = try registryWriter(artifact, options: options)
    return try writer.deprecate(at: try resolveCommit(nil))
  }

  /// A writer for `artifact`'s registry tags, holding the registry lock.
  func registryWriter(_ artifact: String, options: RegistryWriteOptions) throws -> RegistryWriter {
    try RegistryWriter(
      repository: repository, artifact: artifact, options: options, read: registryReading,
      resolvePath: { reading in
        try self.artifactPath(artifact, reading: reading, given: options.path)
      })
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
