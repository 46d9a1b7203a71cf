/// What `mlx get` wrote.
public struct GetReport: Codable, Sendable {
  /// What was asked for: `NAME#STAGE`, `NAME@VERSION` or a path.
  public var reference: String
  /// The registry version, when a registry name was asked for.
  public var version: String?
  /// The commit the pointer was read from; nil for the work tree's.
  public var commit: String?
  /// The artifact's path in the repository.
  public var path: String
  public var digest: ObjectID
  public var size: Int64
  /// Where the bytes were written.
  public var output: String
  /// Objects downloaded from the remote (0 when the store had them all).
  public var fetched: Int
}

/// `mlx get`: one artifact's bytes, for deployment.
extension Workspace {
  /// Writes the content `reference` names to `output` (a path relative to where mlx runs):
  /// `NAME#STAGE` (the version in that stage), `NAME@VERSION`, or a tracked path (at
  /// `revision`, else as the work tree's pointer says). Content the store lacks comes from
  /// `remote` (default: the default remote); every byte is checked before it is written.
  public func get(
    _ reference: String, revision: String?, remote: String?, output: String?, force: Bool,
    jobs: Int?, progress: ProgressReporter
  ) throws -> GetReport {
    let (artifact, version, commit) = try resolveForGet(reference, revision: revision)
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let store = try self.store()
    let root = ObjectClosure.Root(
      digest: artifact.pointer.digest, isDirectory: artifact.pointer.isDirectory)
    var fetched = 0
    if !(try ObjectClosure([root], in: store).absent.isEmpty) {
      let opened = try openRemote(remote, jobs: jobs)
      let fetcher = RemoteFetcher(
        store: store, storage: opened.storage, remoteName: opened.spec.name)
      fetched = try fetcher.fetch([root], catalog: try opened.catalog(), progress: progress).objects
    }

    let given = output ?? String(artifact.path.split(separator: "/").last ?? "artifact")
    var destination =
      given.hasPrefix("/") ? given : FileSystem.join(location.currentDirectory, given)
    while destination.count > 1 && destination.hasSuffix("/") { destination.removeLast() }
    // An existing directory receives the artifact under its own name, as `cp` would.
    if output != nil, try FileStatus.of(destination)?.kind == .directory {
      destination += "/" + (artifact.path.split(separator: "/").last.map(String.init) ?? "artifact")
    }
    let real = FileSystem.realPath(FileSystem.parent(of: destination)) ?? destination
    for protected in [self.root + "/.git", metadataDirectory]
    where real == protected || real.hasPrefix(protected + "/") {
      throw WorkspaceError.insideMetadata(path: destination)
    }
    try FileSystem.createDirectories(FileSystem.parent(of: destination))
    let target = WorkTreeLocation(
      root: FileSystem.parent(of: destination), currentDirectory: location.currentDirectory)
    let name = String(destination.split(separator: "/").last ?? "artifact")
    var statCache = StatCache()
    let plan = try target.checkoutPlan(
      path: name, pointerPath: name, pointer: artifact.pointer, store: store, force: force,
      statCache: &statCache)
    let existing = try FileStatus.of(destination)
    let exists = existing != nil
    // A device, pipe or socket (`/dev/null`) would be replaced by a file, not written into.
    if existing?.kind == .other { throw WorkspaceError.outputNotAFile(path: destination) }
    switch plan {
    case .unchanged:
      break
    case .refuse, .impossible:
      throw WorkspaceError.outputExists(path: destination, reason: "it holds other content")
    case .write where !force && exists:
      // Other content, even content the store holds: an output is replaced only on request.
      throw WorkspaceError.outputExists(path: destination, reason: "it holds other content")
    case .write(let files, let removals):
      let writer = WorkTreeWriter(location: target, store: store)
      for path in removals { try writer.removeFile(path) }
      _ = try writer.write(files, statCache: &statCache, stagingBeside: true, progress: progress)
    }
    return GetReport(
      reference: reference, version: version, commit: commit, path: artifact.path,
      digest: artifact.pointer.digest, size: artifact.pointer.size, output: destination,
      fetched: fetched)
  }

  /// The artifact a `get` reference names, with the registry version and commit it came from.
  private func resolveForGet(_ reference: String, revision: String?) throws
    -> (TrackedArtifact, version: String?, commit: String?)
  {
    if let stage = ArtifactStageReference(reference) {
      let deployment = try which(artifact: stage.artifact, stage: stage.stage)
      return (
        try committedArtifact(deployment.path, at: deployment.commit), deployment.version,
        deployment.commit
      )
    }
    if let at = reference.lastIndex(of: "@"),
      RegistryTagName.isValidArtifact(String(reference[..<at]))
    {
      let name = String(reference[..<at])
      let wanted = String(reference[reference.index(after: at)...])
      let versions = try registry(artifact: name).artifacts.first?.versions ?? []
      guard
        let found = versions.first(where: {
          $0.version == wanted || $0.version == "v" + wanted
        })
      else {
        throw RegistryError.unknownVersion(artifact: name, version: wanted)
      }
      let reading = try registryReading()
      let path = try artifactPath(name, reading: reading, given: nil)
      return (try committedArtifact(path, at: found.commit), found.version, found.commit)
    }
    // From outside the work tree (`--repo`), a path is the repository's own.
    let inside = currentDirectory == root || currentDirectory.hasPrefix(root + "/")
    let given = inside || reference.hasPrefix("/") ? reference : root + "/" + reference
    if let revision {
      let path = try repositoryPath(for: given)
      let commit = try resolveCommit(revision)
      return (try committedArtifact(path, at: commit), nil, commit)
    }
    let matches = try artifacts(named: [given])
    guard matches.count == 1, let only = matches.first else {
      throw WorkspaceError.notTracked(path: reference)
    }
    return (only, nil, nil)
  }

  /// The artifact at `path` (data or pointer path) in `commit`'s tree.
  private func committedArtifact(_ path: String?, at commit: String) throws -> TrackedArtifact {
    guard let path else { throw WorkspaceError.notTrackedAt(path: "(no path)", revision: commit) }
    let recorded = try artifacts(at: commit)
    guard
      let found = recorded.first(where: { $0.path == path || $0.pointerPath == path })
    else {
      throw WorkspaceError.notTrackedAt(path: display(path), revision: String(commit.prefix(7)))
    }
    return found
  }
}
