/// `mlx features`: versioned feature sets (docs/quality.md, "Feature sets").
extension Workspace {
  /// Every features artifact of the work tree, with its definition and registered versions.
  public func featureSets() throws -> [FeatureSetSummary] {
    let sets = try artifacts().filter { $0.pointer.kind == .features }
    guard !sets.isEmpty else { return [] }
    let reading = try registryReading()
    return try sets.map { artifact in
      // Data added with --kind features but no definition yet is listed without one.
      let read = try artifact.pointer.features.map { _ in
        try featureDefinition(path: artifact.path, pointer: artifact.pointer, commit: nil)
      }
      return FeatureSetSummary(
        name: read?.definition.name, path: artifact.path, definitionPath: read?.path,
        featureCount: read?.definition.features.count ?? 0,
        digest: artifact.pointer.digest.description,
        versions: try registeredVersions(of: artifact.path, reading: reading).map {
          "\($0.artifact)@\($0.version)"
        })
    }
  }

  /// A feature set at `NAME`, `NAME@vX.Y.Z` (a registry version) or `NAME@REV` (a Git
  /// revision). NAME is the definition's name, the data's path or a registry artifact's name;
  /// without a version the work tree is read.
  public func featureSet(_ reference: String) throws -> FeatureSetVersion {
    let at = reference.lastIndex(of: "@")
    let name = at.map { String(reference[..<$0]) } ?? reference
    let revision = at.map { String(reference[reference.index(after: $0)...]) }
    let reading = try registryReading()
    let path = try featureSetPath(name, reading: reading)
    guard let revision else {
      guard let artifact = try readPointer(at: path + PointerFile.suffix) else {
        throw WorkspaceError.notTracked(path: display(path))
      }
      let (definitionPath, definition) = try featureDefinition(
        path: path, pointer: artifact.pointer, commit: nil)
      return FeatureSetVersion(
        definition: definition, path: path, definitionPath: definitionPath, commit: nil,
        version: nil, digest: artifact.pointer.digest.description,
        profile: artifact.pointer.profile?.description)
    }
    var version: String?
    let commit: String
    let versions = try registeredVersions(of: path, reading: reading).filter {
      $0.version == revision
    }
    if SemanticVersion(revision) != nil,
      let match = versions.first(where: { $0.artifact == name }) ?? versions.first
    {
      (commit, version) = (match.commit, "\(match.artifact)@\(match.version)")
    } else {
      commit = try resolveCommit(revision)
    }
    guard case .pointer(let pointer) = try repository.committedPointer(path: path, commit: commit)
    else { throw WorkspaceError.notTrackedAt(path: display(path), revision: revision) }
    let (definitionPath, definition) = try featureDefinition(
      path: path, pointer: pointer, commit: commit)
    return FeatureSetVersion(
      definition: definition, path: path, definitionPath: definitionPath, commit: commit,
      version: version, digest: pointer.digest.description, profile: pointer.profile?.description)
  }

  /// Two versions of a feature set compared.
  public func compareFeatureSets(_ old: String, _ new: String) throws -> FeatureSetComparison {
    let (before, after) = (try featureSet(old), try featureSet(new))
    let diff = FeatureSetDiff(before.definition, after.definition)
    return FeatureSetComparison(
      old: before, new: after, dataChanged: before.digest != after.digest, added: diff.added,
      removed: diff.removed, changed: diff.changed)
  }

  /// The data path a feature set's name stands for: a features artifact of the work tree
  /// (by path or definition name), else a registry artifact's path.
  private func featureSetPath(_ name: String, reading: RegistryReading) throws -> String {
    let sets = try artifacts().filter { $0.pointer.kind == .features }
    if let path = try? repositoryPath(for: name), sets.contains(where: { $0.path == path }) {
      return path
    }
    for artifact in sets {
      let definition = try? featureDefinition(
        path: artifact.path, pointer: artifact.pointer, commit: nil)
      if definition?.definition.name == name { return artifact.path }
    }
    if RegistryTagName.isValidArtifact(name), let path = try reading.path(of: name) {
      return path
    }
    throw QualityError.unreadableData(
      path: name, reason: "is no feature set here (`mlx features list` shows them)")
  }

  /// The registered versions of the artifacts whose path is `path`, least first.
  func registeredVersions(of path: String, reading: RegistryReading) throws
    -> [(artifact: String, version: String, commit: String)]
  {
    var found: [(artifact: String, version: String, commit: String)] = []
    for state in try reading.currentView().states where try reading.path(of: state.name) == path {
      found += state.versions.reversed().map { (state.name, $0.version, $0.commit) }
    }
    return found
  }

  /// The definition a features pointer names, read from `commit` (nil: the work tree).
  func featureDefinition(path: String, pointer: PointerFile, commit: String?) throws
    -> (path: String, definition: FeatureDefinition)
  {
    guard let name = pointer.features else {
      throw QualityError.unreadableData(
        path: display(path + PointerFile.suffix),
        reason: "names no feature definition; record one with "
          + "`mlx add \(display(path)) --kind features --definition FILE`")
    }
    let definitionPath = FileSystem.join(FileSystem.parent(of: path), name)
    let bytes =
      if let commit, let id = GitOID(hex: commit) {
        try repository.file(definitionPath, inCommit: id)
      } else {
        try FileSystem.readTextIfPresent(absolute(definitionPath)).map { Array($0.utf8) }
      }
    guard let bytes else {
      throw QualityError.unreadableData(
        path: display(definitionPath),
        reason: "no such feature definition" + (commit.map { " at commit \($0.prefix(7))" } ?? ""))
    }
    let definition = try FeatureDefinition(
      parsing: String(decoding: bytes, as: UTF8.self), path: display(definitionPath))
    return (definitionPath, definition)
  }
}
